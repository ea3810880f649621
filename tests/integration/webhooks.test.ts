import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { LimitExceededError } from '@/lib/errors';
import type { TaskView } from '@/lib/tasks/task-view';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { redeliverWebhook } from '@/server/webhooks/webhook-deliveries';
import { publishWebhookEvent } from '@/server/webhooks/webhook-publish';
import { relayWebhookEvents } from '@/server/webhooks/webhook-relay';
import { findDeliveryTargets } from '@/server/webhooks/webhook-follow-ups';
import { listTaskFollowUps } from '@/server/tasks/task-service';
import { purgeExpiredWebhookDeliveries } from '@/server/webhooks/webhook-retention';
import { createWebhookEndpoint } from '@/server/webhooks/webhook-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { waitForJobState } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';

// Webhooks end to end in one process: a task ends, its event is recorded by the same statement,
// the relay fans it out, the webhooks.deliver task signs and posts it to a real receiver on
// loopback that verifies it with the standardwebhooks package.

function allowPrivateTargets(allow: boolean): void {
  process.env.WEBHOOK_ALLOW_PRIVATE_TARGETS = String(allow);
  resetEnvCache();
}
process.env.WEBHOOK_TIMEOUT_MS = '1000';
allowPrivateTargets(true);

const receiver = new WebhookReceiver();
const bus = new BusRecorder();
let worker: RunningTaskWorker;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;

async function addEndpoint(
  user: TestUser,
  path: string,
  options: { scope?: 'own' | 'all'; host?: string } = {},
) {
  const url = new URL(receiver.url(path));
  if (options.host) url.hostname = options.host;
  const endpoint = await createWebhookEndpoint(
    user.principal,
    {
      url: url.toString(),
      events: ['task.succeeded', 'task.failed', 'task.cancelled'],
      scope: options.scope ?? 'own',
      enabled: true,
    },
    NO_AUDIT_CONTEXT,
  );
  receiver.expectSecret(path, endpoint.secret);
  return endpoint;
}

async function finishedTask(user: TestUser): Promise<TaskView> {
  const task = await createTask(user.principal, {
    type: 'diagnostics.simulate',
    payload: { steps: 1, stepMs: 0 },
  });
  await bus.waitForUpdate(task.id, isTerminal);
  return task;
}

/** Relays until the endpoint has a delivery about the task; returns it. */
async function deliveryOf(endpointId: string, aboutTaskId: string) {
  return waitFor(async () => {
    await relayWebhookEvents();
    return (
      (await getPrisma().webhookDelivery.findFirst({ where: { endpointId, aboutTaskId } })) ??
      undefined
    );
  }, `a delivery about ${aboutTaskId}`);
}

async function deliveryTaskEnd(taskId: string) {
  return bus.waitForUpdate(taskId, isTerminal);
}

beforeAll(async () => {
  [alice, bob, admin] = await Promise.all([
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
    createTestUser('admin'),
  ]);
  await receiver.start();
  await bus.start();
  worker = await startTaskWorker({ queues: ['diagnostics', 'webhooks'] });
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await receiver.stop();
  await closeClients();
});

