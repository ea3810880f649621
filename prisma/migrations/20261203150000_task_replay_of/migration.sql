-- A task made by "Replay with changes" names the task it replays (its payload edited). SET NULL:
-- deleting the original (by hand or by retention) keeps the replay, which has its own history.

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "replay_of_task_id" UUID;

-- AddForeignKey
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_replay_of_task_id_fkey" FOREIGN KEY ("replay_of_task_id") REFERENCES "tasks"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Deleting a task finds its replays here for the SET NULL (bulk delete, retention); without it
-- each deleted row would scan the table.
-- CreateIndex
CREATE INDEX "tasks_replay_of_idx" ON "tasks"("replay_of_task_id");
