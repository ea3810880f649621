import { z } from 'zod';
import {
  createDocument,
  type ZodOpenApiOperationObject,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import {
  scheduleChangesSchema,
  scheduleInputSchema,
  scheduleRunsQuerySchema,
} from '@/lib/schedules/schedule-spec';
import { scheduleViewSchema } from '@/lib/schedules/schedule-view';
import {
  bulkTaskActionSchema,
  createTaskInputSchema,
  idempotencyKeySchema,
  listTasksQuerySchema,
} from '@/lib/tasks/task-inputs';
import { taskPageSchema, taskViewSchema } from '@/lib/tasks/task-view';
import { healthReportSchema } from '@/server/health/health-service';
import { METRICS_PATH } from '@/server/metrics/metrics-path';
import { queueViewSchema } from '@/server/queues/queue-service';
import { bulkResultSchema } from '@/server/tasks/task-control';
import {
  queueListSchema,
  scheduleListSchema,
  taskFileListSchema,
  taskLogListSchema,
  transitionListSchema,
  uploadResultSchema,
} from './api-schemas';
import { problemSchema } from './problem';
import { UPLOAD_PATH } from './upload-endpoint';

// The OpenAPI 3.1 document of the REST API, made from the zod schemas the routes parse their
// input with and build their bodies from, so it cannot drift from the code. Served at
// OPENAPI_PATH and rendered at /api-reference; tests/unit/openapi-document.test.ts fails when a
// route is missing here, tests/e2e/openapi-contract.test.ts checks real answers against it.

export const OPENAPI_PATH = '/api/v1/openapi.json';

const PROBLEMS: Record<string, string> = {
  '400': 'Invalid input: `errors` names each field.',
  '401': 'No valid API key or session.',
  '403': 'Not allowed: an admin route, or a cookie-signed write from another origin.',
  '404': 'No such resource, or not yours.',
  '409': 'The resource is not in a state that allows this.',
  '413': 'The body is larger than allowed.',
  '415': 'The body is not of an accepted media type.',
  '422': 'Understood but refused: see `code`.',
  '429': 'Too many failed keys or requests: wait for `Retry-After`.',
  '503': 'PostgreSQL or Redis cannot be reached: retry after `Retry-After`.',
};

type Status = keyof typeof PROBLEMS;

function problems(statuses: Status[]): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: PROBLEMS[status]!,
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}

function json(status: string, description: string, schema: z.ZodType): ZodOpenApiResponsesObject {
  return { [status]: { description, content: { 'application/json': { schema } } } };
}

/** Every authenticated route can answer these. */
const CALLER: Status[] = ['401', '429', '503'];
/** A write: a JSON body, and the same-origin rule for cookie-signed calls. */
const WRITE: Status[] = ['400', '403', '413', '415'];

const idParam = (name: string, description: string) =>
  z.object({ [name]: z.string().meta({ description }) });
const taskId = idParam('id', 'The task id (a UUID).');
const scheduleId = idParam('id', 'The schedule id (a UUID).');

interface OperationSpec {
  id: string;
  tag: string;
  summary: string;
  description?: string;
  path?: z.ZodObject;
  query?: z.ZodObject;
  header?: z.ZodObject;
  body?: z.ZodType;
  responses: ZodOpenApiResponsesObject;
  errors: Status[];
  /** Who may call it; public routes need no credentials. */
  access?: 'user' | 'admin' | 'public' | 'metrics';
}

function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const access = spec.access ?? 'user';
  const security: Array<Record<string, string[]>> =
    access === 'public'
      ? []
      : access === 'metrics'
        ? [{ metricsToken: [] }]
        : [{ apiKey: [] }, { session: [] }];
  const params = { path: spec.path, query: spec.query, header: spec.header };
  return {
    operationId: spec.id,
    tags: [spec.tag],
    summary: spec.summary,
    description:
      access === 'admin' ? `Admins only. ${spec.description ?? ''}`.trim() : spec.description,
    security,
    ...(params.path || params.query || params.header
      ? {
          requestParams: Object.fromEntries(Object.entries(params).filter(([, value]) => value)),
        }
      : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    responses: { ...spec.responses, ...problems(spec.errors) },
  };
}

