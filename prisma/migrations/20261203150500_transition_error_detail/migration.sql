-- A failed attempt's stack and cause chain, for admins (a failed task's page, GET
-- /api/v1/tasks/{id} as an admin). Beside the timeline entry of the attempt that failed, not in
-- tasks.error: that column reaches owners (socket events, REST, webhooks); this one is read only
-- by server/tasks/task-error-detail.ts, for admins. At most 16 KiB, cut by the worker.

-- AlterTable
ALTER TABLE "task_transitions" ADD COLUMN "error_detail" TEXT;
