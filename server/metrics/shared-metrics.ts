import { Counter, Gauge, Registry, type Metric } from 'prom-client';
import { TERMINAL_STATUSES } from '@/lib/tasks/task-view';
import { runTimedStatement } from '@/server/db/timed-statement';
import { listTaskTypes } from '@/server/tasks/registry';
import type { QueueFigures } from './queue-figures';
import { RUN_SECONDS_BUCKETS, type TaskOutcomes } from './task-outcomes';

// The figures every web node answers alike, because they come from Redis and Postgres at
// scrape time rather than from this process: a fresh prom-client registry per scrape, filled
// from what was read. (Summing them over web nodes counts them once per node: see the README.)

export interface SharedSnapshot {
  outcomes: TaskOutcomes;
  queues: QueueFigures[];
  outbox: { backlog: number; oldestSeconds: number };
}

/** The outbox is empty when all is well and grows only while jobs cannot be added. */
const OUTBOX_STATEMENT_TIMEOUT_MS = 1_000;

export async function readOutbox(): Promise<SharedSnapshot['outbox']> {
  const [row] = await runTimedStatement<{ backlog: string; oldest_ms: number | null }>(
    {
      strings: [
        `SELECT count(*) AS backlog,
                (extract(epoch FROM now() - min(created_at)) * 1000)::float8 AS oldest_ms
           FROM task_outbox`,
      ],
      values: [],
    },
    OUTBOX_STATEMENT_TIMEOUT_MS,
  );
  return {
    backlog: Number(row?.backlog ?? 0),
    oldestSeconds: Math.max(0, (row?.oldest_ms ?? 0) / 1000),
  };
}

/**
 * prom-client fills a histogram only by observing values one at a time; these buckets were
 * counted elsewhere (task-outcomes.ts), so this presents them in the shape its registry prints.
 */
function runSecondsHistogram(outcomes: TaskOutcomes): Metric {
  const values: Array<{ metricName: string; labels: Record<string, string>; value: number }> = [];
  const name = 'taskdeck_task_run_seconds';
  for (const [type, runs] of [...outcomes.runs].sort(([a], [b]) => a.localeCompare(b))) {
    let cumulative = 0;
    for (const le of [...RUN_SECONDS_BUCKETS.map(String), '+Inf']) {
      cumulative += runs.buckets.get(le) ?? 0;
      values.push({ metricName: `${name}_bucket`, labels: { le, type }, value: cumulative });
    }
    values.push({ metricName: `${name}_sum`, labels: { type }, value: runs.sum });
    values.push({ metricName: `${name}_count`, labels: { type }, value: cumulative });
  }
  const metric = {
    name,
    help: 'How long the last attempt of each finished task ran (start to finish), by task type; every web node reports the same totals.',
    type: 'histogram',
    aggregator: 'sum',
    get: () => Promise.resolve({ ...metric, values }),
  };
  return metric as unknown as Metric;
}

export function buildSharedRegistry(snapshot: SharedSnapshot): Registry {
  const registry = new Registry();
  const registers = [registry];

  const finished = new Counter({
    name: 'taskdeck_tasks_finished_total',
    help: 'Tasks that reached a terminal status (succeeded, failed, cancelled), by type; every web node reports the same totals.',
    labelNames: ['type', 'status'],
    registers,
  });
  // Every known type and status from zero, so the first finish of a kind shows in rate().
  for (const { name } of listTaskTypes()) {
    for (const status of TERMINAL_STATUSES) finished.inc({ type: name, status }, 0);
  }
  for (const [type, byStatus] of snapshot.outcomes.finished) {
    for (const [status, count] of byStatus) finished.inc({ type, status }, count);
  }
  registry.registerMetric(runSecondsHistogram(snapshot.outcomes));

  const queueGauge = (name: string, help: string, value: (queue: QueueFigures) => number) => {
    const gauge = new Gauge({ name, help, labelNames: ['queue'], registers });
    for (const queue of snapshot.queues) gauge.set({ queue: queue.queue }, value(queue));
  };
  queueGauge(
    'taskdeck_queue_waiting',
    'Jobs waiting for a worker, per queue (not delayed, not running).',
    (queue) => queue.waiting,
  );
  queueGauge(
    'taskdeck_queue_oldest_waiting_seconds',
    'How long the job that has waited longest has been waiting, per queue; 0 when none waits.',
    (queue) => queue.oldestWaitingSeconds,
  );
  queueGauge(
    'taskdeck_queue_live_workers',
    'Worker processes serving the queue whose heartbeat is current.',
    (queue) => queue.liveWorkers,
  );

  new Gauge({
    name: 'taskdeck_outbox_backlog',
    help: 'Jobs recorded in Postgres but not yet added to BullMQ (task_outbox entries).',
    registers,
  }).set(snapshot.outbox.backlog);
  new Gauge({
    name: 'taskdeck_outbox_oldest_seconds',
    help: 'Age of the oldest outbox entry; 0 when the outbox is empty.',
    registers,
  }).set(snapshot.outbox.oldestSeconds);
  return registry;
}
