-- AlterTable
ALTER TABLE "users" ADD COLUMN "notify_on_completion" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "task_files" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "role" VARCHAR(10) NOT NULL,
    "kind" VARCHAR(40) NOT NULL,
    "name" VARCHAR(300) NOT NULL,
    "storage_key" VARCHAR(500) NOT NULL,
    "content_type" VARCHAR(200) NOT NULL,
    "size" BIGINT NOT NULL,
    "sha256" CHAR(64),
    "meta" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_files_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "task_files_task_idx" ON "task_files"("task_id", "role", "created_at");

-- AddForeignKey
ALTER TABLE "task_files" ADD CONSTRAINT "task_files_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "task_logs" (
    "id" UUID NOT NULL,
    "task_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "level" VARCHAR(10) NOT NULL,
    "message" VARCHAR(1000) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "task_logs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "task_logs_task_idx" ON "task_logs"("task_id", "id");

-- AddForeignKey
ALTER TABLE "task_logs" ADD CONSTRAINT "task_logs_task_id_fkey" FOREIGN KEY ("task_id") REFERENCES "tasks"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Retention deletes finished tasks by age.
CREATE INDEX "tasks_finished_idx" ON "tasks"("finished_at");
