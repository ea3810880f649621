import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskStatus, TaskView } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { listTasks, type TaskListFilters } from '@/server/tasks/task-search';
import { createTestUser, type TestUser } from '../support/users';

// The one task listing, as the admin task list and GET /api/v1/tasks use it: every filter,
// search by id and by payload text, who may filter by owner, and keyset pages that neither
// repeat nor skip a task, even among tasks created in the same millisecond.

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request, context: unknown) => Promise<Response>;

let admin: TestUser;
let alice: TestUser;
let bob: TestUser;
let tasksGet: Handler;

// Every task of this file is created in a month of 1999 no other test file uses (task-flow.test.ts reports on March 2001), and every query is
// bounded to it, so tasks other test files leave in the database never show up here.
const MONTH = { from: '1999-07-01T00:00:00Z', to: '1999-08-01T00:00:00Z' };
const at = (day: number, minute = 0) => new Date(Date.UTC(1999, 6, day, 12, minute));

interface Seed {
  owner: TestUser;
  createdAt: Date;
  status?: TaskStatus;
  type?: string;
  queue?: string;
  payload?: object;
}

async function seed(task: Seed): Promise<string> {
  const id = uuid7(task.createdAt.getTime());
  await getPrisma().task.create({
    data: {
      id,
      type: task.type ?? 'diagnostics.simulate',
      queue: task.queue ?? 'diagnostics',
      status: task.status ?? 'succeeded',
      payload: task.payload ?? { steps: 1 },
      maxAttempts: 1,
      ownerId: task.owner.principal.userId,
      createdAt: task.createdAt,
    },
  });
  return id;
}

const list = (who: TestUser, filters: Omit<TaskListFilters, 'limit'>, limit = 100) =>
  listTasks(who.principal, { ...MONTH, ...filters, limit });

const idsOf = (page: { data: TaskView[] }) => page.data.map((task) => task.id);

/** Every page, following nextCursor, as the ids of each. */
async function allPages(who: TestUser, filters: Omit<TaskListFilters, 'limit'>, limit: number) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list(who, { ...filters, cursor }, limit);
    pages.push(idsOf(page));
    cursor = page.nextCursor ?? undefined;
  } while (cursor && pages.length < 50);
  return pages;
}

let ids: Record<string, string>;