const binary = (description: string) => ({
  '200': {
    description,
    headers: z.object({
      'content-disposition': z
        .string()
        .meta({ description: 'attachment (or inline) with the download name' }),
    }),
    content: { '*/*': { schema: z.string().meta({ format: 'binary' }) } },
  },
});

const taskOperations: ZodOpenApiPathsObject = {
  '/api/v1/tasks': {
    post: operation({
      id: 'createTask',
      tag: 'Tasks',
      summary: 'Submit a task',
      description:
        'A repeat with the same `Idempotency-Key` answers the first task, with `Idempotent-Replayed: true`.',
      header: z.object({ 'idempotency-key': idempotencyKeySchema.optional() }),
      body: createTaskInputSchema,
      responses: json('201', 'The task as recorded; `Location` names it.', taskViewSchema),
      errors: [...WRITE, '422', ...CALLER],
    }),
    get: operation({
      id: 'listTasks',
      tag: 'Tasks',
      summary: "List the caller's tasks (admins: everyone's), newest first",
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
  '/api/v1/tasks/{id}': {
    get: operation({
      id: 'getTask',
      tag: 'Tasks',
      summary: 'One task',
      path: taskId,
      responses: json('200', 'The task.', taskViewSchema),
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
      path: taskId,
      responses: binary('The file.'),
      errors: ['404', ...CALLER],
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
      path: taskId.extend({ fileId: z.string().meta({ description: 'The file id.' }) }),
      query: z.object({
        disposition: z
          .enum(['inline', 'attachment'])
          .optional()
          .meta({ description: '`inline` shows images and text in the browser.' }),
      }),
      responses: binary('The file.'),
      errors: ['404', ...CALLER],
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

const scheduleOperations: ZodOpenApiPathsObject = {
  '/api/v1/schedules': {
    get: operation({
      id: 'listSchedules',
      tag: 'Schedules',
      summary: 'The schedules',
      access: 'admin',
      responses: json('200', 'Every schedule.', scheduleListSchema),
      errors: ['403', ...CALLER],
    }),
    post: operation({
      id: 'createSchedule',
      tag: 'Schedules',
      summary: 'Create a schedule',
      access: 'admin',
      body: scheduleInputSchema,
      responses: json('201', 'The schedule; `Location` names it.', scheduleViewSchema),
      errors: [...WRITE, '409', ...CALLER],
    }),
  },
  '/api/v1/schedules/{id}': {
    get: operation({
      id: 'getSchedule',
      tag: 'Schedules',
      summary: 'One schedule with its next runs',
      access: 'admin',
      path: scheduleId,
      responses: json('200', 'The schedule.', scheduleViewSchema),
      errors: ['403', '404', ...CALLER],
    }),
    patch: operation({
      id: 'updateSchedule',
      tag: 'Schedules',
      summary: 'Change a schedule',
      description: 'The fields given replace the old ones; `{"enabled": false}` pauses it.',
      access: 'admin',
      path: scheduleId,
      body: scheduleChangesSchema,
      responses: json('200', 'The schedule as changed.', scheduleViewSchema),
      errors: [...WRITE, '404', '409', ...CALLER],
    }),
    delete: operation({
      id: 'deleteSchedule',
      tag: 'Schedules',
      summary: 'Delete a schedule (its runs stay)',
      access: 'admin',
      path: scheduleId,
      responses: { '204': { description: 'Deleted.' } },
      errors: ['403', '404', ...CALLER],
    }),
  },
  '/api/v1/schedules/{id}/run': {
    post: operation({
      id: 'runSchedule',
      tag: 'Schedules',
      summary: "Run the schedule's task now",
      access: 'admin',
      path: scheduleId,
      responses: json('201', 'The task started; `Location` names it.', taskViewSchema),
      errors: ['400', '403', '404', ...CALLER],
    }),
  },
  '/api/v1/schedules/{id}/runs': {
    get: operation({
      id: 'listScheduleRuns',
      tag: 'Schedules',
      summary: "The schedule's runs, newest first",
      access: 'admin',
      path: scheduleId,
      query: scheduleRunsQuerySchema,
      responses: json('200', 'One page of tasks.', taskPageSchema),
      errors: ['400', '403', '404', ...CALLER],
    }),
  },
};

const systemOperations: ZodOpenApiPathsObject = {
  '/api/v1/queues': {
    get: operation({
      id: 'listQueues',
      tag: 'Queues',
      summary: 'Queues with their counts and state',
      access: 'admin',
      responses: json('200', 'Every queue.', queueListSchema),
      errors: ['403', ...CALLER],
    }),
  },
  '/api/v1/queues/{name}/pause': {
    post: operation({
      id: 'pauseQueue',
      tag: 'Queues',
      summary: 'Stop taking new jobs from a queue',
      access: 'admin',
      path: idParam('name', 'The queue name.'),
      responses: json('200', 'The queue.', queueViewSchema),
      errors: ['403', '404', ...CALLER],
    }),
  },
  '/api/v1/queues/{name}/resume': {
    post: operation({
      id: 'resumeQueue',
      tag: 'Queues',
      summary: 'Take new jobs from a queue again',
      access: 'admin',
      path: idParam('name', 'The queue name.'),
      responses: json('200', 'The queue.', queueViewSchema),
      errors: ['403', '404', ...CALLER],
    }),
  },
  '/api/health': {
    get: operation({
      id: 'getHealth',
      tag: 'System',
      summary: 'Dependencies, workers and warnings',
      access: 'public',
      responses: {
        ...json('200', 'Up (ok or degraded).', healthReportSchema),
        ...json('503', 'PostgreSQL or Redis is down.', healthReportSchema),
      },
      errors: [],
    }),
  },
  [METRICS_PATH]: {
    get: operation({
      id: 'getMetrics',
      tag: 'System',
      summary: 'Prometheus metrics',
      description: 'Off (404) unless METRICS_TOKEN is set; the scraper sends it as a bearer token.',
      access: 'metrics',
      responses: {
        '200': {
          description: 'The Prometheus text format.',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
      errors: ['401', '404', '503'],
    }),
  },
  [OPENAPI_PATH]: {
    get: operation({
      id: 'getOpenApiDocument',
      tag: 'System',
      summary: 'This document',
      access: 'public',
      responses: json('200', 'OpenAPI 3.1.', z.record(z.string(), z.unknown())),
      errors: [],
    }),
  },
};

function buildDocument() {
  return createDocument({
    openapi: '3.1.0',
    info: {
      title: 'Taskdeck API',
      version: '1',
      description:
        'Background tasks, their files and schedules. Errors are application/problem+json (RFC 9457).',
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Tasks', description: 'Submit, watch and control tasks.' },
      { name: 'Files', description: 'Uploads and outputs.' },
      { name: 'Schedules', description: 'Tasks that run on a timetable.' },
      { name: 'Queues', description: 'Where tasks wait for workers.' },
      { name: 'System', description: 'Health, metrics and this document.' },
    ],
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from the API keys page: `Authorization: Bearer tdk_…`.',
        },
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'better-auth.session_token',
          description: "The app's own session; writes must come from its pages (same origin).",
        },
        metricsToken: {
          type: 'http',
          scheme: 'bearer',
          description: 'METRICS_TOKEN, a scraper credential that is not an API key.',
        },
      },
    },
    paths: { ...taskOperations, ...scheduleOperations, ...systemOperations },
  });
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

let built: OpenApiDocument | undefined;

/** Made once per process: the schemas do not change while it runs. */
export function getOpenApiDocument(): OpenApiDocument {
  built ??= buildDocument();
  return built;
}
