-- Alerts for admins: rules on the system's figures (failure rate of a task type, oldest waiting
-- job of a queue, no live worker for a queue) and their incidents, one per stretch of firing, so
-- a restarted web process neither notifies again nor forgets what is firing.

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "kind" VARCHAR(20) NOT NULL,
    "task_type" VARCHAR(100),
    "queue" VARCHAR(100),
    "window_minutes" INTEGER,
    "threshold" DOUBLE PRECISION,
    "min_tasks" INTEGER,
    "notify_email" BOOLEAN NOT NULL DEFAULT true,
    "notify_webhook" BOOLEAN NOT NULL DEFAULT false,
    "cooldown_minutes" INTEGER NOT NULL DEFAULT 30,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_by_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_incidents" (
    "id" UUID NOT NULL,
    "rule_id" UUID NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "resolved_at" TIMESTAMPTZ(3),
    "last_notified_at" TIMESTAMPTZ(3),
    "notifications" INTEGER NOT NULL DEFAULT 0,
    "last_value" DOUBLE PRECISION,
    "threshold" DOUBLE PRECISION,
    "last_evaluated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_incidents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_name_key" ON "alert_rules"("name");

-- CreateIndex
CREATE INDEX "alert_incidents_rule_started_idx" ON "alert_incidents"("rule_id", "started_at" DESC);

-- CreateIndex
CREATE INDEX "alert_incidents_resolved_idx" ON "alert_incidents"("resolved_at");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_incidents" ADD CONSTRAINT "alert_incidents_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;
