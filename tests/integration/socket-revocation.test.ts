import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revokeApiKey } from '@/server/auth/api-keys';
import { getAuth } from '@/server/auth/auth';
import { setUserRole } from '@/server/auth/user-service';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { connectClient, startSocketNode, type TestSocket } from '../support/socket-server-fixture';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { createTestApiKey, createTestUser, type TestUser } from '../support/users';

// Revoking a key, signing out, a ban or a role change ends the sockets those credentials opened
// within a second, on this node and on a node in another process (told through Redis), and
// leaves the user's other sockets alone. A cookie handshake from another origin is refused.

let local: Awaited<ReturnType<typeof startSocketNode>>;
let remote: SpawnedProcess;
let remoteUrl: string;
let admin: TestUser;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  admin = await createTestUser('admin');
  local = await startSocketNode();
  remote = spawnEntry('tests/support/socket-node-process.ts', { LOG_LEVEL: 'warn' });
  remoteUrl = (await remote.waitForOutput(/^SOCKET_NODE_URL=(\S+)$/m))[1]!;
});

afterAll(async () => {
  for (const socket of sockets) socket.disconnect();
  await remote.stop();
  await killAllSpawned();
  await local.close();
  await closeClients();
});

async function connect(
  url: string,
  credentials: { cookie?: string; token?: string },
): Promise<TestSocket> {
  const socket = await connectClient(url, credentials);
  sockets.push(socket);
  return socket;
}

/** Resolves with the ms from now until the server ends the socket; fails past `withinMs`. */
function serverDisconnect(socket: TestSocket, withinMs = 1_000): Promise<number> {
  const startedAt = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`still connected after ${withinMs} ms`)),
      withinMs,
    );
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      if (reason === 'io server disconnect') resolve(Date.now() - startedAt);
      else reject(new Error(`disconnected for another reason: ${reason}`));
    });
  });
}

/** A second session of the same user: signing one out must leave the other's sockets. */
async function signInAgain(user: TestUser): Promise<string> {
  const response = await getAuth().api.signInEmail({
    body: { email: user.email, password: user.password },
    asResponse: true,
  });
  expect(response.ok).toBe(true);
  return response.headers
    .getSetCookie()
    .map((entry) => entry.split(';')[0])
    .join('; ');
}

async function latestKeyId(user: TestUser): Promise<string> {
  const key = await getPrisma().apiKey.findFirstOrThrow({
    where: { userId: user.principal.userId },
    orderBy: { createdAt: 'desc' },
  });
  return key.id;
}

describe('sockets and changed credentials', () => {
  it('ends the sockets of a revoked key on both nodes, not those of another key', async () => {
    const user = await createTestUser();
    const kept = await createTestApiKey(user);
    const revoked = await createTestApiKey(user);
    const revokedId = await latestKeyId(user);
    const onLocal = await connect(local.url, { token: revoked });
    const onRemote = await connect(remoteUrl, { token: revoked });
    const keptSocket = await connect(remoteUrl, { token: kept });
    const cookieSocket = await connect(remoteUrl, { cookie: user.cookie });

    const ended = Promise.all([serverDisconnect(onLocal), serverDisconnect(onRemote)]);
    await revokeApiKey(user.principal, revokedId, NO_AUDIT_CONTEXT);
    await ended;
    // The others were checked too (same user): give them the same second, then look.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(keptSocket.connected).toBe(true);
    expect(cookieSocket.connected).toBe(true);
  });

  it('ends the sockets of a signed-out session, not those of another session', async () => {
    const user = await createTestUser();
    const otherCookie = await signInAgain(user);
    const signedOut = await connect(remoteUrl, { cookie: user.cookie });
    const signedOutLocal = await connect(local.url, { cookie: user.cookie });
    const other = await connect(remoteUrl, { cookie: otherCookie });

    const ended = Promise.all([serverDisconnect(signedOut), serverDisconnect(signedOutLocal)]);
    await getAuth().api.signOut({ headers: new Headers({ cookie: user.cookie }) });
    await ended;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(other.connected).toBe(true);
  });

  it('ends every socket of a banned user', async () => {
    const user = await createTestUser();
    const key = await createTestApiKey(user);
    const byCookie = await connect(remoteUrl, { cookie: user.cookie });
    const byKey = await connect(remoteUrl, { token: key });

    const ended = Promise.all([serverDisconnect(byCookie), serverDisconnect(byKey)]);
    await getAuth().api.banUser({
      headers: new Headers({ cookie: admin.cookie }),
      body: { userId: user.principal.userId },
    });
    await ended;
  });

  it('ends the sockets of a user whose role changed', async () => {
    const user = await createTestUser();
    const socket = await connect(remoteUrl, { cookie: user.cookie });
    const ended = serverDisconnect(socket);
    await setUserRole(admin.principal, user.principal.userId, 'admin', NO_AUDIT_CONTEXT);
    await ended;
    // Reconnecting is allowed, now with the new role's rooms.
    const again = await connect(remoteUrl, { cookie: user.cookie });
    expect(again.connected).toBe(true);
  });
});

describe('socket handshakes from another origin', () => {
  it('refuses a cookie handshake from a foreign origin, or with no origin at all', async () => {
    const user = await createTestUser();
    await expect(
      connectClient(local.url, { cookie: user.cookie, origin: 'http://127.0.0.1:1' }),
    ).rejects.toThrow('cross_origin_refused');
    await expect(connectClient(local.url, { cookie: user.cookie, origin: 'null' })).rejects.toThrow(
      'cross_origin_refused',
    );
    await expect(connectClient(local.url, { cookie: user.cookie, origin: null })).rejects.toThrow(
      'cross_origin_refused',
    );
    // The app's own origin is accepted, as the dashboard connects.
    const own = await connect(local.url, { cookie: user.cookie });
    expect(own.connected).toBe(true);
  });

  it('accepts an API key from any origin: a key is never sent by a browser on its own', async () => {
    const user = await createTestUser();
    const token = await createTestApiKey(user);
    const socket = await connectClient(local.url, { token, origin: 'http://evil.test' });
    sockets.push(socket);
    expect(socket.connected).toBe(true);
  });
});
