import { z } from 'zod';
import { createDocument, type ZodOpenApiPathsObject } from 'zod-openapi';
import {
  scheduleChangesSchema,
  scheduleInputSchema,
  scheduleRunsQuerySchema,
} from '@/lib/schedules/schedule-spec';
import { scheduleViewSchema } from '@/lib/schedules/schedule-view';
import { taskPageSchema, taskViewSchema } from '@/lib/tasks/task-view';
import { healthReportSchema } from '@/server/health/health-service';
import { METRICS_PATH } from '@/server/metrics/metrics-path';
import { queueViewSchema } from '@/server/queues/queue-service';
import { alertRuleListSchema, queueListSchema, scheduleListSchema } from './api-schemas';
import { addEventPayloadComponents, eventOperations } from './openapi-event-paths';
import { CALLER, created, idParam, json, operation, scheduleId, WRITE } from './openapi-operations';
import { taskOperations } from './openapi-task-paths';
import { webhookOperations } from './openapi-webhook-paths';

// The OpenAPI 3.1 document of the REST API, made from the zod schemas the routes parse their
// input with and build their bodies from, so it cannot drift from the code. Served at
// OPENAPI_PATH and rendered at /api-reference; tests/unit/openapi-document.test.ts fails when a
// route is missing here, tests/e2e/openapi-contract.test.ts checks real answers against it.

export const OPENAPI_PATH = '/api/v1/openapi.json';

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
      responses: created('The schedule.', scheduleViewSchema),
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
      responses: created('The task started.', taskViewSchema),
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
  '/api/v1/alerts': {
    get: operation({
      id: 'listAlertRules',
      tag: 'Alerts',
      summary: 'The alert rules with their state',
      description: '`firing`: since when and the last value while a rule fires; null when quiet.',
      access: 'admin',
      responses: json('200', 'Every alert rule.', alertRuleListSchema),
      errors: ['403', ...CALLER],
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
  const document = createDocument({
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
      { name: 'Events', description: 'Live task events (Server-Sent Events).' },
      { name: 'Schedules', description: 'Tasks that run on a timetable.' },
      { name: 'Queues', description: 'Where tasks wait for workers.' },
      { name: 'Webhooks', description: 'Signed events (Standard Webhooks) when tasks end.' },
      { name: 'Alerts', description: 'Rules that watch failure rates, waits and workers.' },
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
    paths: {
      ...taskOperations,
      ...eventOperations,
      ...scheduleOperations,
      ...webhookOperations,
      ...systemOperations,
    },
  });
  // Named by the event streams' `x-events`, which zod-openapi does not read.
  addEventPayloadComponents(document);
  return document;
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

let built: OpenApiDocument | undefined;

/** Made once per process: the schemas do not change while it runs. */
export function getOpenApiDocument(): OpenApiDocument {
  built ??= buildDocument();
  return built;
}
