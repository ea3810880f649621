import { getEnv } from '@/lib/env';
import { TooManyStreamsError } from '@/lib/errors';
import type { UserPrincipal } from '@/server/auth/principal';
import { watchSocketCredentials } from './socket-revalidation';

// The event streams open in this process: at most SSE_MAX_STREAMS_PER_USER per user (429 past
// it), and each ended when its credentials change (a revoked key, a sign-out, a ban, a role
// change), exactly as sockets are: the same watcher presents the stream's request headers to
// authenticateRequest again and ends the stream unless they still name the same user and role.

interface OpenStream {
  id: string;
  data: { principal: UserPrincipal };
  headers: Headers;
  disconnect(): void;
}

interface RegistryState {
  streams: Set<OpenStream>;
  perUser: Map<string, number>;
  stopWatching: (() => void) | null;
  nextId: number;
}

const globalForRegistry = globalThis as { __taskdeckStreamRegistry?: RegistryState };

function registry(): RegistryState {
  return (globalForRegistry.__taskdeckStreamRegistry ??= {
    streams: new Set(),
    perUser: new Map(),
    stopWatching: null,
    nextId: 0,
  });
}

/**
 * Counts a new stream of this user (throws TooManyStreamsError past the limit) and watches its
 * credentials; `end` is called when they no longer hold. Returns the release (idempotent).
 */
export function registerStream(
  principal: UserPrincipal,
  headers: Headers,
  end: () => void,
): () => void {
  const state = registry();
  const limit = getEnv().SSE_MAX_STREAMS_PER_USER;
  const count = state.perUser.get(principal.userId) ?? 0;
  if (count >= limit) throw new TooManyStreamsError(limit);
  state.perUser.set(principal.userId, count + 1);
  state.stopWatching ??= watchSocketCredentials(
    () => state.streams,
    (stream) => stream.headers,
  );
  const stream: OpenStream = {
    id: `stream-${++state.nextId}`,
    data: { principal },
    headers,
    disconnect: end,
  };
  state.streams.add(stream);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    state.streams.delete(stream);
    const left = (state.perUser.get(principal.userId) ?? 1) - 1;
    if (left > 0) state.perUser.set(principal.userId, left);
    else state.perUser.delete(principal.userId);
  };
}

/** Streams open in this process (tests check that closed ones leave nothing behind). */
export function countOpenStreams(): number {
  return registry().streams.size;
}
