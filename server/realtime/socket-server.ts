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
import {
  ADMIN_ROOM,
  CLIENT_IP_HEADER,
  isAdmin,
  ownerRoom,
  type Principal,
} from '@/server/auth/principal';
import { closeRedisConnection, createRedisConnection } from '@/server/infra/clients';
import { replaceOutage, toServiceUnavailable } from '@/server/infra/infra-errors';
import { redisKey } from '@/server/queues/queue-clients';
import { toWebHeaders } from '@/server/http/node-headers';
import { isForeignOriginHandshake } from '@/server/security/same-origin';
import { COMMON_HEADERS } from '@/server/security/security-headers';
import { getVisibleTasks } from '@/server/tasks/task-service';
import { createAdminOverviewFeed } from './admin-overview-feed';
import { subscribeBusMessages } from './event-bus';
import { watchSocketCredentials } from './socket-revalidation';

interface SocketData {
  principal: Principal;
}

export type TaskdeckServer = Server<ClientToServerEvents, ServerToClientEvents, never, SocketData>;
export type TaskdeckSocket = Socket<ClientToServerEvents, ServerToClientEvents, never, SocketData>;

export const SOCKET_PATH = '/socket.io/';
/** The handshake error a cookie handshake from another origin gets. */
export const CROSS_ORIGIN_REFUSED = 'cross_origin_refused';

function taskRoom(taskId: string): string {
  return `task:${taskId}`;
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
      const tasks = await getVisibleTasks(socket.data.principal, parsed.data);
      await socket.join(tasks.map((task) => taskRoom(task.id)));
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
    if (parsed.success) for (const id of parsed.data) void socket.leave(taskRoom(id));
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

/** Delivers one bus message to the sockets of this node that may see it. */
function relay(io: TaskdeckServer, message: BusMessage): void {
  if (message.kind === 'task.log') {
    io.local.to(taskRoom(message.line.taskId)).emit(SERVER_EVENTS.taskLog, message.line);
    return;
  }
  const owner = ownerRoom(message.ownerId);
  // Owners and admins see everything of a task; sockets that subscribed to it see it too.
  // Emitting to several rooms reaches each socket once, however many of them it is in.
  if (message.kind === 'task.created') {
    io.local.to([owner, ADMIN_ROOM]).emit(SERVER_EVENTS.taskCreated, message.task);
  } else {
    io.local
      .to([owner, ADMIN_ROOM, taskRoom(message.update.id)])
      .emit(SERVER_EVENTS.taskUpdated, message.update);
  }
}

/**
 * Attaches Socket.IO to the HTTP server that also serves Next. Task events come from Redis
 * pub/sub (every node receives all of them and relays to its own sockets); the streams adapter
 * carries the node-to-node traffic of Socket.IO itself when several web nodes run.
 */
export async function attachSocketServer(httpServer: HttpServer): Promise<{
  io: TaskdeckServer;
  close(): Promise<void>;
}> {
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
    const { principal } = socket.data;
    if (principal.kind === 'user') {
      void socket.join(
        isAdmin(principal)
          ? [ADMIN_ROOM, ownerRoom(principal.userId)]
          : ownerRoom(principal.userId),
      );
    }
    handlersFor(socket);
    overviewFeed.handle(socket);
  });

  const subscriber = await subscribeBusMessages((message) => relay(io, message));

  return {
    io,
    async close() {
      stopWatching();
      overviewFeed.close();
      await closeRedisConnection(subscriber);
      await new Promise<void>((resolve) => {
        io.close(() => resolve());
      });
    },
  };
}
