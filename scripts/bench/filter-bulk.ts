import { randomUUID } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { listTasksQuerySchema } from '@/lib/tasks/task-inputs';
import { uuid7 } from '@/lib/uuid7';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import type { UserPrincipal } from '@/server/auth/principal';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { runBulkTaskAction } from '@/server/tasks/task-control';
import { previewFilterBulk, runFilterBulkAction } from '@/server/tasks/task-filter-bulk';
import { describeMachine } from './bench-machine';
import { parseWholeNumber, runScript } from './bench-script';

// Bulk actions over a filter at scale: `npm run bench:filter-bulk [-- --count 5000]`, in
// process against DATABASE_URL and QUEUE_PREFIX (no worker needed: the retried jobs wait in
// the queue until the bench cancels them). Seeds --count failed tasks, then times the preview,
// a retry over the filter, a cancel and a delete over it (which also remove the bench's jobs
// and rows). The baseline is the selection bulk the admin table already had, the same retry
// over the same number of tasks sent as pages of 500 ids; the ratio is filter / selection.
// It deletes only the tasks, user and audit rows it created.

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
  const filter = listTasksQuerySchema.parse({ owner: owner.id });
  try {
    await seedFailed(count, randomUUID(), owner.id);
    const preview = await timed(() => previewFilterBulk(admin, filter));
    const retry = await timed(() =>
      runFilterBulkAction(admin, { action: 'retry', filter }, NO_AUDIT_CONTEXT),
    );
    const repeat = await timed(() =>
      runFilterBulkAction(admin, { action: 'retry', filter }, NO_AUDIT_CONTEXT),
    );
    const cancel = await timed(() =>
      runFilterBulkAction(admin, { action: 'cancel', filter }, NO_AUDIT_CONTEXT),
    );
    const del = await timed(() =>
      runFilterBulkAction(admin, { action: 'delete', filter }, NO_AUDIT_CONTEXT),
    );

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
    await runFilterBulkAction(admin, { action: 'cancel', filter }, NO_AUDIT_CONTEXT);
    await runFilterBulkAction(admin, { action: 'delete', filter }, NO_AUDIT_CONTEXT);

    const row = (name: string, ms: number, done: number, extra = '') =>
      console.log(
        `${name.padEnd(34)} ${ms.toFixed(0).padStart(7)} ms  ${String(done).padStart(6)} tasks  ${String(perSecond(done, ms)).padStart(6)}/s ${extra}`,
      );
    console.log(`\n${count} matching failed tasks`);
    row('preview (counts per action)', preview.ms, preview.result.matching);
    row(
      'retry over the filter',
      retry.ms,
      retry.result.succeeded,
      `(${retry.result.batches} batches)`,
    );
    row('retry repeated (nothing left)', repeat.ms, repeat.result.succeeded);
    row('cancel over the filter (queued)', cancel.ms, cancel.result.succeeded);
    row('delete over the filter', del.ms, del.result.succeeded);
    row(
      'baseline: retry by selection',
      selection.ms,
      selection.result,
      `(pages of ${SELECTION_PAGE})`,
    );
    console.log(`ratio retry filter / selection: ${(retry.ms / selection.ms).toFixed(2)}`);
  } finally {
    await getPrisma().task.deleteMany({ where: { ownerId: owner.id } });
    await getPrisma().auditEvent.deleteMany({ where: { actorId: owner.id } });
    await getPrisma().user.delete({ where: { id: owner.id } });
    await closeClients();
  }
}

runScript(main);
