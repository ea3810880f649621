-- The transactional outbox: a task's row and the entry that says "its job must exist" are
-- written in one statement; the relay adds the job and deletes the entry, so a job is never
-- lost between Postgres and Redis (a crash, Redis down).

-- CreateTable
CREATE TABLE "task_outbox" (
    "job_id" VARCHAR(100) NOT NULL,
    "task_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "due_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" VARCHAR(500),

    CONSTRAINT "task_outbox_pkey" PRIMARY KEY ("job_id")
);

-- CreateIndex
CREATE INDEX "task_outbox_due_idx" ON "task_outbox"("due_at");

-- CreateIndex
CREATE INDEX "task_outbox_task_idx" ON "task_outbox"("task_id");

-- AddForeignKey
ALTER TABLE "task_outbox" ADD CONSTRAINT "task_outbox_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;
