-- Substring search over task payloads (the admin task list): trigram GIN index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateTable
CREATE TABLE "schedules" (
    "id" UUID NOT NULL,
    "name" VARCHAR(100) NOT NULL,
    "task_type" VARCHAR(100) NOT NULL,
    "payload" JSONB NOT NULL,
    "priority" "task_priority" NOT NULL DEFAULT 'normal',
    "cron" VARCHAR(120),
    "every_ms" INTEGER,
    "timezone" VARCHAR(64) NOT NULL DEFAULT 'UTC',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "missed_run_policy" VARCHAR(10) NOT NULL DEFAULT 'run_once',
    "owner_id" VARCHAR(64),
    "version" INTEGER NOT NULL DEFAULT 1,
    "enabled_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_run_at" TIMESTAMPTZ(3),
    "skipped_runs" INTEGER NOT NULL DEFAULT 0,
    "last_skipped_at" TIMESTAMPTZ(3),
    "last_error" VARCHAR(500),
    "last_error_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "schedules_pkey" PRIMARY KEY ("id"),
    -- Exactly one way of repeating.
    CONSTRAINT "schedules_repeat_check" CHECK (("cron" IS NULL) <> ("every_ms" IS NULL)),
    CONSTRAINT "schedules_every_ms_check" CHECK ("every_ms" IS NULL OR "every_ms" >= 1000),
    CONSTRAINT "schedules_missed_run_policy_check" CHECK ("missed_run_policy" IN ('skip', 'run_once'))
);

-- CreateIndex
CREATE UNIQUE INDEX "schedules_name_key" ON "schedules"("name");

-- AddForeignKey
ALTER TABLE "schedules" ADD CONSTRAINT "schedules_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "schedule_id" UUID,
ADD COLUMN "schedule_trigger" VARCHAR(20);

-- CreateIndex
CREATE INDEX "tasks_queue_created_idx" ON "tasks"("queue", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_schedule_created_idx" ON "tasks"("schedule_id", "created_at" DESC, "id" DESC);

-- Not expressible in schema.prisma; schema-matches-migrations.test.ts checks it by name.
CREATE INDEX "tasks_payload_trgm_idx" ON "tasks" USING GIN (("payload"::text) gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_schedule_id_fkey" FOREIGN KEY ("schedule_id") REFERENCES "schedules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- The built-in schedules, made once with the database; deleting one keeps it deleted.
INSERT INTO "schedules" ("id", "name", "task_type", "payload", "cron", "timezone", "missed_run_policy")
VALUES
  ('0196f000-0000-7000-8000-000000000001', 'Nightly retention cleanup', 'maintenance.cleanup',
   '{}', '0 3 * * *', 'UTC', 'run_once'),
  ('0196f000-0000-7000-8000-000000000002', 'Weekly activity report', 'report.generate',
   '{"kind": "activity", "format": "pdf", "days": 7}', '0 6 * * 1', 'UTC', 'skip');
