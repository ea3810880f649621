import { z } from 'zod';
import type { ZodOpenApiPathsObject } from 'zod-openapi';
import {
  bulkTaskActionSchema,
  createTaskInputSchema,
  idempotencyKeySchema,
  listTasksQuerySchema,
} from '@/lib/tasks/task-inputs';
import { taskPageSchema, taskViewSchema, taskWithDetailSchema } from '@/lib/tasks/task-view';
import {
  filterBulkPreviewResultSchema,
  filterBulkRequestSchema,
  filterBulkResultSchema,
} from '@/lib/tasks/filter-bulk-inputs';
import { bulkResultSchema } from '@/server/tasks/task-control';
import {
  taskFileListSchema,
  taskLogListSchema,
  transitionListSchema,
  uploadResultSchema,
} from './api-schemas';
import {
  binary,
  CALLER,
  created,
  json,
  operation,
  rangeHeaders,
  taskId,
  WRITE,
} from './openapi-operations';
import { UPLOAD_PATH } from './upload-endpoint';

/** The bulk task as recorded; its result, null until it succeeds, is the FilterBulkResult. */
const filterBulkTaskSchema = taskViewSchema
  .extend({
    result: filterBulkResultSchema
      .nullable()
      .meta({ description: 'Null until the task succeeds; then what it did.' }),
  })
  .meta({ id: 'FilterBulkTask' });

// The task and file operations of the OpenAPI document (openapi-document.ts).

export const taskOperations: ZodOpenApiPathsObject = {
  '/api/v1/tasks': {
    post: operation({
      id: 'createTask',
      tag: 'Tasks',
      summary: 'Submit a task',
      description:
        'A repeat with the same `Idempotency-Key` answers the first task, with `Idempotent-Replayed: true`.',
      header: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
      body: createTaskInputSchema,
      responses: created('The task as recorded.', taskViewSchema),
      errors: [...WRITE, '422', ...CALLER],
    }),
    get: operation({
      id: 'listTasks',
      tag: 'Tasks',
      summary: "List the caller's tasks (admins: everyone's), newest first",
      description:
        "Follow-ups (completion emails, webhook deliveries of task events) are children of the task they report on (`parentTaskId`) and are left out unless `include=children`; `parent=<id>` lists one task's children.",
      query: listTasksQuerySchema,
      responses: json('200', 'One page.', taskPageSchema),
      errors: ['400', '422', ...CALLER],
    }),
  },
  '/api/v1/tasks/bulk': {
    post: operation({
      id: 'runBulkTaskAction',
      tag: 'Tasks',
      summary: 'Cancel, retry or delete many tasks',
      access: 'admin',
      body: bulkTaskActionSchema,
      responses: json('200', "Each task's outcome.", bulkResultSchema),
      errors: [...WRITE, ...CALLER],
    }),
  },
  '/api/v1/tasks/bulk-by-filter': {
    post: operation({
      id: 'runFilterBulkAction',
      tag: 'Tasks',
      summary: 'Cancel, retry or delete every task a filter matches',
      description:
        "The filter is the task list's. `dryRun: true` only counts: how many match and how many each action would change (200). An action starts a `tasks.bulk` task of the caller's (202, `Location` names it) that changes at most 10,000 tasks (422 `limit_exceeded` beyond), in batches, with progress; its `result` is a FilterBulkResult. A task changed meanwhile is skipped with its reason, so a repeat is safe.",
      access: 'admin',
      body: filterBulkRequestSchema,
      responses: {
        ...json('200', 'With dryRun: the counts.', filterBulkPreviewResultSchema),
        '202': {
          description:
            'The bulk task, queued; its result, once it succeeds, is a FilterBulkResult.',
          headers: z.object({ location: z.string().meta({ description: 'Its URL path.' }) }),
          content: { 'application/json': { schema: filterBulkTaskSchema } },
        },
      },
      errors: [...WRITE, '422', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}': {
    get: operation({
      id: 'getTask',
      tag: 'Tasks',
      summary: 'One task',
      description:
        "An admin also gets `errorDetail`: the stack and cause chain of the task's last failed attempt. Anyone else never does.",
      path: taskId,
      responses: json('200', 'The task.', taskWithDetailSchema),
      errors: ['404', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/cancel': {
    post: operation({
      id: 'cancelTask',
      tag: 'Tasks',
      summary: 'Cancel a task',
      description: 'A running task becomes `cancelling` until its worker stops it.',
      path: taskId,
      responses: json('202', 'The task after the request.', taskViewSchema),
      errors: ['403', '404', '409', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/retry': {
    post: operation({
      id: 'retryTask',
      tag: 'Tasks',
      summary: 'Run a failed or cancelled task again',
      path: taskId,
      responses: json('202', 'The task, queued again.', taskViewSchema),
      errors: ['403', '404', '409', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/transitions': {
    get: operation({
      id: 'listTaskTransitions',
      tag: 'Tasks',
      summary: "The task's status changes",
      path: taskId,
      responses: json('200', 'Every status change, oldest first.', transitionListSchema),
      errors: ['404', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/result': {
    get: operation({
      id: 'getTaskResult',
      tag: 'Files',
      summary: "The task's main output file",
      description: 'Resumable: a single `Range` (with `If-Range`) answers 206 with those bytes.',
      path: taskId,
      header: rangeHeaders,
      responses: binary('The file.'),
      errors: ['404', '416', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/files': {
    get: operation({
      id: 'listTaskFiles',
      tag: 'Files',
      summary: "The task's upload and outputs",
      path: taskId,
      responses: json('200', 'Inputs first, each in the order made.', taskFileListSchema),
      errors: ['404', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/files/{fileId}': {
    get: operation({
      id: 'getTaskFile',
      tag: 'Files',
      summary: 'Download one file of the task',
      description: 'Resumable: a single `Range` (with `If-Range`) answers 206 with those bytes.',
      path: taskId.extend({ fileId: z.string().meta({ description: 'The file id.' }) }),
      query: z.object({
        disposition: z
          .enum(['inline', 'attachment'])
          .optional()
          .meta({ description: '`inline` shows images and text in the browser.' }),
      }),
      header: rangeHeaders,
      responses: binary('The file.'),
      errors: ['404', '416', ...CALLER],
    }),
  },
  '/api/v1/tasks/{id}/logs': {
    get: operation({
      id: 'listTaskLogs',
      tag: 'Tasks',
      summary: "The processor's log lines",
      path: taskId,
      responses: json('200', 'The newest lines, oldest first.', taskLogListSchema),
      errors: ['404', ...CALLER],
    }),
  },
  [UPLOAD_PATH]: {
    post: {
      ...operation({
        id: 'uploadFiles',
        tag: 'Files',
        summary: 'Upload files: each becomes a file.process task',
        responses: json('201', 'The tasks made, one per file.', uploadResultSchema),
        errors: ['400', '403', '413', '415', '422', ...CALLER],
      }),
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: z.object({ file: z.array(z.string().meta({ format: 'binary' })) }),
          },
        },
      },
    },
  },
};