beforeAll(async () => {
  tasksGet = ((await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as { GET: Handler }).GET;
  [admin, alice, bob] = await Promise.all([
    createTestUser('admin'),
    createTestUser('user', 'alice'),
    createTestUser('user', 'bob'),
  ]);
  // Newest first: d10 … d1. Alice owns the odd days, Bob the even ones.
  ids = {
    d1: await seed({ owner: alice, createdAt: at(1), status: 'failed' }),
    d2: await seed({ owner: bob, createdAt: at(2), status: 'cancelled' }),
    d3: await seed({
      owner: alice,
      createdAt: at(3),
      type: 'report.generate',
      queue: 'reports',
      payload: { kind: 'failures', note: 'Quarterly INVOICES for Acme' },
    }),
    d4: await seed({ owner: bob, createdAt: at(4), status: 'running' }),
    d5: await seed({
      owner: alice,
      createdAt: at(5),
      type: 'email.send',
      queue: 'notifications',
      payload: { subject: 'price 50%_off today' },
    }),
    d6: await seed({
      owner: bob,
      createdAt: at(6),
      type: 'email.send',
      queue: 'notifications',
      // Would match '50%_off' if % and _ were wildcards.
      payload: { subject: 'price 50xxoff today' },
    }),
    d7: await seed({ owner: alice, createdAt: at(7), status: 'queued' }),
    d8: await seed({
      owner: bob,
      createdAt: at(8),
      status: 'failed',
      type: 'report.generate',
      queue: 'reports',
    }),
  };
});

afterAll(async () => {
  await closeClients();
});

describe('listing tasks with filters', () => {
  it('shows admins everyone’s tasks and users only their own, newest first', async () => {
    const all = ['d8', 'd7', 'd6', 'd5', 'd4', 'd3', 'd2', 'd1'].map((key) => ids[key]);
    expect(idsOf(await list(admin, {}))).toEqual(all);
    expect(idsOf(await list(alice, {}))).toEqual(['d7', 'd5', 'd3', 'd1'].map((k) => ids[k]));
    expect(idsOf(await list(bob, {}))).toEqual(['d8', 'd6', 'd4', 'd2'].map((k) => ids[k]));
  });

  it('filters by one status or several', async () => {
    expect(idsOf(await list(admin, { status: 'failed' }))).toEqual([ids.d8, ids.d1]);
    expect(idsOf(await list(admin, { status: ['failed', 'running', 'queued'] }))).toEqual([
      ids.d8,
      ids.d7,
      ids.d4,
      ids.d1,
    ]);
    // Still only one's own, whatever the filter.
    expect(idsOf(await list(alice, { status: ['failed', 'running'] }))).toEqual([ids.d1]);
  });

  it('filters by type, queue, and both with a status', async () => {
    expect(idsOf(await list(admin, { type: 'email.send' }))).toEqual([ids.d6, ids.d5]);
    expect(idsOf(await list(admin, { queue: 'reports' }))).toEqual([ids.d8, ids.d3]);
    expect(idsOf(await list(admin, { type: 'report.generate', status: 'failed' }))).toEqual([
      ids.d8,
    ]);
    expect(idsOf(await list(admin, { queue: 'files' }))).toEqual([]);
  });

  it('filters by creation time: from inclusive, to exclusive, offsetless times as UTC', async () => {
    const window = { from: at(3).toISOString(), to: at(5).toISOString() };
    expect(idsOf(await list(admin, window))).toEqual([ids.d4, ids.d3]);
    // A datetime-local value (no offset) is read as UTC.
    const local = { from: '1999-07-03T12:00', to: '1999-07-05T12:00' };
    expect(idsOf(await list(admin, local))).toEqual([ids.d4, ids.d3]);
  });

  it('lets admins filter by owner, by user id or exact email, and refuses it to users', async () => {
    const bobs = ['d8', 'd6', 'd4', 'd2'].map((key) => ids[key]);
    expect(idsOf(await list(admin, { owner: bob.principal.userId }))).toEqual(bobs);
    expect(idsOf(await list(admin, { owner: bob.email }))).toEqual(bobs);
    expect(idsOf(await list(admin, { owner: bob.email.toUpperCase() }))).toEqual(bobs);
    await expect(
      list(admin, { owner: `nobody-${randomUUID()}@example.test` }),
    ).rejects.toMatchObject({
      status: 400,
      fieldErrors: [expect.objectContaining({ path: 'owner' })],
    });
    // A user cannot look at someone else's tasks by naming them, nor even their own way.
    await expect(list(alice, { owner: bob.email })).rejects.toMatchObject({ status: 403 });
    await expect(list(alice, { owner: alice.principal.userId })).rejects.toMatchObject({
      status: 403,
    });
  });

  it('finds a task by its id, only for someone who may see it', async () => {
    expect(idsOf(await list(admin, { q: ids.d4 }))).toEqual([ids.d4]);
    expect(idsOf(await list(admin, { q: ` ${ids.d4!.toUpperCase()} ` }))).toEqual([ids.d4]);
    expect(idsOf(await list(bob, { q: ids.d4 }))).toEqual([ids.d4]);
    expect(idsOf(await list(alice, { q: ids.d4 }))).toEqual([]);
    // Combined with the other filters like any of them.
    expect(idsOf(await list(admin, { q: ids.d4, status: 'failed' }))).toEqual([]);
  });

  it('finds text in the payload, ignoring case, with % and _ taken literally', async () => {
    expect(idsOf(await list(admin, { q: 'invoices' }))).toEqual([ids.d3]);
    expect(idsOf(await list(admin, { q: 'Acme' }))).toEqual([ids.d3]);
    expect(idsOf(await list(admin, { q: '50%_off' }))).toEqual([ids.d5]);
    expect(idsOf(await list(admin, { q: 'price' }))).toEqual([ids.d6, ids.d5]);
    expect(idsOf(await list(bob, { q: 'price' }))).toEqual([ids.d6]);
    expect(idsOf(await list(admin, { q: 'no such words anywhere' }))).toEqual([]);
  });

  it('refuses a search too short for the trigram index, saying so on the field', async () => {
    await expect(list(admin, { q: 'ab' })).rejects.toMatchObject({
      status: 400,
      fieldErrors: [
        { path: 'q', message: 'Search for at least 3 characters, or a whole task id.' },
      ],
    });
  });

  it('pages without repeats or gaps, through tasks created in the same millisecond', async () => {
    const moment = at(20);
    const same = await Promise.all(
      Array.from({ length: 7 }, (_, index) =>
        seed({
          owner: index % 2 ? alice : bob,
          createdAt: moment,
          status: index % 3 ? 'succeeded' : 'failed',
        }),
      ),
    );
    const everything = idsOf(await list(admin, {}));
    expect(everything).toHaveLength(15);
    // Same time: ordered by id, descending.
    expect(everything.slice(0, 7)).toEqual([...same].sort().reverse());
    for (const limit of [1, 2, 3, 4]) {
      const pages = await allPages(admin, {}, limit);
      expect(pages.flat(), `pages of ${limit}`).toEqual(everything);
      expect(pages.every((page) => page.length <= limit)).toBe(true);
      expect(pages.at(-1)?.length, 'no empty page at the end').toBeGreaterThan(0);
    }
    // Several statuses go through one scan per status, merged: same guarantees.
    const finished = idsOf(await list(admin, { status: ['succeeded', 'failed', 'cancelled'] }));
    expect(finished).toHaveLength(13);
    expect(
      (await allPages(admin, { status: ['succeeded', 'failed', 'cancelled'] }, 2)).flat(),
    ).toEqual(finished);
    // A user's pages stay within their own tasks.
    const alices = (await allPages(alice, {}, 2)).flat();
    expect(alices).toEqual(idsOf(await list(alice, {})));
    expect(alices).not.toContain(ids.d2);
  });

  it('refuses a cursor that was not made by a previous page', async () => {
    await expect(list(admin, { cursor: 'not-a-cursor' })).rejects.toMatchObject({ status: 400 });
  });
});

describe('GET /api/v1/tasks', () => {
  const get = (who: TestUser, query: string) =>
    tasksGet(
      new Request(`http://localhost/api/v1/tasks?${query}`, { headers: { cookie: who.cookie } }),
      {},
    );
  // The first days only: the paging test adds tasks on the 20th.
  const window = `from=${MONTH.from}&to=1999-07-15T00:00:00Z`;

  it('takes the same filters as query parameters', async () => {
    const response = await get(admin, `${window}&status=failed,running&owner=${bob.email}`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: TaskView[]; nextCursor: string | null };
    expect(body.data.map((task) => task.id)).toEqual([ids.d8, ids.d4]);
    const searched = await get(admin, `${window}&q=INVOICES&type=report.generate&queue=reports`);
    expect(((await searched.json()) as { data: TaskView[] }).data.map((t) => t.id)).toEqual([
      ids.d3,
    ]);
  });

  it('answers 400 with the field for a bad filter, and 403 for a user naming an owner', async () => {
    for (const query of [
      'q=ab',
      'status=done',
      'from=yesterday',
      `from=${MONTH.to}&to=${MONTH.from}`,
    ]) {
      const response = await get(admin, query);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
    expect((await get(alice, `owner=${alice.email}`)).status).toBe(403);
  });
});
