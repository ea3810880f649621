import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '@/lib/errors';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import { createTask } from '@/server/tasks/task-submission';
import { getTask, openTaskResult } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { createTestUser, type TestUser } from '../support/users';

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let owner: TestUser;

beforeAll(async () => {
  owner = await createTestUser();
  await bus.start();
  worker = await startTaskWorker({ concurrency: 2 });
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

function at(iso: string): Date {
  return new Date(iso);
}

describe('report.generate end to end', () => {
  it('runs to succeeded with ordered progress and writes a correct CSV', async () => {
    // History in a range no other test touches, with known durations.
    await getPrisma().task.createMany({
      data: [
        ...[100, 200, 300].map((ms, i) => ({
          id: `00000000-0000-7000-8000-00000000000${i}`,
          type: 'report.generate',
          queue: 'reports',
          status: 'succeeded' as const,
          payload: {},
          maxAttempts: 1,
          createdAt: at(`2001-03-01T10:0${i}:00Z`),
          startedAt: at(`2001-03-01T10:0${i}:01Z`),
          finishedAt: new Date(at(`2001-03-01T10:0${i}:01Z`).getTime() + ms),
        })),
        {
          id: '00000000-0000-7000-8000-000000000010',
          type: 'diagnostics.simulate',
          queue: 'diagnostics',
          status: 'failed' as const,
          payload: {},
          maxAttempts: 1,
          createdAt: at('2001-03-01T23:59:59.999Z'),
          startedAt: at('2001-03-02T00:00:00Z'),
          finishedAt: at('2001-03-02T00:00:01Z'),
        },
        ...[0, 1].map((i) => ({
          id: `00000000-0000-7000-8000-00000000002${i}`,
          type: 'report.generate',
          queue: 'reports',
          status: 'queued' as const,
          payload: {},
          maxAttempts: 1,
          createdAt: at(`2001-03-02T0${i}:00:00Z`),
        })),
      ],
    });

    const created = await createTask(owner.principal, {
      type: 'report.generate',
      payload: { from: '2001-03-01', to: '2001-03-03' },
    });
    expect(created).toMatchObject({
      status: 'queued',
      progress: 0,
      attempts: 0,
      revision: 1,
      seq: 0,
    });

    const done = await bus.waitForUpdate(created.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', progress: 100, attempt: 1 });
    expect(done.resultUrl).toBe(`/api/v1/tasks/${created.id}/result`);

    // Each status change opens a revision at seq 0; progress reports count on from 1 within it.
    const updates = bus.updatesOf(created.id);
    const running = updates[0]!;
    expect(running).toMatchObject({ status: 'running', revision: 2, seq: 0, progress: 0 });
    for (let i = 1; i < updates.length; i += 1) {
      const previous = updates[i - 1]!;
      const current = updates[i]!;
      const newer = current.revision - previous.revision || current.seq - previous.seq;
      expect(newer).toBeGreaterThan(0);
      expect(current.progress).toBeGreaterThanOrEqual(previous.progress);
    }
    const reports = updates.slice(1, -1);
    expect(reports.every((u) => u.status === 'running' && u.revision === running.revision)).toBe(
      true,
    );
    expect(reports.map((u) => u.seq)).toEqual(reports.map((_, i) => i + 1));
    expect(done).toMatchObject({ revision: running.revision + 1, seq: 0 });
    expect(updates.at(-1)).toBe(done);
    // One progress event per day read, so a client sees the bar move.
    const midway = updates.filter(
      (u) => u.status === 'running' && u.progress > 0 && u.progress < 100,
    );
    expect(midway.length).toBeGreaterThanOrEqual(3);

    const stored = await getTask(owner.principal, created.id);
    expect(stored).toMatchObject({
      status: 'succeeded',
      progress: 100,
      attempts: 1,
      revision: done.revision,
      seq: done.seq,
      error: null,
      result: { from: '2001-03-01', to: '2001-03-03', days: 3, rows: 3, tasks: 6 },
    });
    expect(Date.parse(stored.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(stored.startedAt!));

    const file = await openTaskResult(owner.principal, created.id, NO_AUDIT_CONTEXT);
    expect(file.name).toBe('activity-2001-03-01-to-2001-03-03.csv');
    expect(file.contentType).toMatch(/^text\/csv/);
    expect((await text(file.stream)).split('\r\n')).toEqual([
      'date,type,status,count,avg_duration_ms,p50_duration_ms,p95_duration_ms,max_duration_ms',
      '2001-03-01,diagnostics.simulate,failed,1,1000,1000,1000,1000',
      '2001-03-01,report.generate,succeeded,3,200,200,290,300',
      '2001-03-02,report.generate,queued,2,,,,',
      '',
    ]);
  });
});

describe('creating tasks', () => {
  it('rejects an unknown type and an invalid payload with field errors, recording nothing', async () => {
    const before = await getPrisma().task.count();
    await expect(createTask(owner.principal, { type: 'report.explode' })).rejects.toMatchObject({
      fieldErrors: [{ path: 'type' }],
    });
    const invalid = createTask(owner.principal, {
      type: 'report.generate',
      payload: { from: '2001-13-45', to: '2001-01-01', colour: 'red' },
    });
    await expect(invalid).rejects.toBeInstanceOf(ValidationError);
    await expect(invalid).rejects.toMatchObject({
      fieldErrors: expect.arrayContaining([
        expect.objectContaining({ path: 'payload.from' }),
        expect.objectContaining({ path: 'payload' }),
      ]),
    });
    expect(await getPrisma().task.count()).toBe(before);
  });

  it('stores the parsed payload, defaults filled in', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { stepMs: 0 },
    });
    expect(task.payload).toEqual({ steps: 10, stepMs: 0 });
    await bus.waitForUpdate(task.id, isTerminal);
  });

  it('answers NotFoundError for unknown and malformed ids', async () => {
    await expect(getTask(owner.principal, 'not-a-uuid')).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      getTask(owner.principal, '00000000-0000-7000-8000-ffffffffffff'),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('failures and retries', () => {
  it('retries a failed attempt after its backoff and then succeeds', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 3, stepMs: 10, failAtStep: 2, failAttempts: 1 },
    });
    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
    const updates = bus.updatesOf(task.id);
    // Waiting out the backoff is its own status, with the error and when the next attempt starts.
    expect(updates.some((u) => u.status === 'queued')).toBe(false);
    const retrying = updates.find((u) => u.status === 'retrying');
    expect(retrying).toMatchObject({
      attempt: 1,
      error: { message: 'Simulated failure at step 2' },
      retryAt: expect.any(String),
    });
    expect(retrying?.progressMessage).toMatch(/^Attempt 1 failed; retrying in \d+ s$/);
    const second = updates.find((u) => u.status === 'running' && u.attempt === 2 && u.seq === 0);
    expect(second).toMatchObject({ retryAt: null, error: null });
    expect(second!.revision).toBe(retrying!.revision + 1);
    expect(Date.parse(second!.startedAt!)).toBeGreaterThanOrEqual(Date.parse(retrying!.retryAt!));
    const stored = await getTask(owner.principal, task.id);
    expect(stored).toMatchObject({ status: 'succeeded', attempts: 2, error: null, retryAt: null });
  });

  it('fails for good after the last attempt, keeping the error and the progress reached', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 4, stepMs: 0, failAtStep: 3 },
    });
    const done = await bus.waitForUpdate(task.id, isTerminal, 20_000);
    expect(done).toMatchObject({ status: 'failed', attempt: 3 });
    const waits = bus.updatesOf(task.id).filter((u) => u.status === 'retrying');
    expect(waits.map((u) => u.attempt)).toEqual([1, 2]);
    const stored = await getTask(owner.principal, task.id);
    expect(stored).toMatchObject({
      status: 'failed',
      attempts: 3,
      progress: 50,
      error: { code: 'Error', message: 'Simulated failure at step 3' },
      resultUrl: null,
    });
    await expect(openTaskResult(owner.principal, task.id, NO_AUDIT_CONTEXT)).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });
});

describe('persistence while running', () => {
  it('keeps Postgres close behind the live progress, so a reload never resets the bar', async () => {
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 5, stepMs: 200 },
    });
    const live = await bus.waitForUpdate(
      task.id,
      (u) => u.status === 'running' && u.progress >= 40,
    );
    let stored = await getTask(owner.principal, task.id);
    for (let i = 0; i < 20 && stored.progress < 40; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      stored = await getTask(owner.principal, task.id);
    }
    expect(stored.status).toBe('running');
    expect(stored.progress).toBeGreaterThanOrEqual(40);
    expect(stored.revision).toBe(live.revision);
    expect(stored.seq).toBeGreaterThanOrEqual(live.seq);
    await bus.waitForUpdate(task.id, isTerminal);
  });

  it('leaves no stray files in storage for a finished report', async () => {
    const task = await createTask(owner.principal, {
      type: 'report.generate',
      payload: { from: '2001-01-01', to: '2001-01-01' },
    });
    await bus.waitForUpdate(task.id, isTerminal);
    const key = `tasks/${task.id}/outputs/activity-2001-01-01-to-2001-01-01.csv`;
    expect(await getStorage().exists(key)).toBe(true);
  });
});
