import { randomUUID } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { filterBulkResultSchema, type FilterBulkAction } from '@/lib/tasks/filter-bulk-inputs';
import { listTasksQuerySchema, type ListTasksQuery } from '@/lib/tasks/task-inputs';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import type { UserPrincipal } from '@/server/auth/principal';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { runBulkTaskAction } from '@/server/tasks/task-control';
import { previewFilterBulk, startFilterBulkAction } from '@/server/tasks/task-filter-bulk';
import { startTaskWorker } from '@/worker/task-worker';
import { describeMachine } from './bench-machine';
import { parseWholeNumber, runScript } from './bench-script';

// Bulk actions over a filter at scale: `npm run bench:filter-bulk [-- --count 5000]`, in
// process against DATABASE_URL and QUEUE_PREFIX, with a worker of the maintenance queue in the
// same process running the `tasks.bulk` tasks (the retried diagnostics jobs wait in their
// queue until the bench cancels them). Seeds --count failed tasks, then times the preview, a
// retry over the filter, a cancel and a delete over it (which also remove the bench's jobs and
// rows): for each, the request (the 202 with the bulk task) and the task to its end. The
// baseline is the selection bulk the admin table already had, the same retry over the same
// number of tasks sent as pages of 500 ids; the ratio is filter / selection. It deletes only
// the tasks, user and audit rows it created.

const SEED_CHUNK = 1_000;
const SELECTION_PAGE = 500;

async function seedFailed(count: number, tag: string, ownerId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let done = 0; done < count; done += SEED_CHUNK) {
    const chunk = Array.from({ length: Math.min(SEED_CHUNK, count - done) }, () => uuid7());
    await getPrisma().task.createMany({
      data: chunk.map((id) => ({
        id,
        type: 'diagnostics.simulate',
        queue: 'diagnostics',
        status: 'failed' as const,
        payload: { steps: 1, stepMs: 0, benchTag: tag },
        maxAttempts: 1,
        attempts: 1,
        ownerId,
      })),
    });
    ids.push(...chunk);
  }
  return ids;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { ms: performance.now() - started, result };
}

/** Starts the bulk task, then waits for the worker to end it: the request's time and the whole. */
async function runBulk(admin: UserPrincipal, action: FilterBulkAction, filter: ListTasksQuery) {
  const started = performance.now();
  const task = await startFilterBulkAction(admin, { action, filter }, NO_AUDIT_CONTEXT);
  const requestMs = performance.now() - started;
  for (;;) {
    const row = await getPrisma().task.findUniqueOrThrow({ where: { id: task.id } });
    if (isTerminalStatus(row.status)) {
      if (row.status !== 'succeeded') throw new Error(`bulk ${action} ended ${row.status}`);
      const result = filterBulkResultSchema.parse(row.result);
      return { requestMs, ms: performance.now() - started, result };
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const perSecond = (count: number, ms: number) => Math.round((count / ms) * 1000);

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--count');
  const count = parseWholeNumber(
    flag === -1 ? undefined : process.argv[flag + 1],
    5_000,
    1,
    10_000,
  );
  const env = getEnv();
  console.log(describeMachine());
  console.log(
    `database ${new URL(env.DATABASE_URL).pathname.slice(1)}, queue prefix ${env.QUEUE_PREFIX}`,
  );
  const adminId = `bench-filter-bulk-${randomUUID()}`;
  const owner = await getPrisma().user.create({
    data: {
      id: adminId,
      name: 'Filter bulk bench',
      email: `${adminId}@example.test`,
      role: 'admin',
    },
  });
  const admin: UserPrincipal = {
    kind: 'user',
    userId: owner.id,
    email: owner.email,
    role: 'admin',
    via: 'session',
  };
  // The type keeps the bench's own bulk tasks (also its admin's) out of what they act on.
  const filter = listTasksQuerySchema.parse({ owner: owner.id, type: 'diagnostics.simulate' });
  const worker = await startTaskWorker({ queues: ['maintenance'] });
  try {
    await seedFailed(count, randomUUID(), owner.id);
    const preview = await timed(() => previewFilterBulk(admin, filter));
    const retry = await runBulk(admin, 'retry', filter);
    const repeat = await runBulk(admin, 'retry', filter);
    const cancel = await runBulk(admin, 'cancel', filter);
    const del = await runBulk(admin, 'delete', filter);

    // Baseline: the selection bulk, pages of 500 ids, over as many failed tasks.
    const ids = await seedFailed(count, randomUUID(), owner.id);
    const selection = await timed(async () => {
      let succeeded = 0;
      for (let start = 0; start < ids.length; start += SELECTION_PAGE) {
        const page = ids.slice(start, start + SELECTION_PAGE);
        succeeded += (
          await runBulkTaskAction(admin, { action: 'retry', ids: page }, NO_AUDIT_CONTEXT)
        ).succeeded;
      }
      return succeeded;
    });
    await runBulk(admin, 'cancel', filter);
    await runBulk(admin, 'delete', filter);

    const row = (name: string, ms: number, done: number, extra = '') =>
      console.log(
        `${name.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms  ${String(done).padStart(6)} tasks  ${String(perSecond(done, ms)).padStart(6)}/s ${extra}`,
      );
    console.log(`\n${count} matching failed tasks`);
    row('preview (counts per action)', preview.ms, preview.result.matching);
    const answered = (run: { requestMs: number }) => `(answered in ${run.requestMs.toFixed(0)} ms)`;
    row(
      'retry over the filter',
      retry.ms,
      retry.result.succeeded,
      `${answered(retry)} (${retry.result.batches} batches)`,
    );
    row('retry repeated (nothing left)', repeat.ms, repeat.result.succeeded, answered(repeat));
    row('cancel over the filter (queued)', cancel.ms, cancel.result.succeeded, answered(cancel));
    row('delete over the filter', del.ms, del.result.succeeded, answered(del));
    row(
      'baseline: retry by selection',
      selection.ms,
      selection.result,
      `(pages of ${SELECTION_PAGE})`,
    );
    console.log(`ratio retry filter / selection: ${(retry.ms / selection.ms).toFixed(2)}`);
  } finally {
    await worker.stop(5_000);
    await getPrisma().task.deleteMany({ where: { ownerId: owner.id } });
    await getPrisma().auditEvent.deleteMany({ where: { actorId: owner.id } });
    await getPrisma().user.delete({ where: { id: owner.id } });
    await closeClients();
  }
}

runScript(main);
