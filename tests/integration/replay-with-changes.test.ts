import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  LimitExceededError,
  NotFoundError,
  ValidationError,
} from '@/lib/errors';
import type { TaskStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import {
  findReplayLinks,
  readReplayForm,
  replayTaskWithChanges,
} from '@/server/tasks/replay-with-changes';
import { deleteTasksInBulk } from '@/server/tasks/task-deletion';
import { createTestUser, type TestUser } from '../support/users';

// "Replay with changes": a finished task's payload, edited, as a new task linked to the
// original; checked by the type's schema (field errors under payload), by who may submit the
// type, and refused for internal types whose payload names stored files (an upload's).

let admin: TestUser;
let alice: TestUser;
let bob: TestUser;

beforeAll(async () => {
  [admin, alice, bob] = await Promise.all([
    createTestUser('admin', 'replay-admin'),
    createTestUser('user', 'replay-alice'),
    createTestUser('user', 'replay-bob'),
  ]);
});

afterAll(async () => {
  await closeClients();
});

async function seed(
  owner: TestUser,
  status: TaskStatus,
  type = 'diagnostics.simulate',
  payload: object = { steps: 2, stepMs: 0, failAtStep: 1 },
): Promise<string> {
  const id = uuid7();
  const queue =
    { 'diagnostics.simulate': 'diagnostics', 'file.process': 'files' }[type] ?? 'maintenance';
  await getPrisma().task.create({
    data: {
      id,
      type,
      queue,
      status,
      payload,
      maxAttempts: 1,
      attempts: 1,
      ownerId: owner.principal.userId,
    },
  });
  return id;
}

describe('replay with changes', () => {
  it('creates a new task with the edited payload, linked both ways, owned by the replayer', async () => {
    const original = await seed(alice, 'failed');
    const form = await readReplayForm(alice.principal, original);
    expect(form?.type.name).toBe('diagnostics.simulate');
    expect(form?.payload).toEqual({ steps: 2, stepMs: 0, failAtStep: 1 });
    const replay = await replayTaskWithChanges(
      alice.principal,
      { id: original, payload: { steps: 3, stepMs: 0 } },
      NO_AUDIT_CONTEXT,
    );
    expect(replay.id).not.toBe(original);
    const row = await getPrisma().task.findUniqueOrThrow({ where: { id: replay.id } });
    expect(row).toMatchObject({
      type: 'diagnostics.simulate',
      payload: { steps: 3, stepMs: 0 },
      replayOfTaskId: original,
      ownerId: alice.principal.userId,
    });
    expect(['queued', 'running', 'succeeded']).toContain(row.status);
    expect(await findReplayLinks(alice.principal, replay.id)).toEqual({
      replayOf: original,
      replays: [],
    });
    expect(await findReplayLinks(alice.principal, original)).toEqual({
      replayOf: null,
      replays: [replay.id],
    });
    // The original is untouched.
    const before = await getPrisma().task.findUniqueOrThrow({ where: { id: original } });
    expect(before.status).toBe('failed');
  });

  it('answers the type schema’s errors per field, and a user’s limits as 422', async () => {
    const original = await seed(alice, 'succeeded');
    const invalid = await replayTaskWithChanges(
      alice.principal,
      { id: original, payload: { steps: 0, stepMs: 'fast' } },
      NO_AUDIT_CONTEXT,
    ).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ValidationError);
    const paths = (invalid as ValidationError).fieldErrors.map((field) => field.path).sort();
    expect(paths).toEqual(['payload.stepMs', 'payload.steps']);
    await expect(
      replayTaskWithChanges(
        alice.principal,
        { id: original, payload: { steps: 100_000, stepMs: 0 } },
        NO_AUDIT_CONTEXT,
      ),
    ).rejects.toBeInstanceOf(LimitExceededError);
    expect(await getPrisma().task.count({ where: { replayOfTaskId: original } })).toBe(0);
  });

  it('lets only the owner or an admin replay, and audits an admin replaying someone else’s task', async () => {
    const original = await seed(alice, 'cancelled');
    await expect(
      replayTaskWithChanges(
        bob.principal,
        { id: original, payload: { steps: 1 } },
        NO_AUDIT_CONTEXT,
      ),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(readReplayForm(bob.principal, original)).rejects.toBeInstanceOf(NotFoundError);
    const replay = await replayTaskWithChanges(
      admin.principal,
      { id: original, payload: { steps: 1, stepMs: 0 } },
      NO_AUDIT_CONTEXT,
    );
    const row = await getPrisma().task.findUniqueOrThrow({ where: { id: replay.id } });
    expect(row.ownerId).toBe(admin.principal.userId);
    const audit = await getPrisma().auditEvent.findFirstOrThrow({
      where: { action: 'task.replay', targetId: replay.id },
    });
    expect(audit.details).toMatchObject({ replayOf: original, ownerId: alice.principal.userId });
    // Alice sees the replay exists only if she can see it: it is the admin's.
    expect((await findReplayLinks(alice.principal, original)).replays).toEqual([]);
  });

  it('refuses unfinished tasks, admin-only types for users, and internal types (uploads)', async () => {
    const running = await seed(alice, 'running');
    expect(await readReplayForm(alice.principal, running)).toBeNull();
    await expect(
      replayTaskWithChanges(
        alice.principal,
        { id: running, payload: { steps: 1 } },
        NO_AUDIT_CONTEXT,
      ),
    ).rejects.toBeInstanceOf(ConflictError);

    const stall = await seed(alice, 'failed', 'diagnostics.stall', {});
    expect(await readReplayForm(alice.principal, stall)).toBeNull();
    await expect(
      replayTaskWithChanges(alice.principal, { id: stall, payload: {} }, NO_AUDIT_CONTEXT),
    ).rejects.toBeInstanceOf(ForbiddenError);

    // An upload's payload describes a stored file: an edited copy could name someone else's.
    const upload = await seed(alice, 'failed', 'file.process', {
      file: {
        name: 'a.csv',
        size: 1,
        sha256: 'a'.repeat(64),
        type: 'text/csv',
        kind: 'csv',
        label: 'CSV',
        declaredType: 'text/csv',
      },
    });
    for (const who of [alice, admin]) {
      expect(await readReplayForm(who.principal, upload)).toBeNull();
      await expect(
        replayTaskWithChanges(who.principal, { id: upload, payload: {} }, NO_AUDIT_CONTEXT),
      ).rejects.toBeInstanceOf(ForbiddenError);
    }
  });

  it('keeps a replay when its original is deleted', async () => {
    const original = await seed(alice, 'failed');
    const replay = await replayTaskWithChanges(
      alice.principal,
      { id: original, payload: { steps: 1, stepMs: 0 } },
      NO_AUDIT_CONTEXT,
    );
    const deleted = await deleteTasksInBulk(admin.principal, [original], NO_AUDIT_CONTEXT);
    expect(deleted.succeeded).toBe(1);
    const row = await getPrisma().task.findUniqueOrThrow({ where: { id: replay.id } });
    expect(row.replayOfTaskId).toBeNull();
  });
});
