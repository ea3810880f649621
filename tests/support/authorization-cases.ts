import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { handleUpload } from '@/server/http/upload-endpoint';
import { handleMetricsRequest } from '@/server/metrics/metrics-endpoint';
import { getPrisma } from '@/server/infra/clients';
import type { TaskView } from '@/lib/tasks/task-view';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { encodeKeysetCursor } from '@/server/db/keyset-cursor';
import { createAlertRule } from '@/server/alerts/alert-rule-service';
import { createSchedule } from '@/server/schedules/schedule-service';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { uuid7 } from '@/lib/uuid7';
import { sealSecret } from '@/server/webhooks/webhook-secret-box';
import { generateWebhookSecret } from '@/server/webhooks/webhook-signing';
import { createTestUser, type TestUser } from './users';

// The tables of tests/integration/authorization-matrix.test.ts: what every REST route and every
// server action answers each kind of caller.

export const CALLERS = [
  'anonymous',
  'userA',
  'userB',
  'admin',
  'keyA',
  'revokedKey',
  'expiredKey',
] as const;
export type Caller = (typeof CALLERS)[number];
export type Expected = Record<Caller, number>;
/** Actions: 'ok' or the status of the typed error they end with. */
export type ActionExpected = Record<Caller, 'ok' | number>;

export interface MatrixFixture {
  alice: TestUser;
  bob: TestUser;
  admin: TestUser;
  keys: Record<'keyA' | 'revokedKey' | 'expiredKey', string>;
  alicesReport: TaskView;
  alicesSpareKeyId: string;
}

export interface RouteCase {
  route: string; // the file under app/, e.g. api/v1/tasks/[id]/route.ts
  method: string;
  /** Runs before each caller's request; its result (a fresh task's id) goes to url and body. */
  prepare?: (f: MatrixFixture) => Promise<string>;
  url: (f: MatrixFixture, prepared: string) => string;
  body?: (f: MatrixFixture, prepared: string) => unknown;
  /** A multipart body instead of JSON. */
  form?: () => FormData;
  /** For an endpoint the web process serves itself, not a file under app/. */
  invoke?: (request: Request) => Promise<Response>;
  expected: Expected;
}

export interface ActionCase {
  prepare?: (f: MatrixFixture) => Promise<string>;
  args: (f: MatrixFixture, prepared: string) => unknown[];
  expected: ActionExpected;
}

/** Alice's task, due tomorrow: it never runs during the test, so every caller finds it waiting. */
async function createWaitingTask(f: MatrixFixture): Promise<string> {
  const task = await createTask(f.alice.principal, {
    type: 'diagnostics.simulate',
    payload: { steps: 1, stepMs: 0 },
    delayMs: 86_400_000,
  });
  return task.id;
}

/** A user no test signs in as, for the actions that act on an account. */
async function createBystanderId(): Promise<string> {
  return (await createTestUser('user', 'bystander')).principal.userId;
}

/** The output file of Alice's finished report. */
async function findReportFileId(f: MatrixFixture): Promise<string> {
  const file = await getPrisma().taskFile.findFirstOrThrow({
    where: { taskId: f.alicesReport.id, role: 'output' },
  });
  return file.id;
}

/** Alice's cancelled task: each caller gets a fresh one to retry. */
async function createCancelledTask(f: MatrixFixture): Promise<string> {
  const id = await createWaitingTask(f);
  await cancelTask(f.alice.principal, id, NO_AUDIT_CONTEXT);
  return id;
}

/** A paused schedule (it never fires during the test), made by the admin for each caller. */
async function createPausedSchedule(f: MatrixFixture): Promise<string> {
  const schedule = await createSchedule(
    f.admin.principal,
    {
      name: `Matrix ${randomUUID()}`,
      taskType: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' },
      enabled: false,
    },
    NO_AUDIT_CONTEXT,
  );
  return schedule.id;
}

/** A documentation address (TEST-NET-1): public to the SSRF check, unroutable in practice. */
const MATRIX_WEBHOOK_URL = 'https://192.0.2.10/hook';

