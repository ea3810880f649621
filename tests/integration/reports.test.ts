import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReportFormat, ReportKind } from '@/lib/tasks/task-inputs';
import type { TaskView } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getStorage } from '@/server/storage/storage';
import { createTask } from '@/server/tasks/task-submission';
import { getTask, openTaskResult } from '@/server/tasks/task-service';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { createTestUser, type TestUser } from '../support/users';

// Every report kind in both formats, through the real path: submit, queue, worker, storage,
// task_files. The history lives in May 2004, a range no other test writes to.

const FROM = '2004-05-01';
const TO = '2004-05-03';

let worker: RunningTaskWorker;
const bus = new BusRecorder();
let owner: TestUser;

const at = (iso: string) => new Date(iso);
const after = (start: string, ms: number) => new Date(Date.parse(start) + ms);

interface Seed {
  type: string;
  status: 'succeeded' | 'failed' | 'queued';
  createdAt: string;
  runMs?: number;
  error?: { code: string; message: string } | null;
  attempts?: number;
}

const SEEDS: Seed[] = [
  // alpha.run: four successes of 100..400 ms on day 1.
  ...[100, 200, 300, 400].map((runMs, i) => ({
    type: 'alpha.run',
    status: 'succeeded' as const,
    createdAt: `2004-05-01T10:0${i}:00.000Z`,
    runMs,
  })),
  // beta.run: two successes (1 s, 3 s) and four failures on day 2.
  ...[1_000, 3_000].map((runMs, i) => ({
    type: 'beta.run',
    status: 'succeeded' as const,
    createdAt: `2004-05-02T08:0${i}:00.000Z`,
    runMs,
  })),
  {
    type: 'beta.run',
    status: 'failed',
    createdAt: '2004-05-02T09:00:00.000Z',
    runMs: 50,
    error: { code: 'timeout', message: 'first timeout' },
    attempts: 3,
  },
  {
    type: 'beta.run',
    status: 'failed',
    createdAt: '2004-05-02T09:10:00.000Z',
    runMs: 50,
    // Not Latin-1: the CSV keeps it, the PDF draws '?' for what Helvetica lacks.
    error: { code: 'timeout', message: 'Zeitüberschreitung 日本' },
    attempts: 3,
  },
  {
    type: 'beta.run',
    status: 'failed',
    createdAt: '2004-05-02T09:20:00.000Z',
    runMs: 5,
    error: { code: 'boom', message: 'it broke, "badly"' },
    attempts: 1,
  },
  {
    type: 'beta.run',
    status: 'failed',
    createdAt: '2004-05-02T09:30:00.000Z',
    runMs: 5,
    error: null,
  },
  // Queued: counted as activity, never as a duration.
  { type: 'alpha.run', status: 'queued', createdAt: '2004-05-03T12:00:00.000Z' },
  // Just outside the range on both ends: in no report.
  {
    type: 'beta.run',
    status: 'failed',
    createdAt: '2004-04-30T23:59:59.999Z',
    runMs: 1,
    error: { code: 'outside', message: 'before the range' },
  },
  {
    type: 'alpha.run',
    status: 'succeeded',
    createdAt: '2004-05-04T00:00:00.000Z',
    runMs: 99_999,
  },
];

beforeAll(async () => {
  owner = await createTestUser();
  await getPrisma().task.createMany({
    data: SEEDS.map((seed) => {
      const startedAt = seed.runMs === undefined ? null : after(seed.createdAt, 1_000);
      return {
        id: uuid7(),
        type: seed.type,
        queue: 'reports',
        status: seed.status,
        payload: {},
        maxAttempts: 3,
        attempts: seed.attempts ?? (startedAt ? 1 : 0),
        createdAt: at(seed.createdAt),
        startedAt,
        finishedAt:
          startedAt && seed.runMs !== undefined ? after(startedAt.toISOString(), seed.runMs) : null,
        ...(seed.error ? { error: seed.error } : {}),
      };
    }),
  });
  await bus.start();
  worker = await startTaskWorker({ concurrency: 2 });
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await closeClients();
});

/** Submits a report, waits for it to end, and reads back its task, file row and bytes. */
async function runReport(kind: ReportKind, format: ReportFormat) {
  const created = await createTask(owner.principal, {
    type: 'report.generate',
    payload: { kind, format, from: FROM, to: TO },
  });
  expect(created.payload).toEqual({ kind, format, from: FROM, to: TO });
  const done = await bus.waitForUpdate(created.id, isTerminal, 30_000);
  expect(done, JSON.stringify(done)).toMatchObject({ status: 'succeeded', progress: 100 });

  const task: TaskView = await getTask(owner.principal, created.id);
  const files = await getPrisma().taskFile.findMany({ where: { taskId: created.id } });
  expect(files).toHaveLength(1);
  const file = files[0]!;
  const name = `${kind}-${FROM}-to-${TO}.${format}`;
  expect(file).toMatchObject({
    role: 'output',
    kind: 'report',
    name,
    storageKey: `tasks/${created.id}/outputs/${name}`,
    contentType: format === 'pdf' ? 'application/pdf' : 'text/csv; charset=utf-8',
  });
  const { stream } = await getStorage().read(file.storageKey);
  const bytes = await buffer(stream);
  expect(file.size).toBe(BigInt(bytes.length));

  // The download the API serves is the same file.
  const download = await openTaskResult(owner.principal, created.id, NO_AUDIT_CONTEXT);
  expect(download).toMatchObject({ name, contentType: file.contentType, size: bytes.length });
  download.stream.destroy();

  const messages = bus
    .updatesOf(created.id)
    .map((update) => update.progressMessage)
    .filter((message): message is string => message !== null);
  const logs = await getPrisma().taskLog.findMany({
    where: { taskId: created.id },
    orderBy: { id: 'asc' },
  });
  return { task, bytes, messages, logs: logs.map((line) => line.message) };
}

