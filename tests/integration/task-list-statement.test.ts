import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { isAppError } from '@/lib/errors';
import { Prisma } from '@/lib/generated/prisma/client';
import { uuid7 } from '@/lib/uuid7';
import { executeAction } from '@/server/actions/action-definition';
import { loadMoreTasks } from '@/server/tasks/task-actions';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { createApiKey } from '@/server/auth/api-keys';
import { runTimedStatement } from '@/server/db/timed-statement';
import { toActionFailure } from '@/server/http/action';
import { closeClients, getPgPool, getPrisma } from '@/server/infra/clients';
import { listTasks, listTasksWithOwners } from '@/server/tasks/task-search';
import { whileTasksLocked as whileLocked } from '../support/tasks-lock';
import { createTestUser, type TestUser } from '../support/users';

// The list's one statement: stopped by TASK_LIST_STATEMENT_TIMEOUT_MS and answered as
// "narrow your search" (REST 422 search_too_broad, the load-more action's message), the
// timeout kept to that statement, values written into its text safely, owner emails joined in.
// The timeout is made to strike for real (tests/support/tasks-lock.ts).

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request) => Promise<Response>;

// Tasks of this file live in May 1998, a month no other test file uses.
const MONTH = { from: '1998-05-01T00:00:00Z', to: '1998-06-01T00:00:00Z' };

let tasksGet: Handler;
let admin: TestUser;
let alice: TestUser;
let bob: TestUser;
let aliceKey: string;

async function seed(owner: TestUser, day: number): Promise<string> {
  const id = uuid7(Date.UTC(1998, 4, day, 12));
  await getPrisma().task.create({
    data: {
      id,
      type: 'diagnostics.simulate',
      queue: 'diagnostics',
      status: 'succeeded',
      payload: { steps: 1 },
      maxAttempts: 1,
      ownerId: owner.principal.userId,
      createdAt: new Date(Date.UTC(1998, 4, day, 12)),
    },
  });
  return id;
}

const whileTasksLocked = <T>(work: () => Promise<T>) => whileLocked(getEnv().DATABASE_URL, work);

const listUrl = (query: string) => `http://localhost/api/v1/tasks?${query}`;
const asAlice = () => ({ headers: { authorization: `Bearer ${aliceKey}` } });

beforeAll(async () => {
  tasksGet = ((await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as { GET: Handler }).GET;
  [admin, alice, bob] = await Promise.all([
    createTestUser('admin'),
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
  ]);
  aliceKey = (await createApiKey(alice.principal, { name: 'list test' }, NO_AUDIT_CONTEXT)).key;
  await seed(alice, 1);
  await seed(alice, 2);
  await seed(bob, 3);
});

afterAll(async () => {
  await closeClients();
});

describe('a list statement stopped by its timeout', () => {
  it('answers REST with 422 search_too_broad, saying how to narrow the search', async () => {
    const started = performance.now();
    const response = await whileTasksLocked(() =>
      tasksGet(new Request(listUrl(`from=${MONTH.from}&to=${MONTH.to}`), asAlice())),
    );
    const elapsed = performance.now() - started;
    expect(response.status).toBe(422);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const body = (await response.json()) as { code: string; detail: string; title: string };
    expect(body.code).toBe('search_too_broad');
    expect(body.title).toBe('Search too broad');
    expect(body.detail).toMatch(/Narrow it: add a type, an owner, a status or a time range/);
    // Stopped by the timeout, not by the lock going away.
    expect(elapsed).toBeGreaterThanOrEqual(getEnv().TASK_LIST_STATEMENT_TIMEOUT_MS - 5);

    const after = await tasksGet(
      new Request(listUrl(`from=${MONTH.from}&to=${MONTH.to}`), asAlice()),
    );
    expect(after.status).toBe(200);
    expect(((await after.json()) as { data: unknown[] }).data).toHaveLength(2);
  });

  it('shows the load-more action the same message', async () => {
    const first = await listTasks(alice.principal, { ...MONTH, limit: 1 });
    expect(first.nextCursor).not.toBeNull();
    const failure = await whileTasksLocked(async () => {
      try {
        await executeAction(loadMoreTasks.definition, alice.principal, NO_AUDIT_CONTEXT, [
          first.nextCursor,
          1,
        ]);
        return null;
      } catch (error) {
        expect(isAppError(error) && error.code).toBe('search_too_broad');
        return toActionFailure(error, 'loadMoreTasks');
      }
    });
    expect(failure).toMatchObject({ ok: false, status: 422 });
    expect(failure?.ok === false && failure.message).toMatch(/Narrow it/);
  });

  it('keeps the timeout to its own statement: the pool’s connections have none after', async () => {
    await whileTasksLocked(() =>
      listTasks(alice.principal, { ...MONTH, limit: 5 }).catch(() => null),
    );
    for (let round = 0; round < 3; round += 1) await listTasks(alice.principal, { limit: 5 });
    // As many at once as the pool holds, so every connection answers.
    const settings = await Promise.all(
      Array.from({ length: getEnv().DATABASE_POOL_MAX }, () =>
        getPgPool().query<{ value: string }>(
          `SELECT current_setting('statement_timeout') AS value`,
        ),
      ),
    );
    expect(settings.map((result) => result.rows[0]?.value)).toEqual(
      Array.from({ length: getEnv().DATABASE_POOL_MAX }, () => '0'),
    );
  });
});

describe('the statement text', () => {
  it('carries every value as written, quotes and backslashes included', async () => {
    const tricky = ["it's", 'back\\slash \\', "'); DROP TABLE tasks; --", '%_ 日本', ''];
    const when = new Date('2001-02-03T04:05:06.789Z');
    for (const text of tricky) {
      const [row] = await runTimedStatement<{ t: string; d: Date; a: string[]; n: number }>(
        Prisma.sql`SELECT ${text}::text AS t, ${when}::timestamptz AS d,
          ${[text, 'x']}::text[] AS a, ${42}::int AS n`,
        1_000,
      );
      expect(row).toEqual({ t: text, d: when, a: [text, 'x'], n: 42 });
    }
    expect(await getPrisma().task.count()).toBeGreaterThan(0);
  });

  it('refuses a NUL character in a filter as a bad request', async () => {
    const response = await tasksGet(new Request(listUrl('q=abc%00def'), asAlice()));
    expect(response.status).toBe(400);
  });
});

describe('the admin list', () => {
  it('joins each owner’s email into the same page, for admins only', async () => {
    const page = await listTasksWithOwners(admin.principal, { ...MONTH, limit: 10 });
    expect(page.data).toHaveLength(3);
    expect(page.ownerEmails).toEqual({
      [alice.principal.userId]: alice.email,
      [bob.principal.userId]: bob.email,
    });
    await expect(
      listTasksWithOwners(alice.principal, { ...MONTH, limit: 10 }),
    ).rejects.toMatchObject({ status: 403 });
  });

  it('filters by an owner’s email inside the statement, and still names an unknown owner', async () => {
    const page = await listTasks(admin.principal, { ...MONTH, owner: bob.email, limit: 10 });
    expect(page.data.map((task) => task.ownerId)).toEqual([bob.principal.userId]);
    await expect(
      listTasks(admin.principal, { ...MONTH, owner: 'nobody@example.test', limit: 10 }),
    ).rejects.toThrow('No such owner.');
  });
});