/**
 * Alice's webhook endpoint, fresh for each caller (her earlier ones removed, so the per-user cap
 * is never reached). Written directly: the service's target checks are rate limited per user.
 * Off, except where a redelivery needs it on; no relay runs in the matrix, so it receives nothing.
 */
async function createAlicesEndpoint(f: MatrixFixture, enabled = false): Promise<string> {
  const prisma = getPrisma();
  await prisma.webhookEndpoint.deleteMany({ where: { ownerId: f.alice.principal.userId } });
  const endpoint = await prisma.webhookEndpoint.create({
    data: {
      id: uuid7(),
      ownerId: f.alice.principal.userId,
      url: MATRIX_WEBHOOK_URL,
      events: ['task.failed'],
      enabled,
      secretSealed: sealSecret(generateWebhookSecret()),
    },
  });
  return endpoint.id;
}

/** An endpoint of Alice's with one delivery, as `endpointId/deliveryId`. */
async function createAlicesDelivery(f: MatrixFixture): Promise<string> {
  const endpointId = await createAlicesEndpoint(f, true);
  const delivery = await getPrisma().webhookDelivery.create({
    data: {
      id: uuid7(),
      endpointId,
      messageId: `msg_${randomUUID()}`,
      eventType: 'task.failed',
      body: '{}',
    },
  });
  return `${endpointId}/${delivery.id}`;
}

/** What a new endpoint in the matrix is: off, so it never receives anything. */
const MATRIX_WEBHOOK = { url: MATRIX_WEBHOOK_URL, events: ['task.failed'], enabled: false };

/** A disabled alert rule (it never fires during the test), made by the admin for each caller. */
async function createDisabledAlertRule(f: MatrixFixture): Promise<string> {
  const rule = await createAlertRule(
    f.admin.principal,
    { name: `Matrix ${randomUUID()}`, kind: 'no_worker', queue: 'maintenance', enabled: false },
    NO_AUDIT_CONTEXT,
  );
  return rule.id;
}

// REST: status per caller. Allowed = 2xx; someone else's task = 404 (ids leak nothing).
const OWNER_ONLY = (ok: number): Expected => ({
  anonymous: 401,
  userA: ok,
  userB: 404,
  admin: ok,
  keyA: ok,
  revokedKey: 401,
  expiredKey: 401,
});
const ANY_USER = (ok: number): Expected => ({
  anonymous: 401,
  userA: ok,
  userB: ok,
  admin: ok,
  keyA: ok,
  revokedKey: 401,
  expiredKey: 401,
});
const ADMIN_ONLY = (ok: number): Expected => ({
  anonymous: 401,
  userA: 403,
  userB: 403,
  admin: ok,
  keyA: 403,
  revokedKey: 401,
  expiredKey: 401,
});
const PUBLIC: Expected = {
  anonymous: 200,
  userA: 200,
  userB: 200,
  admin: 200,
  keyA: 200,
  revokedKey: 200,
  expiredKey: 200,
};

/** The same status for every caller. */
const EVERY_CALLER = (status: number): Expected =>
  Object.fromEntries(CALLERS.map((caller) => [caller, status])) as Expected;
// /metrics takes METRICS_TOKEN only (the test env sets one): no session or API key opens it,
// an admin's neither (tests/integration/metrics-endpoint.test.ts sends the token).
const METRICS_TOKEN_ONLY = EVERY_CALLER(401);

