import { z } from 'zod';
import { alertRuleViewSchema } from '@/lib/alerts/alert-view';
import { taskFileViewSchema } from '@/lib/files/task-file-view';
import { taskLogLineSchema } from '@/lib/realtime/events';
import { scheduleViewSchema } from '@/lib/schedules/schedule-view';
import { taskTransitionViewSchema, taskViewSchema } from '@/lib/tasks/task-view';
import { webhookEndpointViewSchema } from '@/lib/webhooks/webhook-view';
import { queueViewSchema } from '@/server/queues/queue-service';

// The envelopes the REST routes wrap their lists in. The routes build their bodies with
// `jsonBody(schema, body)`, so a body that strays from its schema fails to compile, and the
// OpenAPI document (openapi-document.ts) is made from the same schemas.

export const scheduleListSchema = z.object({ data: z.array(scheduleViewSchema) });
export const alertRuleListSchema = z.object({ data: z.array(alertRuleViewSchema) });
export const queueListSchema = z.object({ data: z.array(queueViewSchema) });
export const transitionListSchema = z.object({ data: z.array(taskTransitionViewSchema) });
export const taskFileListSchema = z.object({ files: z.array(taskFileViewSchema) });
export const taskLogListSchema = z.object({ lines: z.array(taskLogLineSchema) });
export const webhookEndpointListSchema = z.object({ data: z.array(webhookEndpointViewSchema) });
export const uploadResultSchema = z.object({
  tasks: z.array(taskViewSchema).meta({ description: 'One file.process task per file part.' }),
});

/** A JSON response whose body the compiler checks against its documented schema. */
export function jsonBody<Schema extends z.ZodType>(
  _schema: Schema,
  body: z.output<Schema>,
  init?: ResponseInit,
): Response {
  return Response.json(body, init);
}
