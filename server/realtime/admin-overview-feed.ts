import { ForbiddenError, UnauthorizedError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@/lib/realtime/events';
import { getAdminOverview } from '@/server/admin/overview-service';
import { isAdmin, type Principal } from '@/server/auth/principal';
import { closeRedisConnection, getRedis } from '@/server/infra/clients';
import { isInfrastructureError, toServiceUnavailable } from '@/server/infra/infra-errors';
import { createRedisLease } from '@/server/infra/redis-lease';
import { redisKey } from '@/server/queues/queue-clients';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { createChannelSubscriber } from './channel-subscriber';
import type { TaskdeckServer, TaskdeckSocket } from './socket-server';

// The admin overview, pushed to the admins watching it. One node of the cluster computes each
// snapshot: among the nodes that have a watcher, the one holding a Redis lease (renewed every
// tick; a dead holder's lease expires and the next tick of another node takes over). It
// publishes the snapshot on one channel that every watching node subscribes to and emits to its
// local room, so Postgres reads the numbers once per tick, not once per node, and each watcher
// gets each snapshot once (through its node's one subscription).

export const ADMIN_OVERVIEW_ROOM = 'admin:overview';

export interface AdminOverviewFeed {
  /** Wires a connected socket's subscribe and unsubscribe events. */
  handle(socket: TaskdeckSocket): void;
  close(): void;
}

const overviewChannel = () => redisKey('admin-overview');

export function createAdminOverviewFeed(io: TaskdeckServer, intervalMs: number): AdminOverviewFeed {
  const logger = getLogger();
  const adapter = io.of('/').adapter;
  // Three ticks: a missed renewal or two does not hand the duty over.
  const lease = createRedisLease(
    redisKey('admin-overview', 'lease'),
    Math.max(3 * intervalMs, 3_000),
  );
  const snapshots = createChannelSubscriber('taskdeck:admin-overview', (_channel, raw) => {
    if (closed || !timer) return;
    try {
      io.local
        .to(ADMIN_OVERVIEW_ROOM)
        .emit(SERVER_EVENTS.adminOverview, JSON.parse(raw) as AdminOverview);
    } catch (error) {
      logger.error({ err: error }, 'dropped a malformed admin overview');
    }
  });
  let timer: NodeJS.Timeout | null = null;
  let releaseChannel: (() => void) | null = null;
  let computing = false;
  let failing = false;
  let closed = false;

  /** The snapshot is computed as one of the admins watching, so requireAdmin always applies. */
  function findWatcher(): Principal | null {
    for (const id of adapter.rooms.get(ADMIN_OVERVIEW_ROOM) ?? []) {
      const principal = io.of('/').sockets.get(id)?.data.principal;
      if (principal && isAdmin(principal)) return principal;
    }
    return null;
  }

  async function push(): Promise<void> {
    // A slow database must not stack snapshots up: skip a tick while one is being computed.
    if (computing || closed) return;
    const watcher = findWatcher();
    if (!watcher) return;
    computing = true;
    try {
      if (await lease.tryHold()) {
        const overview = await getAdminOverview(watcher);
        if (!closed) await getRedis().publish(overviewChannel(), JSON.stringify(overview));
      }
      if (failing) logger.info('admin overview snapshots work again');
      failing = false;
    } catch (error) {
      // Once per outage, not every tick; watchers see the snapshot's time stop moving.
      if (!failing) {
        const level = isInfrastructureError(error) ? 'warn' : 'error';
        logger[level]({ err: error }, 'could not compute the admin overview');
      }
      failing = true;
    } finally {
      computing = false;
    }
  }

  function start(): void {
    if (timer || closed) return;
    timer = setInterval(() => void push(), intervalMs);
    timer.unref();
    void snapshots.retain(overviewChannel()).then((release) => {
      if (timer) releaseChannel = release;
      else release();
    });
  }

  function stop(): void {
    if (!timer) return;
    clearInterval(timer);
    timer = null;
    releaseChannel?.();
    releaseChannel = null;
    lease.release().catch((error: unknown) => {
      logger.warn({ err: error }, 'could not give up the admin overview lease');
    });
  }

  // The in-memory part of the adapter reports this node's rooms: the first watcher starts the
  // interval, the last one to leave (or disconnect) stops it.
  adapter.on('create-room', (room: string) => {
    if (room === ADMIN_OVERVIEW_ROOM) start();
  });
  adapter.on('delete-room', (room: string) => {
    if (room === ADMIN_OVERVIEW_ROOM) stop();
  });

  return {
    handle(socket) {
      socket.on(CLIENT_EVENTS.adminOverviewSubscribe, async (ack) => {
        if (typeof ack !== 'function') return;
        try {
          const overview = await getAdminOverview(socket.data.principal);
          // Gone while the snapshot was read: joining now would keep the interval running.
          if (!socket.connected) return;
          await socket.join(ADMIN_OVERVIEW_ROOM);
          ack({ ok: true, overview });
        } catch (error) {
          if (error instanceof ForbiddenError || error instanceof UnauthorizedError) {
            ack({ ok: false, error: 'Only admins can watch the overview.' });
            return;
          }
          const outage = toServiceUnavailable(error);
          logger[outage ? 'warn' : 'error'](
            { err: error, socket: socket.id },
            'admin overview subscribe failed',
          );
          ack({
            ok: false,
            error: outage?.error.message ?? 'Could not read the overview right now.',
          });
        }
      });
      socket.on(CLIENT_EVENTS.adminOverviewUnsubscribe, () => {
        void socket.leave(ADMIN_OVERVIEW_ROOM);
      });
    },
    close() {
      stop();
      closed = true;
      void closeRedisConnection(snapshots.connection);
    },
  };
}
