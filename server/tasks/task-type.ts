import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Storage } from '@/server/storage/storage';

export interface TaskDefaults {
  /** The queue the type runs on (server/queues/queue-config.ts). */
  queue: string;
  /** Total tries, the first included. */
  attempts: number;
  /**
   * The wait before attempt n+1 is delayMs × 2^(n-1) (exponential) or delayMs (fixed), capped
   * at maxDelayMs, with up to `jitter` of it (0..1) taken off at random so retries spread out.
   */
  backoff: { type: 'exponential' | 'fixed'; delayMs: number; maxDelayMs?: number; jitter?: number };
  /** Soft limit: the processor's softLimit signal fires; it may wrap up and return. */
  softTimeoutMs?: number;
  /** Hard limit: the processor is aborted and the attempt fails with a timeout error. */
  timeoutMs: number;
}

/**
 * A file the task produced, recorded in task_files and downloadable from
 * GET /api/v1/tasks/{id}/files/{fileId}; the first one also from GET /api/v1/tasks/{id}/result.
 */
export interface TaskFileOutput {
  /** Made by our code only, under `taskOutputPrefix(taskId)`. */
  key: string;
  /** The download name; any unicode, never used as a path. */
  name: string;
  contentType: string;
  size: number;
  /** What it is, for previews: cleaned-csv, csv-summary, thumbnail, clean-image, report, email… */
  kind: string;
  /** Facts a preview needs, e.g. { width, height } of a thumbnail. Must be JSON. */
  meta?: Record<string, unknown>;
}

export interface TaskOutput {
  /** Stored as the task's result and shown to the user. Must be JSON. */
  result: Record<string, unknown>;
  /** The first is the task's main download. */
  files?: TaskFileOutput[];
}

export type TaskLogLevel = 'info' | 'warn' | 'error';

/**
 * Who may submit the type. `internal` types are only created by our own services (an upload
 * creates `file.process`, a finished task creates `email.send`), never by a submit.
 */
export type TaskAccess = 'user' | 'admin' | 'internal';

export interface TaskContext<Payload> {
  taskId: string;
  attempt: number;
  payload: Payload;
  /**
   * Fires on cancel, on the hard time limit and on a worker shutdown. Check it between chunks of
   * work and clean up (in finally) when it fires: the runner waits for that, up to a deadline.
   */
  signal: AbortSignal;
  /** Fires at the type's soft time limit: wrap up and return what there is. */
  softLimit: AbortSignal;
  /** 0..100; lower values than the last one reported are raised to it. */
  reportProgress(progress: number, message?: string): void;
  /** A line for the task's users, shown live on its page and kept with the task. */
  log(message: string, level?: TaskLogLevel): void;
  storage: Storage;
  logger: Logger;
}

export interface TaskType<Schema extends z.ZodType = z.ZodType> {
  /** `domain.verb` */
  name: string;
  title: string;
  description: string;
  schema: Schema;
  /**
   * What a non-admin's payload must also pass, when the type bounds what users may ask for
   * (admins, schedules and the worker use `schema`). Usually `schema` with a refinement, so a
   * payload beyond it answers 422 naming the field and the admin-only range.
   */
  userSchema?: z.ZodType<z.output<Schema>>;
  /** Who may submit it; `user` when left out. */
  access?: TaskAccess;
  defaults: TaskDefaults;
  /**
   * Loads the type's processor module: always `() => import('./<name>-processor')`. The web
   * process imports every type (to validate payloads, list types, pick queues) and must not load
   * what processors need (pdfkit, sharp, nodemailer, the CSV pipeline); only the worker calls
   * this, once per type (server/tasks/task-processors.ts).
   */
  processor: () => Promise<TaskProcessorModule<z.output<Schema>>>;
}

export type TaskProcessor<Payload> = (context: TaskContext<Payload>) => Promise<TaskOutput>;

/** What a `<name>-processor.ts` module exports. */
export interface TaskProcessorModule<Payload> {
  processTask: TaskProcessor<Payload>;
}

export function defineTaskType<Schema extends z.ZodType>(type: TaskType<Schema>): TaskType<Schema> {
  if (!/^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/.test(type.name)) {
    throw new Error(`Task type name must be domain.verb, got ${type.name}`);
  }
  return type;
}

/** Where a task's outputs live in storage; retention removes the whole `tasks/<id>/` tree. */
export function taskOutputPrefix(taskId: string): string {
  return `tasks/${taskId}/outputs`;
}

export function taskStoragePrefix(taskId: string): string {
  return `tasks/${taskId}`;
}
