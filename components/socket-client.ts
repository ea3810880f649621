'use client';

import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '@/lib/realtime/events';

export type TaskdeckClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket to this site's Socket.IO server, signed in by the session cookie. */
export function createSocketClient(): TaskdeckClientSocket {
  return io({ path: '/socket.io/' });
}
