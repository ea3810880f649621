-- A reconnect to GET /api/v1/events replays the tasks changed since its cursor: updated_at is
-- set by every status change (transition-batch.ts) and at creation. One index for admins (every
-- task), one for users (their own), so the replay is a short range scan however many tasks there are.

-- CreateIndex
CREATE INDEX "tasks_updated_idx" ON "tasks"("updated_at");

-- CreateIndex
CREATE INDEX "tasks_owner_updated_idx" ON "tasks"("owner_id", "updated_at");