describe('a task that ends', () => {
  it('is posted, signed, to its owner and to admins with scope all, and to no one else', async () => {
    const mine = await addEndpoint(alice, `/alice-${randomUUID()}`);
    const bobs = await addEndpoint(bob, `/bob-${randomUUID()}`);
    const everything = await addEndpoint(admin, `/all-${randomUUID()}`, { scope: 'all' });
    const task = await finishedTask(alice);

    const delivery = await deliveryOf(mine.id, task.id);
    expect(delivery.messageId).toMatch(/^msg_[0-9a-f-]{36}$/);
    // The delivery's task is a child of the task whose end it announces.
    expect(await getPrisma().task.findUniqueOrThrow({ where: { id: delivery.id } })).toMatchObject({
      parentTaskId: task.id,
      ownerId: alice.principal.userId,
    });
    // The task's page lists it, saying where it went; Alice sees only her endpoint's copy.
    const followUps = await listTaskFollowUps(alice.principal, task);
    expect(followUps.map((child) => child.id)).toEqual([delivery.id]);
    expect(await findDeliveryTargets(followUps)).toEqual({ [delivery.id]: mine.url });
    expect(await deliveryTaskEnd(delivery.id)).toMatchObject({ status: 'succeeded' });
    const [received] = receiver.at(new URL(mine.url).pathname);
    expect(received?.verifyError).toBeNull();
    expect(received?.id).toBe(delivery.messageId);
    expect(received?.verified).toMatchObject({
      type: 'task.succeeded',
      data: { id: task.id, status: 'succeeded', type: 'diagnostics.simulate' },
    });
    expect(Date.parse((received?.verified as { timestamp: string }).timestamp)).not.toBeNaN();

    const stored = await getPrisma().webhookDelivery.findUniqueOrThrow({
      where: { id: delivery.id },
    });
    expect(stored).toMatchObject({ attempts: 1, lastStatusCode: 200, taskId: delivery.id });
    expect(stored.deliveredAt).not.toBeNull();
    expect(stored.lastDurationMs).toBeGreaterThanOrEqual(0);

    // The admin's endpoint gets the same message; Bob's gets nothing of Alice's.
    const adminCopy = await deliveryOf(everything.id, task.id);
    expect(adminCopy.messageId).toBe(delivery.messageId);
    await relayWebhookEvents();
    expect(await getPrisma().webhookDelivery.count({ where: { endpointId: bobs.id } })).toBe(0);
    // The deliveries' own ends send nothing: the admin's endpoint hears only of Alice's task.
    await deliveryTaskEnd(adminCopy.id);
    await relayWebhookEvents();
    const aboutDeliveries = await getPrisma().webhookDelivery.count({
      where: { endpointId: everything.id, aboutTaskId: { in: [delivery.id, adminCopy.id] } },
    });
    expect(aboutDeliveries).toBe(0);
  });

  it('retries a failed delivery with the same webhook-id, then redelivers it by hand', async () => {
    const path = `/flaky-${randomUUID()}`;
    receiver.answer(path, [500, 200]);
    const endpoint = await addEndpoint(alice, path);
    const task = await finishedTask(alice);
    const delivery = await deliveryOf(endpoint.id, task.id);

    const retrying = await bus.waitForUpdate(delivery.id, (u) => u.status === 'retrying');
    expect(retrying.error?.message).toMatch(/answered 500/);
    await waitForJobState('webhooks', delivery.id, ['delayed']);
    await (await getQueue('webhooks').getJob(delivery.id))!.promote();
    expect(await deliveryTaskEnd(delivery.id)).toMatchObject({ status: 'succeeded', attempt: 2 });

    const redelivered = await redeliverWebhook(
      alice.principal,
      endpoint.id,
      delivery.id,
      NO_AUDIT_CONTEXT,
    );
    expect(redelivered.taskId).not.toBe(delivery.id);
    expect(await deliveryTaskEnd(redelivered.taskId!)).toMatchObject({ status: 'succeeded' });

    const requests = receiver.at(path);
    expect(requests.map((entry) => entry.id)).toEqual([
      delivery.messageId,
      delivery.messageId,
      delivery.messageId,
    ]);
    expect(requests.every((entry) => entry.verifyError === null)).toBe(true);
    // Same body every time, signed afresh each time.
    expect(new Set(requests.map((entry) => entry.body)).size).toBe(1);
    const stored = await getPrisma().webhookDelivery.findUniqueOrThrow({
      where: { id: delivery.id },
    });
    expect(stored.attempts).toBe(3);
    expect(await getPrisma().webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(1);
  });

  it('tells of a cancel made on the web side', async () => {
    const endpoint = await addEndpoint(alice, `/cancel-${randomUUID()}`);
    const task = await createTask(alice.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    await cancelTask(alice.principal, task.id, NO_AUDIT_CONTEXT);
    const delivery = await deliveryOf(endpoint.id, task.id);
    expect(delivery.eventType).toBe('task.cancelled');
    expect(await deliveryTaskEnd(delivery.id)).toMatchObject({ status: 'succeeded' });
  });
});

describe('a delivery', () => {
  it('gives up at once on 410 Gone and disables the endpoint', async () => {
    const path = `/gone-${randomUUID()}`;
    receiver.answer(path, [410]);
    const endpoint = await addEndpoint(alice, path);
    const task = await finishedTask(alice);
    const delivery = await deliveryOf(endpoint.id, task.id);
    expect(await deliveryTaskEnd(delivery.id)).toMatchObject({ status: 'failed', attempt: 1 });
    const stored = await getPrisma().webhookEndpoint.findUniqueOrThrow({
      where: { id: endpoint.id },
    });
    expect(stored).toMatchObject({ enabled: false });
    expect(stored.disabledReason).toMatch(/410/);
  });

  it('times out on a receiver that never answers, and retries', async () => {
    const endpoint = await addEndpoint(alice, `/slow-${randomUUID()}`);
    const task = await finishedTask(alice);
    const delivery = await deliveryOf(endpoint.id, task.id);
    const retrying = await bus.waitForUpdate(delivery.id, (u) => u.status === 'retrying');
    expect(retrying.error?.message).toMatch(/No answer within 1000 ms/);
    await cancelTask(alice.principal, delivery.id, NO_AUDIT_CONTEXT);
  });

  it('reads at most 4 KiB of an endless answer', async () => {
    const endpoint = await addEndpoint(alice, `/stream-${randomUUID()}`);
    const task = await finishedTask(alice);
    const delivery = await deliveryOf(endpoint.id, task.id);
    expect(await deliveryTaskEnd(delivery.id)).toMatchObject({ status: 'succeeded' });
    const stored = await getPrisma().webhookDelivery.findUniqueOrThrow({
      where: { id: delivery.id },
    });
    expect(stored.lastResponse).toHaveLength(4096);
  });
});

describe('fan-out', () => {
  it('records nothing for a task nobody listens to', async () => {
    const loner = await createTestUser('user', 'loner');
    const before = await getPrisma().webhookEvent.count();
    // Admins' scope-all endpoints from other tests listen to everything: turn them off here.
    await getPrisma().webhookEndpoint.updateMany({
      where: { scope: 'all' },
      data: { enabled: false },
    });
    const task = await finishedTask(loner);
    expect(await getPrisma().webhookEvent.count({ where: { taskId: task.id } })).toBe(0);
    expect(await getPrisma().webhookEvent.count()).toBeLessThanOrEqual(before);
  });

  it('makes one delivery and one task per endpoint, however often it is redone', async () => {
    const endpoint = await createWebhookEndpoint(
      admin.principal,
      {
        url: receiver.url(`/alerts-${randomUUID()}`),
        events: ['alert.firing'],
        scope: 'all',
        enabled: true,
      },
      NO_AUDIT_CONTEXT,
    );
    receiver.expectSecret(new URL(endpoint.url).pathname, endpoint.secret);
    const id = randomUUID();
    const event = { id, type: 'alert.firing' as const, data: { alert: 'queue-depth', value: 42 } };
    expect(await publishWebhookEvent(event)).toEqual({ id, recorded: true });
    expect(await publishWebhookEvent(event)).toEqual({ id, recorded: false });
    // Two relays at once, then the event written again as if a relay had died before deleting it.
    await Promise.all([relayWebhookEvents(), relayWebhookEvents()]);
    await publishWebhookEvent(event);
    await relayWebhookEvents();
    const deliveries = await getPrisma().webhookDelivery.findMany({
      where: { endpointId: endpoint.id },
    });
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({ messageId: `msg_${id}`, taskId: deliveries[0]!.id });
    expect(await getPrisma().task.count({ where: { id: deliveries[0]!.id } })).toBe(1);
    expect(await deliveryTaskEnd(deliveries[0]!.id)).toMatchObject({ status: 'succeeded' });
    const [received] = receiver.at(new URL(endpoint.url).pathname);
    expect(received?.verified).toMatchObject({ type: 'alert.firing', data: { value: 42 } });
  });
});

describe('retention', () => {
  it('removes deliveries made before the cutoff and keeps the rest', async () => {
    const endpoint = await addEndpoint(alice, `/retention-${randomUUID()}`);
    const make = (createdAt: Date) =>
      getPrisma().webhookDelivery.create({
        data: {
          id: randomUUID(),
          endpointId: endpoint.id,
          messageId: `msg_${randomUUID()}`,
          eventType: 'task.succeeded',
          body: '{}',
          createdAt,
        },
      });
    const old = await make(new Date(Date.now() - 40 * 86_400_000));
    const recent = await make(new Date());
    const cutoff = new Date(Date.now() - 30 * 86_400_000);
    expect(await purgeExpiredWebhookDeliveries(cutoff)).toBeGreaterThanOrEqual(1);
    const left = await getPrisma().webhookDelivery.findMany({
      where: { id: { in: [old.id, recent.id] } },
    });
    expect(left.map((row) => row.id)).toEqual([recent.id]);
  });
});

describe('private targets (SSRF)', () => {
  const refused = [
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://192.168.0.10/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://172.16.0.1/hook',
    'https://[::1]/hook',
    'https://[fc00::1]/hook',
    'https://[fd12:3456::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://localhost/hook',
    'http://example.com/hook',
  ];

  it('are refused with 422 at registration, naming the url', async () => {
    allowPrivateTargets(false);
    try {
      for (const url of refused) {
        const error = await createWebhookEndpoint(
          alice.principal,
          { url, events: ['task.succeeded'], scope: 'own', enabled: true },
          NO_AUDIT_CONTEXT,
        ).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error, url).toBeInstanceOf(LimitExceededError);
        expect((error as LimitExceededError).status).toBe(422);
        expect((error as LimitExceededError).fieldErrors[0]?.path, url).toBe('url');
      }
    } finally {
      allowPrivateTargets(true);
    }
  });

  it('are reached by name through the checked lookup when allowed', async () => {
    const path = `/by-name-${randomUUID()}`;
    const endpoint = await addEndpoint(alice, path, { host: 'localhost' });
    const task = await finishedTask(alice);
    const delivery = await deliveryOf(endpoint.id, task.id);
    expect(await deliveryTaskEnd(delivery.id)).toMatchObject({ status: 'succeeded' });
    expect(receiver.at(path)[0]?.verifyError).toBeNull();
  });

  it('are refused at delivery time too, when the name turned private after registration', async () => {
    const path = `/turned-private-${randomUUID()}`;
    // A name, so the refusal comes from the connection's own lookup, as after a DNS change.
    const endpoint = await addEndpoint(alice, path, { host: 'localhost' });
    // https, so the URL's form passes and only where the name points is left to refuse.
    await getPrisma().webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { url: endpoint.url.replace(/^http:/, 'https:') },
    });
    const task = await finishedTask(alice);
    allowPrivateTargets(false);
    try {
      const delivery = await deliveryOf(endpoint.id, task.id);
      const end = await deliveryTaskEnd(delivery.id);
      expect(end).toMatchObject({ status: 'failed', attempt: 1 });
      expect(end.error).toMatchObject({ code: 'webhook_target_refused' });
      expect(end.error?.message).toMatch(/^localhost resolves to (127\.0\.0\.1|::1)/);
      expect(receiver.at(path)).toEqual([]);
    } finally {
      allowPrivateTargets(true);
    }
  });
});
