import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { resetEnvCache } from '@/lib/env';
import type { AdminOverviewAck } from '@/lib/realtime/events';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';
import { setQueuePaused } from '@/server/queues/queue-service';
import { ADMIN_OVERVIEW_ROOM } from '@/server/realtime/admin-overview-feed';
import { listQueueConfigs } from '@/server/queues/queue-config';
import { connectClient, startSocketNode, type TestSocket } from '../support/socket-server-fixture';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// The admin overview pushed over Socket.IO: to admins who subscribe, never to anyone else, and
// only while someone on this node watches.

const INTERVAL_MS = 300;

let owner: TestUser;
let admin: TestUser;

beforeAll(async () => {
  vi.stubEnv('ADMIN_OVERVIEW_INTERVAL_MS', String(INTERVAL_MS));
  resetEnvCache();
  [owner, admin] = await Promise.all([createTestUser(), createTestUser('admin')]);
});

afterAll(async () => {
  await closeClients();
  vi.unstubAllEnvs();
  resetEnvCache();
});

describe('live push', () => {
  let node: Awaited<ReturnType<typeof startSocketNode>>;
  const sockets: TestSocket[] = [];

  beforeAll(async () => {
    node = await startSocketNode();
  });

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await node.close();
  });

  async function connect(who: TestUser): Promise<{ socket: TestSocket; pushed: AdminOverview[] }> {
    const socket = await connectClient(node.url, { cookie: who.cookie });
    sockets.push(socket);
    const pushed: AdminOverview[] = [];
    socket.on('admin.overview', (overview) => pushed.push(overview));
    return { socket, pushed };
  }

  function subscribe(socket: TestSocket): Promise<AdminOverviewAck> {
    return new Promise((resolve) => socket.emit('admin.overview.subscribe', resolve));
  }

  const roomSize = () => node.io.of('/').adapter.rooms.get(ADMIN_OVERVIEW_ROOM)?.size ?? 0;

  it('refuses non-admins and pushes snapshots to admins, with changes as they happen', async () => {
    const user = await connect(owner);
    const watcher = await connect(admin);

    expect(await subscribe(user.socket)).toEqual({
      ok: false,
      error: 'Only admins can watch the overview.',
    });
    expect(roomSize()).toBe(0);

    const ack = await subscribe(watcher.socket);
    if (!ack.ok) throw new Error(`admin refused: ${ack.error}`);
    expect(ack.overview.queues).toHaveLength(listQueueConfigs().length);
    expect(roomSize()).toBe(1);

    let resumed = false;
    await setQueuePaused(admin.principal, 'maintenance', true, NO_AUDIT_CONTEXT);
    try {
      const paused = await waitFor(
        async () =>
          watcher.pushed.find(
            (overview) =>
              overview.generatedAt > ack.overview.generatedAt &&
              overview.queues.find((queue) => queue.name === 'maintenance')?.paused,
          ),
        'a pushed snapshot with the queue paused',
      );
      expect(paused.queues.find((queue) => queue.name === 'diagnostics')?.paused).toBe(false);
      await setQueuePaused(admin.principal, 'maintenance', false, NO_AUDIT_CONTEXT);
      resumed = true;
      await waitFor(
        async () =>
          watcher.pushed.find(
            (overview) =>
              overview.generatedAt > paused.generatedAt &&
              overview.queues.find((queue) => queue.name === 'maintenance')?.paused === false,
          ),
        'a pushed snapshot with the queue resumed',
      );
    } finally {
      if (!resumed) await setQueuePaused(admin.principal, 'maintenance', false, NO_AUDIT_CONTEXT);
    }
    // Snapshots come in order, and never to the refused socket.
    const times = watcher.pushed.map((overview) => overview.generatedAt);
    expect(times).toEqual([...times].sort());
    expect(user.pushed).toEqual([]);
    watcher.socket.disconnect();
    user.socket.disconnect();
  });

  it('stops pushing once the last watcher leaves', async () => {
    const first = await connect(admin);
    const second = await connect(admin);
    expect((await subscribe(first.socket)).ok).toBe(true);
    expect((await subscribe(second.socket)).ok).toBe(true);
    await waitFor(async () => (first.pushed.length > 0 ? true : undefined), 'a push');

    first.socket.emit('admin.overview.unsubscribe');
    second.socket.disconnect();
    await waitFor(async () => (roomSize() === 0 ? true : undefined), 'the room to empty');
    const seen = first.pushed.length;
    await sleep(INTERVAL_MS * 3);
    expect(first.pushed.length).toBe(seen);
  });
});
