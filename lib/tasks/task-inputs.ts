import { z } from 'zod';
import { TASK_STATUSES } from './task-view';

// Inputs accepted at the edges (REST, server actions, sockets). Payloads are checked later
// against their task type's own schema.

export const createTaskInputSchema = z
  .object({
    type: z.string({ message: 'type is required' }).min(1).max(100),
    payload: z.unknown().optional(),
  })
  .strict();

export type CreateTaskInput = z.infer<typeof createTaskInputSchema>;

export const listTasksQuerySchema = z
  .object({
    status: z.enum(TASK_STATUSES).optional(),
    type: z.string().min(1).max(100).optional(),
    cursor: z.string().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

export type ListTasksQuery = z.infer<typeof listTasksQuerySchema>;

export const taskIdSchema = z.uuid();

export const taskIdListSchema = z.array(taskIdSchema).max(500);
