'use client';

import { io, type Socket } from 'socket.io-client';
import {
  SERVICE_UNAVAILABLE,
  type ClientToServerEvents,
  type HandshakeRefusal,
  type ServerToClientEvents,
} from '@/lib/realtime/events';

export type TaskdeckClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A socket to this site's Socket.IO server, signed in by the session cookie. WebSocket first:
 * one connection to one node, so a load balancer needs no sticky sessions. Long-polling only
 * where a WebSocket cannot open (a proxy that refuses the upgrade); its requests must then all
 * reach the same node, which is what sticky sessions are for (docs/architecture.md, Deployment).
 */
export function createSocketClient(): TaskdeckClientSocket {
  const socket: TaskdeckClientSocket = io({
    path: '/socket.io/',
    transports: ['websocket', 'polling'],
    // Without it a failed WebSocket would not fall back to polling at all.
    tryAllTransports: true,
  });
  // A handshake the server refuses is not retried by Socket.IO. One refused because Postgres
  // or Redis is down is worth retrying after the time the server asks for.
  let retry: ReturnType<typeof setTimeout> | undefined;
  socket.on('connect_error', (error) => {
    if (socket.active || error.message !== SERVICE_UNAVAILABLE) return;
    const refusal = (error as Error & { data?: HandshakeRefusal }).data;
    clearTimeout(retry);
    retry = setTimeout(() => socket.connect(), (refusal?.retryAfterSeconds ?? 5) * 1000);
  });
  const disconnect = socket.disconnect.bind(socket);
  socket.disconnect = () => {
    clearTimeout(retry);
    return disconnect();
  };
  return socket;
}
