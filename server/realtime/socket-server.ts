import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { Server, type Socket } from 'socket.io';
import {
  CLIENT_EVENTS,
  SERVER_EVENTS,
  SERVICE_UNAVAILABLE,
  type BusMessage,
  type ClientToServerEvents,
  type HandshakeRefusal,
  type ServerToClientEvents,
} from '@/lib/realtime/events';
import { getEnv } from '@/lib/env';
import { isAppError } from '@/lib/errors';
import { getLogger } from '@/lib/logger';
import { taskIdListSchema } from '@/lib/tasks/task-inputs';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { CLIENT_IP_HEADER, type UserPrincipal } from '@/server/auth/principal';
import { closeRedisConnection, createRedisConnection } from '@/server/infra/clients';
import { replaceOutage, toServiceUnavailable } from '@/server/infra/infra-errors';
import { redisKey } from '@/server/queues/queue-clients';
import { toWebHeaders } from '@/server/http/node-headers';
import { countRealtimeMessage } from '@/server/metrics/process-metrics';
import { isForeignOriginHandshake } from '@/server/security/same-origin';
import { COMMON_HEADERS } from '@/server/security/security-headers';
import { getVisibleTasks } from '@/server/tasks/task-service';
import { createAdminOverviewFeed } from './admin-overview-feed';
import { createChannelSubscriber } from './channel-subscriber';
import {
  audienceChannel,
  audienceOf,
  audienceRoom,
  parseBusMessage,
  type EventAudience,
} from './event-bus';
import { watchSocketCredentials } from './socket-revalidation';

interface SocketData {
  principal: UserPrincipal;
}

// Each socket's hold on its audience's channel, given back on disconnect. Not in socket.data:
// the streams adapter serialises socket.data for fetchSockets() on other nodes, and a function
// there made every cross-node fetch fail ("Unrecognized object").
const channelHolds = new WeakMap<object, () => void>();

export type TaskdeckServer = Server<ClientToServerEvents, ServerToClientEvents, never, SocketData>;
export type TaskdeckSocket = Socket<ClientToServerEvents, ServerToClientEvents, never, SocketData>;

export const SOCKET_PATH = '/socket.io/';
/** The handshake error a cookie handshake from another origin gets. */
export const CROSS_ORIGIN_REFUSED = 'cross_origin_refused';

/**
 * A task's room within an audience: sockets of the task's page, which get its log lines. Per
 * audience, so the copy of an event on each channel reaches only that audience's sockets.
 */
function taskRoom(audience: EventAudience, taskId: string): string {
  return `${audienceRoom(audience)}/task:${taskId}`;
}

function handlersFor(socket: TaskdeckSocket): void {
  socket.on(CLIENT_EVENTS.subscribe, async (taskIds, ack) => {
    if (typeof ack !== 'function') return;
    const parsed = taskIdListSchema.safeParse(taskIds);
    if (!parsed.success) {
      ack({ ok: false, error: 'Expected a list of at most 500 task ids.' });
      return;
    }
    try {
      // Only tasks the principal may see are joined; the others are silently left out.
      const { principal } = socket.data;
      const tasks = await getVisibleTasks(principal, parsed.data);
      await socket.join(tasks.map((task) => taskRoom(audienceOf(principal), task.id)));
      ack({ ok: true, tasks });
    } catch (error) {
      const outage = toServiceUnavailable(error);
      if (outage) {
        getLogger().warn({ err: error, socket: socket.id }, 'subscribe failed: dependency down');
        ack({ ok: false, error: outage.error.message });
        return;
      }
      getLogger().error({ err: error, socket: socket.id }, 'subscribe failed');
      ack({ ok: false, error: 'Could not subscribe right now.' });
    }
  });
  socket.on(CLIENT_EVENTS.unsubscribe, (taskIds) => {
    const parsed = taskIdListSchema.safeParse(taskIds);
    if (!parsed.success) return;
    const audience = audienceOf(socket.data.principal);
    for (const id of parsed.data) void socket.leave(taskRoom(audience, id));
  });
}

/**
 * Why a handshake was refused. An outage is not "unauthorized": the client reads
 * `data.retryAfterSeconds` and tries again (a refused handshake is not retried by itself).
 */
function handshakeRefusal(error: unknown, socketId: string): Error {
  const failure = replaceOutage(error, { socket: socketId, during: 'handshake' });
  if (!isAppError(failure) || failure.status !== 503) return new Error('unauthorized');
  const data: HandshakeRefusal = { message: failure.message };
  if ('retryAfterSeconds' in failure && typeof failure.retryAfterSeconds === 'number') {
    data.retryAfterSeconds = failure.retryAfterSeconds;
  }
  return Object.assign(new Error(SERVICE_UNAVAILABLE), { data });
}

