-- A list filtered by type and queue together: with only (type, …) and (queue, …) indexes a pair
-- that matches nothing read every task of the type (737 ms at a million tasks); this index
-- answers it, and any page of the pair, with one short range scan.

-- CreateIndex
CREATE INDEX "tasks_type_queue_created_idx" ON "tasks"("type", "queue", "created_at" DESC, "id" DESC);
