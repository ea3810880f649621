-- Follow-up tasks (a completion email, the webhook delivery of a task event) are children of the
-- task they report on. ON DELETE SET NULL, not CASCADE: deleting a finished parent (by hand or by
-- retention) must neither delete a child that is still running (an email being retried) nor
-- drop a child's row before its stored files are removed (task-deletion.ts removes files
-- first); the child keeps its own retention clock and shows as a top-level row once orphaned.

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "parent_task_id" UUID;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_parent_task_id_fkey" FOREIGN KEY ("parent_task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- A user's dashboard lists their top-level tasks: owner_id = $1 AND parent_task_id IS NULL,
-- newest first, is one range of this index (btree serves IS NULL as an index condition).
-- CreateIndex
CREATE INDEX "tasks_owner_parent_created_idx" ON "tasks"("owner_id", "parent_task_id", "created_at" DESC, "id" DESC);

-- A parent's page lists its children (parent_task_id = $1), an admin's unfiltered dashboard the
-- top-level tasks of everyone (parent_task_id IS NULL), both newest first; the SET NULL on a
-- parent's deletion finds its children here too.
-- CreateIndex
CREATE INDEX "tasks_parent_created_idx" ON "tasks"("parent_task_id", "created_at" DESC, "id" DESC);
