-- AlterEnum: the full lifecycle (PostgreSQL 12+ allows ADD VALUE inside a transaction)
ALTER TYPE "task_status" ADD VALUE 'delayed' AFTER 'queued';
ALTER TYPE "task_status" ADD VALUE 'retrying' AFTER 'running';
ALTER TYPE "task_status" ADD VALUE 'cancelling' AFTER 'retrying';

-- CreateEnum
CREATE TYPE "task_priority" AS ENUM ('low', 'normal', 'high', 'urgent');

-- AlterTable
ALTER TABLE "tasks"
    ADD COLUMN "priority" "task_priority" NOT NULL DEFAULT 'normal',
    ADD COLUMN "revision" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "job_id" VARCHAR(100),
    ADD COLUMN "run_at" TIMESTAMPTZ(3),
    ADD COLUMN "retry_at" TIMESTAMPTZ(3),
    ADD COLUMN "cancel_requested_at" TIMESTAMPTZ(3),
    ADD COLUMN "idempotency_key" VARCHAR(255),
    ADD COLUMN "idempotency_hash" CHAR(64);

-- Tasks from before this migration ran as jobs whose id is the task id.
UPDATE "tasks" SET "job_id" = "id"::text;

-- CreateIndex
CREATE UNIQUE INDEX "tasks_owner_idempotency_key" ON "tasks"("owner_id", "idempotency_key");

-- CreateTable
CREATE TABLE "task_transitions" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL,
    "from_status" "task_status",
    "to_status" "task_status" NOT NULL,
    "reason" VARCHAR(500),
    "actor_id" VARCHAR(64),
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_transitions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "task_transitions_task_revision_key" ON "task_transitions"("task_id", "revision");

-- AddForeignKey
ALTER TABLE "task_transitions" ADD CONSTRAINT "task_transitions_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
