import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError, UnauthorizedError, ValidationError } from '@/lib/errors';
import { executeAction } from '@/server/actions/action-definition';
import { runTaskByHand as runTaskByHandAction } from '@/server/tasks/task-actions';
import { ANONYMOUS, type Principal } from '@/server/auth/principal';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { runTaskByHand } from '@/server/tasks/run-by-hand';
import { listTaskTypeForms } from '@/server/tasks/task-type-catalog';
import { createTestUser, type TestUser } from '../support/users';

// "Run a task" in the admin section: any type that is not internal, with a priority and a
// start time, as the admin, audited. No worker runs in this file: tasks stay as submitted.

const context = { ip: '203.0.113.9', userAgent: 'vitest run-by-hand' };
let admin: TestUser;
let user: TestUser;

beforeAll(async () => {
  [admin, user] = await Promise.all([createTestUser('admin', 'runner'), createTestUser('user')]);
});

afterAll(async () => {
  await closeClients();
});

async function auditOf(taskId: string) {
  return getPrisma().auditEvent.findMany({
    where: { action: 'task.run_by_hand', targetId: taskId },
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('runTaskByHand', () => {
  it('creates a delayed task with the priority, owned by the admin, and audits it', async () => {
    const before = Date.now();
    const task = await runTaskByHand(
      admin.principal,
      {
        type: 'diagnostics.simulate',
        payload: { steps: 3, stepMs: 0 },
        priority: 'high',
        delayMs: 120_000,
      },
      context,
    );
    const after = Date.now();
    expect(task).toMatchObject({
      type: 'diagnostics.simulate',
      status: 'delayed',
      priority: 'high',
      ownerId: admin.principal.userId,
      payload: { steps: 3, stepMs: 0 },
    });
    const runAt = Date.parse(task.runAt ?? '');
    expect(runAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(runAt).toBeLessThanOrEqual(after + 120_000);

    // The queue holds it back for the delay, at the high priority.
    const job = await getQueue('diagnostics').getJob(task.id);
    expect(await job?.getState()).toBe('delayed');
    expect(job?.opts.priority).toBeGreaterThan(0);
    const normal = await runTaskByHand(
      admin.principal,
      { type: 'diagnostics.simulate', payload: { steps: 1 }, delayMs: 120_000 },
      context,
    );
    expect(normal.priority).toBe('normal');
    const normalJob = await getQueue('diagnostics').getJob(normal.id);
    // BullMQ takes lower numbers first.
    expect(job!.opts.priority!).toBeLessThan(normalJob!.opts.priority!);

    const [event, ...others] = await auditOf(task.id);
    expect(others).toEqual([]);
    expect(event).toMatchObject({
      actorId: admin.principal.userId,
      actorEmail: admin.email,
      targetType: 'task',
      targetId: task.id,
      ip: context.ip,
      userAgent: context.userAgent,
      details: { type: 'diagnostics.simulate', priority: 'high', delayMs: 120_000 },
    });
  });

  it('starts at a given time, and records it', async () => {
    const runAt = new Date(Date.now() + 3_600_000).toISOString();
    const task = await runTaskByHand(
      admin.principal,
      { type: 'maintenance.cleanup', payload: { olderThanDays: 400 }, priority: 'low', runAt },
      context,
    );
    expect(task).toMatchObject({ status: 'delayed', priority: 'low', runAt });
    const [event] = await auditOf(task.id);
    expect(event?.details).toEqual({ type: 'maintenance.cleanup', priority: 'low', runAt });
  });

  it('refuses an invalid payload, naming the field, and creates nothing', async () => {
    const before = await getPrisma().task.count();
    const error = await rejectionOf(
      runTaskByHand(
        admin.principal,
        { type: 'diagnostics.simulate', payload: { steps: 0, stepMs: 10 } },
        context,
      ),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors).toEqual([
      { path: 'payload.steps', message: expect.stringMatching(/>=1/) },
    ]);
    expect(await getPrisma().task.count()).toBe(before);
  });

  it.each([
    ['file.process', 'upload a file instead'],
    ['email.send', 'sent by Taskdeck when a task ends'],
  ])('refuses the internal type %s, saying why', async (type, reason) => {
    const error = await rejectionOf(
      runTaskByHand(admin.principal, { type, payload: {}, delayMs: 60_000 }, context),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toContain(reason);
    expect((error as ValidationError).fieldErrors).toEqual([
      { path: 'type', message: `Not runnable by hand: ${reason}.` },
    ]);
    expect(await getPrisma().task.count({ where: { type, ownerId: admin.principal.userId } })).toBe(
      0,
    );
  });

  it('names an unknown type', async () => {
    const error = await rejectionOf(
      runTaskByHand(admin.principal, { type: 'nothing.here' }, context),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors[0]?.path).toBe('type');
  });

  it('is for admins only', async () => {
    const input = { type: 'diagnostics.simulate', payload: {}, delayMs: 60_000 };
    await expect(runTaskByHand(user.principal, input, context)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(runTaskByHand(ANONYMOUS, input, context)).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(await getPrisma().task.count({ where: { ownerId: user.principal.userId } })).toBe(0);
    expect(() => listTaskTypeForms(user.principal)).toThrow(ForbiddenError);
  });
});

describe('the runTaskByHand action', () => {
  const runTaskByHandAs = (principal: Principal, input: unknown) =>
    executeAction(runTaskByHandAction.definition, principal, context, [input]);

  it('checks the caller before the input, then the input with the task input rules', async () => {
    await expect(runTaskByHandAs(user.principal, { type: '' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    const error = await rejectionOf(
      runTaskByHandAs(admin.principal, {
        type: 'diagnostics.simulate',
        payload: {},
        delayMs: 60_000,
        runAt: new Date().toISOString(),
      }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((field) => field.path)).toEqual(['runAt']);
  });

  it('runs a task now when no start is given', async () => {
    const task = await runTaskByHandAs(admin.principal, {
      type: 'report.generate',
      payload: { kind: 'durations', days: 7 },
      priority: 'urgent',
    });
    expect(task).toMatchObject({ status: 'queued', priority: 'urgent', runAt: null });
    expect(task.payload).toMatchObject({ kind: 'durations', format: 'csv' });
    expect((await auditOf(task.id))[0]?.details).toEqual({
      type: 'report.generate',
      priority: 'urgent',
    });
  });
});

describe('listTaskTypeForms', () => {
  it('lists every type for admins, runnable ones first', () => {
    const forms = listTaskTypeForms(admin.principal);
    expect(forms.map((form) => [form.name, form.runnableByHand])).toEqual([
      ['diagnostics.simulate', true],
      ['diagnostics.stall', true],
      ['maintenance.cleanup', true],
      ['report.generate', true],
      ['email.send', false],
      ['file.process', false],
      ['tasks.bulk', false],
      ['webhooks.deliver', false],
    ]);
  });
});