/** What the socket's handshake presented, as request headers that authenticateRequest reads. */
function handshakeCredentials(socket: TaskdeckSocket): Headers {
  const headers = toWebHeaders(socket.handshake.headers);
  headers.set(CLIENT_IP_HEADER, socket.handshake.address);
  const token: unknown = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof token === 'string' && token) headers.set('authorization', `Bearer ${token}`);
  return headers;
}

/**
 * Delivers one message that arrived on an audience's channel to this node's sockets of that
 * audience. Every socket is in exactly one audience, so each event reaches it once.
 */
function relay(io: TaskdeckServer, audience: EventAudience, message: BusMessage): void {
  const room = audienceRoom(audience);
  if (message.kind === 'task.log') {
    io.local.to(taskRoom(audience, message.line.taskId)).emit(SERVER_EVENTS.taskLog, message.line);
  } else if (message.kind === 'task.created') {
    io.local.to(room).emit(SERVER_EVENTS.taskCreated, message.task);
  } else {
    // Emitting to several rooms reaches each socket once, however many of them it is in.
    io.local
      .to([room, taskRoom(audience, message.update.id)])
      .emit(SERVER_EVENTS.taskUpdated, message.update);
  }
}

/**
 * Attaches Socket.IO to the HTTP server that also serves Next. Task events come from Redis
 * pub/sub, on the channels of the audiences this node has sockets of (event-bus.ts); the
 * streams adapter carries the node-to-node traffic of Socket.IO itself when several web nodes
 * run. Connection-state recovery is off: the events are local emits, which the adapter does not
 * keep, so a reconnecting client (to any node) resubscribes and gets a snapshot instead.
 */
export async function attachSocketServer(httpServer: HttpServer): Promise<{
  io: TaskdeckServer;
  close(): Promise<void>;
}> {
  const audiences = new Map<string, EventAudience>();
  // Messages come only on retained channels, hence after `io` exists (retains are handshakes).
  const events = createChannelSubscriber('taskdeck:events', (channel, raw) => {
    const audience = audiences.get(channel);
    countRealtimeMessage();
    const message = audience ? parseBusMessage(raw) : null;
    if (audience && message) relay(io, audience, message);
  });
  const io: TaskdeckServer = new Server(httpServer, {
    path: SOCKET_PATH,
    serveClient: false,
    // Its own connection: the adapter blocks on XREAD, and during an outage it must wait for
    // Redis to come back rather than fail (the shared connection fails fast).
    adapter: createAdapter(createRedisConnection({ connectionName: 'taskdeck:socket.io' }), {
      streamName: redisKey('socket.io'),
    }),
  });

  // The handshake authenticates like a request: the session cookie, or an API key sent as
  // `auth: { token }` (browsers cannot set headers on WebSocket upgrades).
  io.use(async (socket, next) => {
    try {
      const headers = handshakeCredentials(socket);
      // A WebSocket has no CORS: without this, any page could read the user's events.
      if (!headers.has('authorization') && headers.has('cookie')) {
        if (isForeignOriginHandshake(headers)) return next(new Error(CROSS_ORIGIN_REFUSED));
      }
      const principal = await authenticateRequest(headers);
      if (principal.kind !== 'user') return next(new Error('unauthorized'));
      socket.data.principal = principal;
      // Subscribed before the socket counts as connected, so it misses nothing after that.
      const audience = audienceOf(principal);
      const channel = audienceChannel(audience);
      audiences.set(channel, audience);
      const releaseChannel = await events.retain(channel);
      const release = () => {
        releaseChannel();
        if (!events.channels().includes(channel)) audiences.delete(channel);
      };
      channelHolds.set(socket, release);
      // A client gone before the handshake finished never gets a 'disconnect'.
      socket.conn.once('close', release);
      next();
    } catch (error) {
      next(handshakeRefusal(error, socket.id));
    }
  });
  // Engine.IO answers /socket.io/ itself, before server/main.ts sees the request.
  io.engine.on('headers', (headers: Record<string, string>) => {
    Object.assign(headers, COMMON_HEADERS);
  });
  // Revoked keys, signed-out sessions, bans and role changes end the sockets they opened.
  const stopWatching = watchSocketCredentials(
    () => io.of('/').sockets.values(),
    handshakeCredentials,
  );

  const overviewFeed = createAdminOverviewFeed(io, getEnv().ADMIN_OVERVIEW_INTERVAL_MS);

  io.on('connection', (socket) => {
    void socket.join(audienceRoom(audienceOf(socket.data.principal)));
    socket.on('disconnect', () => channelHolds.get(socket)?.());
    handlersFor(socket);
    overviewFeed.handle(socket);
  });

  return {
    io,
    async close() {
      stopWatching();
      overviewFeed.close();
      await closeRedisConnection(events.connection);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