function csvLines(bytes: Buffer): string[] {
  return bytes.toString('utf8').split('\r\n');
}

function expectPdf(bytes: Buffer): void {
  expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(bytes.subarray(-8).toString('latin1')).toContain('%%EOF');
  expect(bytes.length).toBeGreaterThan(1_000);
}

describe('report.generate kinds and formats', () => {
  it('activity as CSV: tasks per day, type and status', async () => {
    const { task, bytes, messages, logs } = await runReport('activity', 'csv');
    expect(task.result).toMatchObject({
      kind: 'activity',
      format: 'csv',
      from: FROM,
      to: TO,
      days: 3,
      tasks: 11,
      rows: 4,
      byStatus: { succeeded: 6, failed: 4, queued: 1 },
    });
    expect(csvLines(bytes)).toEqual([
      'date,type,status,count,avg_duration_ms,p50_duration_ms,p95_duration_ms,max_duration_ms',
      '2004-05-01,alpha.run,succeeded,4,250,250,385,400',
      '2004-05-02,beta.run,failed,4,28,28,50,50',
      '2004-05-02,beta.run,succeeded,2,2000,2000,2900,3000',
      '2004-05-03,alpha.run,queued,1,,,,',
      '',
    ]);
    expect(messages).toContain('Activity: reading tasks per day, day 2 of 3 (1 of 2)');
    expect(messages).toContain('Activity: writing the CSV (2 of 2)');
    expect(logs).toEqual([
      'Activity: read 3 days: 11 tasks in 4 rows',
      `Activity: wrote activity-${FROM}-to-${TO}.csv (${bytes.length} bytes)`,
    ]);
  });

  it('failures as CSV: grouped by type and code, then the latest one by one', async () => {
    const { task, bytes, messages, logs } = await runReport('failures', 'csv');
    expect(task.result).toMatchObject({ kind: 'failures', failed: 4, reasons: 3, listed: 4 });
    const lines = csvLines(bytes);
    expect(lines.slice(0, 4)).toEqual([
      'type,code,count,last_seen,sample_message',
      'beta.run,timeout,2,2004-05-02T09:10:01.050Z,Zeitüberschreitung 日本',
      'beta.run,boom,1,2004-05-02T09:20:01.005Z,"it broke, ""badly"""',
      'beta.run,unknown,1,2004-05-02T09:30:01.005Z,',
    ]);
    expect(lines.slice(4, 7)).toEqual([
      '',
      '# recent_failures',
      'id,type,code,message,finished_at,attempts',
    ]);
    const recent = lines.slice(7, -1).map((line) => line.split(',').slice(1, 3).join(','));
    // Newest first.
    expect(recent).toEqual([
      'beta.run,unknown',
      'beta.run,boom',
      'beta.run,timeout',
      'beta.run,timeout',
    ]);
    expect(lines.at(-1)).toBe('');
    expect(messages).toEqual(
      expect.arrayContaining([
        'Failures: grouping by reason (1 of 3)',
        'Failures: listing the latest 200 (2 of 3)',
        'Failures: writing the CSV (3 of 3)',
      ]),
    );
    expect(logs.slice(0, 2)).toEqual([
      'Failures: 4 failed tasks, 3 reasons',
      'Failures: listed the most recent 4 failures',
    ]);
  });

  it('durations as CSV: interpolated percentiles of succeeded runs per type', async () => {
    const { task, bytes } = await runReport('durations', 'csv');
    expect(task.result).toMatchObject({ kind: 'durations', types: 2, tasks: 6 });
    expect(csvLines(bytes)).toEqual([
      'type,count,p50_ms,p90_ms,p95_ms,p99_ms,max_ms',
      'alpha.run,4,250,370,385,397,400',
      'beta.run,2,2000,2800,2900,2980,3000',
      '',
    ]);
  });

  it.each(['activity', 'failures', 'durations'] as const)('%s as PDF', async (kind) => {
    const { task, bytes, messages, logs } = await runReport(kind, 'pdf');
    expect(task.result).toMatchObject({ kind, format: 'pdf', from: FROM, to: TO });
    expectPdf(bytes);
    // The section's closing progress report repeats its message (only the bar moves): count
    // the distinct messages, not the updates.
    const writing = messages.filter((message) => /: writing the PDF \((\d) of \1\)$/.test(message));
    expect(new Set(writing).size).toBe(1);
    expect(logs.at(-1)).toMatch(
      new RegExp(`: wrote ${kind}-${FROM}-to-${TO}\\.pdf \\(${bytes.length} bytes\\)$`),
    );
  });

  it('an empty range still makes a PDF, and counts nothing', async () => {
    const created = await createTask(owner.principal, {
      type: 'report.generate',
      payload: { kind: 'failures', format: 'pdf', from: '2004-06-01', to: '2004-06-30' },
    });
    const done = await bus.waitForUpdate(created.id, isTerminal, 30_000);
    expect(done.status).toBe('succeeded');
    const task = await getTask(owner.principal, created.id);
    expect(task.result).toMatchObject({ failed: 0, reasons: 0, listed: 0 });
    const download = await openTaskResult(owner.principal, created.id, NO_AUDIT_CONTEXT);
    expectPdf(await buffer(download.stream));
  });
});