export const ROUTES: RouteCase[] = [
  { route: 'api/health/route.ts', method: 'GET', url: () => '/api/health', expected: PUBLIC },
  // The contract, not anyone's data: readable before a client holds a key.
  {
    route: 'api/v1/openapi.json/route.ts',
    method: 'GET',
    url: () => '/api/v1/openapi.json',
    expected: PUBLIC,
  },
  {
    route: 'api/v1/tasks/route.ts',
    method: 'POST',
    url: () => '/api/v1/tasks',
    body: () => ({ type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } }),
    expected: ANY_USER(201),
  },
  {
    route: 'api/v1/tasks/route.ts',
    method: 'GET',
    url: () => '/api/v1/tasks',
    expected: ANY_USER(200),
  },
  // Naming an owner is an admin's filter; users are refused rather than silently narrowed.
  {
    route: 'api/v1/tasks/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks?owner=${encodeURIComponent(f.alice.email)}&status=failed,succeeded`,
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/tasks/[id]/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks/${f.alicesReport.id}`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'api/v1/tasks/[id]/result/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks/${f.alicesReport.id}/result`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'api/v1/tasks/[id]/transitions/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks/${f.alicesReport.id}/transitions`,
    expected: OWNER_ONLY(200),
  },
  // Event streams: the matrix reads the status and closes the stream.
  {
    route: 'api/v1/tasks/[id]/events/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks/${f.alicesReport.id}/events`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'api/v1/tasks/[id]/events/route.ts',
    method: 'GET',
    prepare: createWaitingTask,
    url: (_f, id) => `/api/v1/tasks/${id}/events`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'api/v1/events/route.ts',
    method: 'GET',
    url: () => '/api/v1/events',
    expected: ANY_USER(200),
  },
  {
    route: 'api/v1/tasks/[id]/files/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks/${f.alicesReport.id}/files`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'api/v1/tasks/[id]/files/[fileId]/route.ts',
    method: 'GET',
    prepare: findReportFileId,
    url: (f, fileId) => `/api/v1/tasks/${f.alicesReport.id}/files/${fileId}`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'api/v1/tasks/[id]/logs/route.ts',
    method: 'GET',
    url: (f) => `/api/v1/tasks/${f.alicesReport.id}/logs`,
    expected: OWNER_ONLY(200),
  },
  {
    route: 'server/http/upload-endpoint.ts',
    method: 'POST',
    invoke: (request) =>
      handleUpload(request.headers, Readable.fromWeb(request.body as NodeReadableStream)),
    url: () => '/api/v1/files',
    form: () => formData({ file: 'a,b\n1,2\n' }, 'matrix.csv'),
    expected: ANY_USER(201),
  },
  {
    route: 'server/metrics/metrics-endpoint.ts',
    method: 'GET',
    invoke: handleMetricsRequest,
    url: () => '/metrics',
    expected: METRICS_TOKEN_ONLY,
  },
  {
    route: 'api/v1/tasks/[id]/cancel/route.ts',
    method: 'POST',
    prepare: createWaitingTask,
    url: (_f, id) => `/api/v1/tasks/${id}/cancel`,
    expected: OWNER_ONLY(202),
  },
  {
    route: 'api/v1/tasks/[id]/retry/route.ts',
    method: 'POST',
    prepare: createCancelledTask,
    url: (_f, id) => `/api/v1/tasks/${id}/retry`,
    expected: OWNER_ONLY(202),
  },
  {
    route: 'api/v1/tasks/bulk/route.ts',
    method: 'POST',
    prepare: createWaitingTask,
    url: () => '/api/v1/tasks/bulk',
    body: (_f, id) => ({ action: 'cancel', ids: [id] }),
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/tasks/bulk/route.ts',
    method: 'POST',
    prepare: createCancelledTask,
    url: () => '/api/v1/tasks/bulk',
    body: (_f, id) => ({ action: 'delete', ids: [id] }),
    expected: ADMIN_ONLY(200),
  },
  {
    // The filter names the one fresh task (its id as the search), so nothing else is touched.
    route: 'api/v1/tasks/bulk-by-filter/route.ts',
    method: 'POST',
    prepare: createWaitingTask,
    url: () => '/api/v1/tasks/bulk-by-filter',
    body: (_f, id) => ({ action: 'cancel', filter: { q: id } }),
    // Accepted: a tasks.bulk task does the cancel.
    expected: ADMIN_ONLY(202),
  },
  {
    route: 'api/v1/tasks/bulk-by-filter/route.ts',
    method: 'POST',
    prepare: createWaitingTask,
    url: () => '/api/v1/tasks/bulk-by-filter',
    body: (_f, id) => ({ dryRun: true, filter: { q: id } }),
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/queues/route.ts',
    method: 'GET',
    url: () => '/api/v1/queues',
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/alerts/route.ts',
    method: 'GET',
    url: () => '/api/v1/alerts',
    expected: ADMIN_ONLY(200),
  },
  // Pause, then resume at once: the matrix creates no report meanwhile.
  {
    route: 'api/v1/queues/[name]/pause/route.ts',
    method: 'POST',
    url: () => '/api/v1/queues/reports/pause',
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/queues/[name]/resume/route.ts',
    method: 'POST',
    url: () => '/api/v1/queues/reports/resume',
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/schedules/route.ts',
    method: 'GET',
    url: () => '/api/v1/schedules',
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/schedules/route.ts',
    method: 'POST',
    url: () => '/api/v1/schedules',
    body: () => ({
      name: `Matrix ${randomUUID()}`,
      taskType: 'diagnostics.simulate',
      repeat: { kind: 'interval', everyMs: 3_600_000 },
      enabled: false,
    }),
    expected: ADMIN_ONLY(201),
  },
  {
    route: 'api/v1/schedules/[id]/route.ts',
    method: 'GET',
    prepare: createPausedSchedule,
    url: (_f, id) => `/api/v1/schedules/${id}`,
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/schedules/[id]/route.ts',
    method: 'PATCH',
    prepare: createPausedSchedule,
    url: (_f, id) => `/api/v1/schedules/${id}`,
    body: () => ({ priority: 'low' }),
    expected: ADMIN_ONLY(200),
  },
  {
    route: 'api/v1/schedules/[id]/route.ts',
    method: 'DELETE',
    prepare: createPausedSchedule,
    url: (_f, id) => `/api/v1/schedules/${id}`,
    expected: ADMIN_ONLY(204),
  },
  {
    route: 'api/v1/schedules/[id]/run/route.ts',
    method: 'POST',
    prepare: createPausedSchedule,
    url: (_f, id) => `/api/v1/schedules/${id}/run`,
    expected: ADMIN_ONLY(201),
  },
  {
    route: 'api/v1/schedules/[id]/runs/route.ts',
    method: 'GET',
    prepare: createPausedSchedule,
    url: (_f, id) => `/api/v1/schedules/${id}/runs`,
    expected: ADMIN_ONLY(200),
  },
  // Webhook endpoints are their owner's alone, an admin's too: anyone else's id is not found.
  {
    route: 'api/v1/webhooks/route.ts',
    method: 'POST',
    url: () => '/api/v1/webhooks',
    body: () => MATRIX_WEBHOOK,
    expected: ANY_USER(201),
  },
  {
    route: 'api/v1/webhooks/route.ts',
    method: 'GET',
    url: () => '/api/v1/webhooks',
    expected: ANY_USER(200),
  },
  {
    route: 'api/v1/webhooks/[id]/route.ts',
    method: 'GET',
    prepare: createAlicesEndpoint,
    url: (_f, id) => `/api/v1/webhooks/${id}`,
    expected: { ...OWNER_ONLY(200), admin: 404 },
  },
  {
    route: 'api/v1/webhooks/[id]/route.ts',
    method: 'PATCH',
    prepare: createAlicesEndpoint,
    url: (_f, id) => `/api/v1/webhooks/${id}`,
    body: () => ({ description: 'matrix' }),
    expected: { ...OWNER_ONLY(200), admin: 404 },
  },
  {
    route: 'api/v1/webhooks/[id]/route.ts',
    method: 'DELETE',
    prepare: createAlicesEndpoint,
    url: (_f, id) => `/api/v1/webhooks/${id}`,
    expected: { ...OWNER_ONLY(204), admin: 404 },
  },
  {
    route: 'api/v1/webhooks/[id]/rotate-secret/route.ts',
    method: 'POST',
    prepare: createAlicesEndpoint,
    url: (_f, id) => `/api/v1/webhooks/${id}/rotate-secret`,
    expected: { ...OWNER_ONLY(200), admin: 404 },
  },
  {
    route: 'api/v1/webhooks/[id]/deliveries/route.ts',
    method: 'GET',
    prepare: createAlicesEndpoint,
    url: (_f, id) => `/api/v1/webhooks/${id}/deliveries`,
    expected: { ...OWNER_ONLY(200), admin: 404 },
  },
  {
    route: 'api/v1/webhooks/[id]/deliveries/[deliveryId]/redeliver/route.ts',
    method: 'POST',
    prepare: createAlicesDelivery,
    url: (_f, ids) =>
      `/api/v1/webhooks/${ids.split('/')[0]}/deliveries/${ids.split('/')[1]}/redeliver`,
    expected: { ...OWNER_ONLY(202), admin: 404 },
  },
  // Better Auth's own endpoints: the session lookup answers everyone (null when signed out).
  {
    route: 'api/auth/[...all]/route.ts',
    method: 'GET',
    url: () => '/api/auth/get-session',
    expected: PUBLIC,
  },
  {
    route: 'api/auth/[...all]/route.ts',
    method: 'POST',
    url: () => '/api/auth/sign-in/email',
    body: (f) => ({ email: f.alice.email, password: 'wrong-password' }),
    expected: EVERY_CALLER(401),
  },
];

