import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/realtime/events';
import { attachSocketServer, type TaskdeckServer } from '@/server/realtime/socket-server';

export type TestSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A web node without Next: the real Socket.IO server on a real HTTP port. */
export async function startSocketNode(): Promise<{
  url: string;
  io: TaskdeckServer;
  close(): Promise<void>;
}> {
  const httpServer: Server = createServer((_req, res) => {
    res.statusCode = 404;
    res.end();
  });
  const realtime = await attachSocketServer(httpServer);
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, io: realtime.io, close: () => realtime.close() };
}

/**
 * Connects as a browser would (session cookie, from a page of `origin`: the app's own unless
 * told, none when null) or an integration would (API key token).
 */
export async function connectClient(
  url: string,
  credentials: { cookie?: string; token?: string; origin?: string | null } = {},
): Promise<TestSocket> {
  const origin = credentials.origin === undefined ? url : credentials.origin;
  const extraHeaders: Record<string, string> = {};
  if (credentials.cookie) extraHeaders.cookie = credentials.cookie;
  if (origin !== null && (credentials.cookie || credentials.origin)) extraHeaders.origin = origin;
  const socket: TestSocket = connect(url, {
    path: '/socket.io/',
    transports: ['websocket'],
    reconnection: false,
    extraHeaders,
    ...(credentials.token ? { auth: { token: credentials.token } } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}
