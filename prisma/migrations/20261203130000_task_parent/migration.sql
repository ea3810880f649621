-- Follow-up tasks (a completion email, the webhook delivery of a task event) are children of the
-- task they report on. ON DELETE SET NULL, not CASCADE: deleting a finished parent (by hand or by
-- retention) must neither delete a child that is still running (an email being retried) nor
-- drop a child's row before its stored files are removed (task-deletion.ts removes files
-- first); the child keeps its own retention clock and shows as a top-level row once orphaned.

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "parent_task_id" UUID;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_parent_task_id_fkey" FOREIGN KEY ("parent_task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A parent's page lists its children (parent_task_id = $1) newest first: one range of this
-- index; a parent's deletion finds its children here for the SET NULL. The lists of top-level
-- tasks (parent_task_id IS NULL) keep their created_at indexes with the condition as a filter:
-- an IS NULL key column would not give them created_at order, and they read one row per
-- follow-up skipped (at most a completion email and a few deliveries per task).
-- CreateIndex
CREATE INDEX "tasks_parent_created_idx" ON "tasks"("parent_task_id", "created_at" DESC, "id" DESC);
