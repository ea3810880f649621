import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Storage } from '@/server/storage/storage';
import type { QueueName } from '@/server/queues/queue-config';

export interface TaskDefaults {
  /** The queue the type runs on (server/queues/queue-config.ts): a name not configured there fails to compile. */
  queue: QueueName;
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
  /** Hex SHA-256 of the stored bytes, as storage.write returned it. */
  sha256: string;
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
 * creates a file task, a finished task an email), never by a submit.
 */
export type TaskAccess = 'user' | 'admin' | 'internal';

/** Where an internal type's tasks come from, told to whoever tries to make one directly. */
export interface TaskOrigin {
  /** Ends "not by hand, …" on the admin's run form and in run-by-hand's refusal. */
  byHand: string;
  /** The field hint a submit of the type answers with; DEFAULT_SUBMIT_HINT when left out. */
  submitHint?: string;
}

export const DEFAULT_ORIGIN: Required<TaskOrigin> = {
  byHand: 'created by Taskdeck itself',
  submitHint: 'This type is created by Taskdeck itself.',
};

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
  /**
   * What an earlier attempt saved with saveCheckpoint (its worker was lost, or stopped for a
   * shutdown), or null: a processor that can go on from where it was does, instead of doing the
   * finished part again. Parse it before use; a retry by hand clears it.
   */
  checkpoint: unknown;
  /** Saves where the work got to (JSON); ignored once this attempt no longer owns the task. */
  saveCheckpoint(state: Record<string, unknown>): Promise<void>;
  storage: Storage;
  logger: Logger;
}

export interface TaskType<Schema extends z.ZodType = z.ZodType> {
  /** `domain.verb` */
  name: string;
  /** Names the type where types are listed or chosen (forms, filters): what it does. */
  title: string;
  /**
   * Names one task of the type in a row or on its page, where the title reads as an order
   * ("Process a file") rather than a thing ("File"); the title when left out.
   */
  label?: string;
  description: string;
  schema: Schema;
  /**
   * One line about what a task was asked to do, shown next to its label; null when its payload
   * says nothing useful. Gets the payload as stored (parsed by `schema` when submitted): a row
   * from before a schema change may lack fields, and a summary that throws shows none.
   */
  summarize?: (payload: z.output<Schema>) => string | null;
  /**
   * What a non-admin's payload must also pass, when the type bounds what users may ask for
   * (admins, schedules and the worker use `schema`). Usually `schema` with a refinement, so a
   * payload beyond it answers 422 naming the field and the admin-only range.
   */
  userSchema?: z.ZodType<z.output<Schema>>;
  /** Who may submit it; `user` when left out. */
  access?: TaskAccess;
  /** For an `internal` type: where its tasks come from; DEFAULT_ORIGIN when left out. */
  origin?: TaskOrigin;
  /**
   * Whether a task of it ending sends its owner the completion email (when they opted in);
   * true when left out. The email type says false: an email about an email would never end.
   */
  completionEmail?: boolean;
  /**
   * Whether a task of it ending sends the task.* webhook events; true when left out. The
   * delivery type says false, for the same reason as the email.
   */
  webhooks?: boolean;
  /**
   * Whether a task of it is a follow-up: created as the child of the task it reports on (a
   * completion email, a task event's webhook delivery), listed under its parent rather than as a
   * row of its own. Only such types take a parent (createInternalTask); one made without a
   * parent (an alert's email) is a top-level task like any other. False when left out.
   */
  followUp?: boolean;
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

/** What one task of the type is called in rows and on its page. */
export function labelTaskType(type: TaskType): string {
  return type.label ?? type.title;
}

/** The type's one line about a stored payload, or null (no summary, no object, or it threw). */
export function summarizePayload(type: TaskType, payload: unknown): string | null {
  if (!type.summarize || typeof payload !== 'object' || payload === null) return null;
  try {
    // Typed as a string, but an old payload can make a summary read a field that is gone.
    const line: unknown = type.summarize(payload);
    return typeof line === 'string' ? line : null;
  } catch {
    return null;
  }
}
