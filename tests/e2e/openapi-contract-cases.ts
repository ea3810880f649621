import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { formatTaskEventId, parseFeedEventId, STREAM_EVENTS } from '@/lib/realtime/event-stream';
import type { TaskView } from '@/lib/tasks/task-view';
import { createAlertRule, deleteAlertRule } from '@/server/alerts/alert-rule-service';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { NO_SUCH_ID, type ContractClient } from '../support/openapi-contract-client';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';
import { WebhookReceiver } from '../support/webhook-receiver';

// The contract cases of the webhook, event stream and alert operations, described into
// openapi-contract.test.ts (which checks at its end that every operation was seen answering).

export interface ContractContext {
  client: ContractClient;
  createTask(body: unknown, key?: string): Promise<TaskView>;
  waitForStatus(id: string, statuses: string[]): Promise<TaskView>;
  admin(): { user: TestUser; key: string };
}

export function describeLaterContracts(context: ContractContext): void {
  const { client, createTask, waitForStatus } = context;
  const { call } = client;

  describe('webhooks', () => {
    const receiver = new WebhookReceiver();
    beforeAll(() => receiver.start());
    afterAll(() => receiver.stop());

    it('CRUD, rotate, deliveries and redeliver answer as documented', async () => {
      const created = await call(
        'POST',
        '/api/v1/webhooks',
        {},
        { body: { url: receiver.url('/contract'), events: ['task.succeeded'] } },
      );
      expect(created.status).toBe(201);
      const id = { id: (created.body as { id: string }).id };
      receiver.expectSecret('/contract', (created.body as { secret: string }).secret);
      expect((await call('GET', '/api/v1/webhooks', {})).status).toBe(200);
      expect((await call('GET', '/api/v1/webhooks/{id}', id)).status).toBe(200);
      const patch = { body: { description: 'contract' } };
      expect((await call('PATCH', '/api/v1/webhooks/{id}', id, patch)).status).toBe(200);
      const rotated = await call('POST', '/api/v1/webhooks/{id}/rotate-secret', id);
      expect(rotated.status).toBe(200);
      receiver.expectSecret('/contract', (rotated.body as { secret: string }).secret);
      const scopeAll = { body: { url: receiver.url('/x'), events: ['task.failed'], scope: 'all' } };
      expect((await call('POST', '/api/v1/webhooks', {}, scopeAll)).status).toBe(403);
      const refused = { body: { url: 'ftp://example.com/x', events: ['task.failed'] } };
      expect((await call('POST', '/api/v1/webhooks', {}, refused)).status).toBe(422);
      const noEvents = { body: { url: receiver.url('/x'), events: [] } };
      expect((await call('POST', '/api/v1/webhooks', {}, noEvents)).status).toBe(400);
      expect((await call('GET', '/api/v1/webhooks', {}, { key: null })).status).toBe(401);
      const none = { id: NO_SUCH_ID };
      expect((await call('GET', '/api/v1/webhooks/{id}', none)).status).toBe(404);
      expect((await call('PATCH', '/api/v1/webhooks/{id}', none, patch)).status).toBe(404);
      expect((await call('POST', '/api/v1/webhooks/{id}/rotate-secret', none)).status).toBe(404);
      expect((await call('GET', '/api/v1/webhooks/{id}/deliveries', none)).status).toBe(404);
      const badPage = { query: 'limit=0' };
      expect((await call('GET', '/api/v1/webhooks/{id}/deliveries', id, badPage)).status).toBe(400);

      const task = await createTask({
        type: 'diagnostics.simulate',
        payload: { steps: 1, stepMs: 0 },
      });
      const deadline = Date.now() + 30_000;
      let delivery: { id: string; status: string } | undefined;
      while (delivery?.status !== 'delivered') {
        if (Date.now() > deadline) throw new Error(`no delivery for ${task.id}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
        const page = await call('GET', '/api/v1/webhooks/{id}/deliveries', id, {
          query: 'limit=5',
        });
        delivery = (page.body as { data: Array<{ id: string; status: string }> }).data[0];
      }
      const ids = { ...id, deliveryId: delivery.id };
      const path = '/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver';
      expect((await call('POST', path, ids)).status).toBe(202);
      expect((await call('POST', path, { ...id, deliveryId: NO_SUCH_ID })).status).toBe(404);
      const disable = { body: { enabled: false } };
      expect((await call('PATCH', '/api/v1/webhooks/{id}', id, disable)).status).toBe(200);
      expect((await call('POST', path, ids)).status).toBe(409);
      expect((await call('DELETE', '/api/v1/webhooks/{id}', id)).status).toBe(204);
      expect((await call('GET', '/api/v1/webhooks/{id}', id)).status).toBe(404);
    });
  });

  describe('live events', () => {
    const simulate = { type: 'diagnostics.simulate', payload: { steps: 1, stepMs: 0 } };

    it("one task's stream: a snapshot first, 204 after the end, its problems", async () => {
      const waiting = await createTask({ ...simulate, delayMs: 3_600_000 });
      const path = '/api/v1/tasks/{id}/events';
      const live = await client.stream(path, { id: waiting.id }, 1);
      live.open?.close();
      expect(live.status).toBe(200);
      expect(live.events[0]).toMatchObject({
        type: STREAM_EVENTS.taskSnapshot,
        id: formatTaskEventId(waiting),
        data: { id: waiting.id, status: 'delayed' },
      });

      const done = await waitForStatus((await createTask(simulate)).id, ['succeeded']);
      const atEnd = { headers: { 'last-event-id': formatTaskEventId(done) } };
      expect((await client.stream(path, { id: done.id }, 1, atEnd)).status).toBe(204);
      expect((await client.stream(path, { id: NO_SUCH_ID }, 1)).status).toBe(404);
      expect((await client.stream(path, { id: waiting.id }, 1, { key: null })).status).toBe(401);
      const tooLong = { headers: { 'last-event-id': '1'.repeat(201) } };
      expect((await client.stream(path, { id: waiting.id }, 1, tooLong)).status).toBe(400);
    });

    it('every task: snapshots, then new tasks as they come; too many streams answer 429', async () => {
      const key = await createTestApiKey(await createTestUser('user', 'contract-streams'));
      const waiting = await createTask({ ...simulate, delayMs: 3_600_000 }, key);
      const feed = await client.stream('/api/v1/events', {}, 1, { key });
      const open = [feed.open!];
      try {
        expect(feed.status).toBe(200);
        expect(feed.events[0]).toMatchObject({
          type: STREAM_EVENTS.taskSnapshot,
          data: { id: waiting.id },
        });
        expect(parseFeedEventId(feed.events[0]!.id ?? null)?.taskId).toBe(waiting.id);
        const made = await createTask({ ...simulate, delayMs: 3_600_000 }, key);
        const [created] = await feed.open!.next(1);
        expect(created).toMatchObject({ type: STREAM_EVENTS.taskCreated, data: { id: made.id } });

        for (let count = 1; count < getEnv().SSE_MAX_STREAMS_PER_USER; count++) {
          const another = await client.stream('/api/v1/events', {}, 0, { key });
          expect(another.status).toBe(200);
          open.push(another.open!);
        }
        const refused = await client.stream('/api/v1/events', {}, 0, { key });
        expect(refused.status).toBe(429);
        expect(refused.body).toMatchObject({ code: 'too_many_streams' });
      } finally {
        for (const stream of open) stream.close();
      }
      expect((await client.stream('/api/v1/events', {}, 0, { key: null })).status).toBe(401);
    });
  });

  describe('alerts', () => {
    let ruleId: string | undefined;

    afterAll(async () => {
      if (ruleId) await deleteAlertRule(context.admin().user.principal, ruleId, NO_AUDIT_CONTEXT);
    });

    it('the rules with their state, for admins only', async () => {
      const rule = await createAlertRule(
        context.admin().user.principal,
        {
          kind: 'no_worker',
          queue: 'maintenance',
          name: `contract ${randomUUID()}`,
          enabled: false,
        },
        NO_AUDIT_CONTEXT,
      );
      ruleId = rule.id;
      const listed = await call('GET', '/api/v1/alerts', {}, { key: context.admin().key });
      expect(listed.status).toBe(200);
      expect((listed.body as { data: Array<{ id: string }> }).data).toContainEqual(
        expect.objectContaining({ id: rule.id, firing: null }),
      );
      expect((await call('GET', '/api/v1/alerts', {})).status).toBe(403);
      expect((await call('GET', '/api/v1/alerts', {}, { key: null })).status).toBe(401);
    });
  });
}
