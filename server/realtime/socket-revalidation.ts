import { getLogger } from '@/lib/logger';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { type Principal } from '@/server/auth/principal';
import { onPrincipalsInvalidated } from '@/server/auth/principal-cache';

/** What this needs of a Socket.IO socket. */
interface WatchedSocket {
  id: string;
  data: { principal: Principal };
  disconnect(close: boolean): unknown;
}

// A socket is authenticated once, at its handshake. When a user's credentials or rights change
// (a key revoked, a sign-out, a ban, a role change: every such change goes through
// invalidateUserPrincipals, on whichever node made it), each of that user's sockets on this node
// presents its handshake credentials again. A socket they no longer authenticate as the same
// user with the same role is disconnected; the others (another session, another key) stay.

function isStillValid(before: Principal, now: Principal): boolean {
  return (
    before.kind === 'user' &&
    now.kind === 'user' &&
    now.userId === before.userId &&
    now.role === before.role
  );
}

async function revalidateSocket<Socket extends WatchedSocket>(
  socket: Socket,
  credentialsOf: (socket: Socket) => Headers,
): Promise<void> {
  let now: Principal | null = null;
  try {
    now = await authenticateRequest(credentialsOf(socket));
  } catch (error) {
    // A refused key, or nothing to check it with (an outage): the socket goes, and a
    // reconnect is judged by a fresh handshake.
    getLogger().debug({ err: error, socket: socket.id }, 'socket credentials no longer accepted');
  }
  if (now && isStillValid(socket.data.principal, now)) return;
  getLogger().info({ socket: socket.id }, 'socket disconnected: its credentials changed');
  socket.disconnect(true);
}

/** Starts checking the sockets of every invalidated user; returns the stop. */
export function watchSocketCredentials<Socket extends WatchedSocket>(
  localSockets: () => Iterable<Socket>,
  credentialsOf: (socket: Socket) => Headers,
): () => void {
  return onPrincipalsInvalidated((userId) => {
    for (const socket of localSockets()) {
      const { principal } = socket.data;
      if (principal.kind === 'user' && principal.userId === userId) {
        void revalidateSocket(socket, credentialsOf);
      }
    }
  });
}
