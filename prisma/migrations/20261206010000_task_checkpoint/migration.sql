-- Where a long task got to, saved by its processor between chunks of work (a bulk action's
-- last batch), so an attempt after a lost worker or a shutdown goes on from there instead of
-- doing the finished part again. Cleared by a retry by hand, which starts the task over.

-- AlterTable
ALTER TABLE "tasks" ADD COLUMN "checkpoint" JSONB;
