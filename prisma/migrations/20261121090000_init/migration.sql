-- CreateEnum
CREATE TYPE "task_status" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');

-- CreateTable
CREATE TABLE "tasks" (
    "id" UUID NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "queue" VARCHAR(100) NOT NULL,
    "status" "task_status" NOT NULL DEFAULT 'queued',
    "progress" SMALLINT NOT NULL DEFAULT 0,
    "progress_message" VARCHAR(200),
    "payload" JSONB NOT NULL,
    "result" JSONB,
    "error" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "owner_id" VARCHAR(64),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "tasks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "tasks_owner_created_idx" ON "tasks"("owner_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_status_created_idx" ON "tasks"("status", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_type_created_idx" ON "tasks"("type", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "tasks_created_idx" ON "tasks"("created_at" DESC, "id" DESC);