const ACTION_ANY_USER: ActionExpected = {
  anonymous: 401,
  userA: 'ok',
  userB: 'ok',
  admin: 'ok',
  keyA: 'ok',
  revokedKey: 401,
  expiredKey: 401,
};
const ACTION_OWNER_ONLY: ActionExpected = { ...ACTION_ANY_USER, userB: 404 };
const ACTION_ADMIN_ONLY: ActionExpected = {
  ...ACTION_ANY_USER,
  userA: 403,
  userB: 403,
  keyA: 403,
};

/** Form fields; with a file name, each value is sent as a file of that name instead. */
export function formData(values: Record<string, string>, fileName?: string): FormData {
  const data = new FormData();
  for (const [key, value] of Object.entries(values)) {
    if (fileName === undefined) data.set(key, value);
    else data.set(key, new Blob([value], { type: 'text/csv' }), fileName);
  }
  return data;
}

/** By action name: every export of the *-actions.ts modules under server/. */
export const ACTIONS: Record<string, ActionCase> = {
  requestReport: {
    args: () => [formData({ from: '2020-01-01', to: '2020-01-02' })],
    expected: ACTION_ANY_USER,
  },
  loadMoreTasks: {
    args: () => [
      Buffer.from(
        JSON.stringify([new Date().toISOString(), 'ffffffff-ffff-7fff-bfff-ffffffffffff']),
      ).toString('base64url'),
      10,
    ],
    expected: ACTION_ANY_USER,
  },
  cancelTask: {
    prepare: createWaitingTask,
    args: (_f, id) => [id],
    expected: ACTION_OWNER_ONLY,
  },
  retryTask: {
    prepare: createCancelledTask,
    args: (_f, id) => [id],
    expected: ACTION_OWNER_ONLY,
  },
  runBulkTaskAction: {
    prepare: createWaitingTask,
    args: (_f, id) => ['cancel', [id]],
    expected: ACTION_ADMIN_ONLY,
  },
  previewFilterBulkAction: {
    prepare: createWaitingTask,
    args: (_f, id) => [{ q: id }],
    expected: ACTION_ADMIN_ONLY,
  },
  runFilterBulkAction: {
    prepare: createWaitingTask,
    args: (_f, id) => ['cancel', { q: id }],
    expected: ACTION_ADMIN_ONLY,
  },
  replayTaskWithChanges: {
    prepare: createCancelledTask,
    args: (_f, id) => [id, { steps: 1, stepMs: 0 }],
    expected: ACTION_OWNER_ONLY,
  },
  loadTaskHistory: {
    args: (f) => [f.alicesReport.id],
    expected: ACTION_OWNER_ONLY,
  },
  setQueuePaused: {
    // Resuming a running queue changes nothing, whoever is allowed to.
    args: () => ['reports', false],
    expected: ACTION_ADMIN_ONLY,
  },
  createApiKey: { args: () => [formData({ name: 'matrix' })], expected: ACTION_ANY_USER },
  revokeApiKey: {
    args: (f) => [f.alicesSpareKeyId],
    // Keys are revoked by their owner only; anyone else's key id is not found.
    expected: { ...ACTION_OWNER_ONLY, admin: 404 },
  },
  setUserRole: {
    args: (f) => [f.bob.principal.userId, 'user'],
    expected: ACTION_ADMIN_ONLY,
  },
  // Each caller gets a fresh user to ban, revoke the keys of, or an email to invite.
  setUserBanned: {
    prepare: createBystanderId,
    args: (_f, userId) => [userId, true],
    expected: ACTION_ADMIN_ONLY,
  },
  revokeUserApiKeys: {
    prepare: createBystanderId,
    args: (_f, userId) => [userId],
    expected: ACTION_ADMIN_ONLY,
  },
  createInvitation: {
    args: () => [`invitee-${randomUUID()}@example.test`],
    expected: ACTION_ADMIN_ONLY,
  },
  // Due tomorrow: the run never starts during the test.
  runTaskByHand: {
    args: () => [
      {
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
        priority: 'high',
        delayMs: 86_400_000,
      },
    ],
    expected: ACTION_ADMIN_ONLY,
  },
  // Each caller's own setting; off is the default, so the matrix changes nothing.
  setCompletionEmails: { args: () => [false], expected: ACTION_ANY_USER },
  createSchedule: {
    args: () => [
      {
        name: `Matrix ${randomUUID()}`,
        taskType: 'diagnostics.simulate',
        repeat: { kind: 'interval', everyMs: 3_600_000 },
        enabled: false,
      },
    ],
    expected: ACTION_ADMIN_ONLY,
  },
  updateSchedule: {
    prepare: createPausedSchedule,
    args: (_f, id) => [id, { priority: 'low' }],
    expected: ACTION_ADMIN_ONLY,
  },
  setScheduleEnabled: {
    // Paused already: pausing again changes nothing, whoever is allowed to.
    prepare: createPausedSchedule,
    args: (_f, id) => [id, false],
    expected: ACTION_ADMIN_ONLY,
  },
  deleteSchedule: {
    prepare: createPausedSchedule,
    args: (_f, id) => [id],
    expected: ACTION_ADMIN_ONLY,
  },
  runScheduleNow: {
    prepare: createPausedSchedule,
    args: (_f, id) => [id],
    expected: ACTION_ADMIN_ONLY,
  },
  loadScheduleRuns: {
    prepare: createPausedSchedule,
    args: (_f, id) => [id, encodeKeysetCursor({ createdAt: new Date(), id })],
    expected: ACTION_ADMIN_ONLY,
  },
  createWebhook: { args: () => [MATRIX_WEBHOOK], expected: ACTION_ANY_USER },
  updateWebhook: {
    prepare: createAlicesEndpoint,
    args: (_f, id) => [id, { description: 'matrix' }],
    expected: { ...ACTION_OWNER_ONLY, admin: 404 },
  },
  rotateWebhookSecret: {
    prepare: createAlicesEndpoint,
    args: (_f, id) => [id],
    expected: { ...ACTION_OWNER_ONLY, admin: 404 },
  },
  deleteWebhook: {
    prepare: createAlicesEndpoint,
    args: (_f, id) => [id],
    expected: { ...ACTION_OWNER_ONLY, admin: 404 },
  },
  redeliverWebhook: {
    prepare: createAlicesDelivery,
    args: (_f, ids) => ids.split('/'),
    expected: { ...ACTION_OWNER_ONLY, admin: 404 },
  },
  createAlertRule: {
    args: () => [
      { name: `Matrix ${randomUUID()}`, kind: 'no_worker', queue: 'maintenance', enabled: false },
    ],
    expected: ACTION_ADMIN_ONLY,
  },
  updateAlertRule: {
    prepare: createDisabledAlertRule,
    args: (_f, id) => [
      id,
      { name: `Matrix ${randomUUID()}`, kind: 'no_worker', queue: 'files', enabled: false },
    ],
    expected: ACTION_ADMIN_ONLY,
  },
  setAlertRuleEnabled: {
    // Disabled already: disabling again changes nothing, whoever is allowed to.
    prepare: createDisabledAlertRule,
    args: (_f, id) => [id, false],
    expected: ACTION_ADMIN_ONLY,
  },
  deleteAlertRule: {
    prepare: createDisabledAlertRule,
    args: (_f, id) => [id],
    expected: ACTION_ADMIN_ONLY,
  },
};
