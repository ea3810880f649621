import type { JsonSchema } from '@/lib/schema-form/json-schema';

// A task type as the "Run a task" form and the schedule form see it: plain JSON, so server
// pages pass it to client components. Made by server/tasks/task-type-catalog.ts.

export type TaskTypeAccess = 'user' | 'admin' | 'internal';

export interface TaskTypeForm {
  /** `domain.verb` */
  name: string;
  title: string;
  description: string;
  queue: string;
  /** Who may submit it: anyone, admins, or only Taskdeck itself (`internal`). */
  access: TaskTypeAccess;
  /** Total tries, the first included. */
  attempts: number;
  /** The hard time limit of one attempt. */
  timeoutMs: number;
  /** The payload's input shape (zod's toJSONSchema, io: 'input'). */
  jsonSchema: JsonSchema;
  runnableByHand: boolean;
  /** Why it is not runnable by hand, when it is not. */
  reason?: string;
}
