import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { createApiKey } from '@/server/auth/api-keys';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { listTaskFollowUps } from '@/server/tasks/task-service';
import { Prisma } from '@/lib/generated/prisma/client';
import type { UserPrincipal } from '@/server/auth/principal';
import { buildTaskPageQuery, listTasks, listTasksWithOwners } from '@/server/tasks/task-search';
import { createInternalTask } from '@/server/tasks/task-submission';
import { createTestUser, type TestUser } from '../support/users';

// Follow-ups are children of the task they report on: the user's list (service and REST)
// leaves them out, include=children and parent=<id> bring them back, admins' list shows them,
// a parent's deletion keeps them (SET NULL), and only a follow-up type takes a parent.

const root = path.resolve(import.meta.dirname, '../..');
type Handler = (request: Request) => Promise<Response>;

// Tasks of this file live in March 1997, a month no other test file uses.
const MONTH = 'from=1997-03-01T00:00:00Z&to=1997-04-01T00:00:00Z';

let tasksGet: Handler;
let admin: TestUser;
let carol: TestUser;
let carolKey: string;
let parentId: string;
let emailId: string;
let deliveryId: string;

async function seed(
  owner: TestUser,
  day: number,
  type: string,
  parentTaskId: string | null = null,
): Promise<string> {
  const at = Date.UTC(1997, 2, day, 12);
  const id = uuid7(at);
  await getPrisma().task.create({
    data: {
      id,
      type,
      queue: 'diagnostics',
      status: 'succeeded',
      payload: { steps: 1 },
      maxAttempts: 1,
      ownerId: owner.principal.userId,
      parentTaskId,
      createdAt: new Date(at),
    },
  });
  return id;
}

const ids = (page: { data: Array<{ id: string }> }) => page.data.map((task) => task.id);

async function restList(query: string) {
  const response = await tasksGet(
    new Request(`http://localhost/api/v1/tasks?${query}`, {
      headers: { authorization: `Bearer ${carolKey}` },
    }),
  );
  return { status: response.status, body: (await response.json()) as { data: { id: string }[] } };
}

beforeAll(async () => {
  tasksGet = ((await import(path.join(root, 'app/api/v1/tasks/route.ts'))) as { GET: Handler }).GET;
  [admin, carol] = await Promise.all([createTestUser('admin'), createTestUser('user', 'carol')]);
  carolKey = (await createApiKey(carol.principal, { name: 'follow-ups' }, NO_AUDIT_CONTEXT)).key;
  parentId = await seed(carol, 1, 'diagnostics.simulate');
  emailId = await seed(carol, 2, 'email.send', parentId);
  deliveryId = await seed(carol, 3, 'webhooks.deliver', parentId);
});

afterAll(async () => {
  await closeClients();
});

describe("a user's task list", () => {
  it('leaves follow-ups out, in the service and in REST', async () => {
    const filters = { from: '1997-03-01T00:00:00Z', to: '1997-04-01T00:00:00Z', limit: 25 };
    expect(ids(await listTasks(carol.principal, filters))).toEqual([parentId]);
    const rest = await restList(MONTH);
    expect(rest.status).toBe(200);
    expect(ids(rest.body)).toEqual([parentId]);
  });

  it('lists them with include=children, and one task’s with parent=<id>', async () => {
    expect(ids((await restList(`${MONTH}&include=children`)).body)).toEqual([
      deliveryId,
      emailId,
      parentId,
    ]);
    const children = await restList(`parent=${parentId}`);
    expect(ids(children.body)).toEqual([deliveryId, emailId]);
    expect(children.body.data[0]).toMatchObject({ parentTaskId: parentId });
    expect(ids((await restList(`parent=${emailId}`)).body)).toEqual([]);
  });

  it('answers a bad filter with 400, never 500', async () => {
    expect((await restList('include=everything')).status).toBe(400);
    expect((await restList('parent=not-a-uuid')).status).toBe(400);
    expect((await restList(`include=children&parent=${parentId}`)).status).toBe(400);
  });
});

/** The plan's index names and node types, with sequential scans ruled out (a test table is small). */
async function planOf(principal: UserPrincipal, filters: { parent?: string }) {
  return getPrisma().$transaction(async (tx) => {
    // What the statement allows, not what the planner picks for this tier's few rows: with its
    // statistics it may call a sort of one estimated row cheapest (seen in the whole tier, via
    // tasks_owner_idempotency_key). Sorting and scanning are priced out, so the plan shows
    // whether an index gives the page in order.
    await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
    await tx.$executeRaw`SET LOCAL enable_sort = off`;
    const [row] = await tx.$queryRaw<Array<{ 'QUERY PLAN': unknown }>>(
      Prisma.sql`EXPLAIN (FORMAT JSON) ${buildTaskPageQuery(principal, { ...filters, limit: 25 })}`,
    );
    return JSON.stringify(row?.['QUERY PLAN']);
  });
}

describe('the list statement', () => {
  it("reads a page of top-level tasks or of one parent's children as one index range, unsorted", async () => {
    const user = await planOf(carol.principal, {});
    expect(user).toContain('tasks_owner_created_idx');
    expect(user).toContain('parent_task_id IS NULL');
    const children = await planOf(admin.principal, { parent: parentId });
    expect(children).toContain('tasks_parent_created_idx');
    for (const plan of [user, children]) {
      expect(plan).not.toContain('"Sort"');
      expect(plan).not.toContain('Seq Scan');
    }
  });
});

describe('the parent and its children', () => {
  it("are linked both ways: the parent's page lists its children, a child none", async () => {
    const parent = { id: parentId, parentTaskId: null };
    expect((await listTaskFollowUps(carol.principal, parent)).map((task) => task.id)).toEqual([
      deliveryId,
      emailId,
    ]);
    expect(
      await listTaskFollowUps(carol.principal, { id: emailId, parentTaskId: parentId }),
    ).toEqual([]);
  });

  it("show in admins' list, each child saying whose it is", async () => {
    const page = await listTasksWithOwners(admin.principal, {
      owner: carol.principal.userId,
      from: '1997-03-01T00:00:00Z',
      to: '1997-04-01T00:00:00Z',
      limit: 25,
    });
    expect(page.data.map((task) => [task.id, task.parentTaskId])).toEqual([
      [deliveryId, parentId],
      [emailId, parentId],
      [parentId, null],
    ]);
  });

  it('outlive the parent’s deletion, as top-level tasks (ON DELETE SET NULL)', async () => {
    const lone = await seed(carol, 10, 'diagnostics.simulate');
    const child = await seed(carol, 11, 'email.send', lone);
    await getPrisma().task.delete({ where: { id: lone } });
    expect(await getPrisma().task.findUniqueOrThrow({ where: { id: child } })).toMatchObject({
      parentTaskId: null,
    });
  });

  it('take a parent only for a follow-up type', async () => {
    await expect(
      createInternalTask('file.process', carol.principal.userId, {}, { parentTaskId: parentId }),
    ).rejects.toThrow(/not a follow-up type/);
  });
});
