import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Storage } from '@/server/storage/storage';

export interface TaskDefaults {
  /** The BullMQ queue the type runs on. */
  queue: string;
  /** Total tries, the first included. */
  attempts: number;
  backoff: { type: 'exponential' | 'fixed'; delayMs: number };
  /** The processor is aborted after this long; the attempt then fails with a timeout. */
  timeoutMs: number;
}

/** A file the task produced, downloadable from GET /api/v1/tasks/{id}/result. */
export interface TaskFileOutput {
  key: string;
  name: string;
  contentType: string;
  size: number;
}

export interface TaskOutput {
  /** Stored as the task's result and shown to the user. Must be JSON. */
  result: Record<string, unknown>;
  file?: TaskFileOutput;
}

export interface TaskContext<Payload> {
  taskId: string;
  attempt: number;
  payload: Payload;
  /** Fires on timeout (and, later, on cancel). Check it between chunks of work. */
  signal: AbortSignal;
  /** 0..100; lower values than the last one reported are raised to it. */
  reportProgress(progress: number, message?: string): void;
  storage: Storage;
  logger: Logger;
}

export interface TaskType<Schema extends z.ZodType = z.ZodType> {
  /** `domain.verb` */
  name: string;
  title: string;
  description: string;
  schema: Schema;
  defaults: TaskDefaults;
  process(context: TaskContext<z.output<Schema>>): Promise<TaskOutput>;
}

export function defineTaskType<Schema extends z.ZodType>(type: TaskType<Schema>): TaskType<Schema> {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(type.name)) {
    throw new Error(`Task type name must be domain.verb, got ${type.name}`);
  }
  return type;
}
