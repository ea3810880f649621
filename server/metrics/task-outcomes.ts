import type { Task } from '@/lib/generated/prisma/client';
import { createGroupCommit } from '@/lib/group-commit';
import { getLogger } from '@/lib/logger';
import { isTerminalStatus } from '@/lib/tasks/task-view';
import { getRedis } from '@/server/infra/clients';
import { isRedisDown } from '@/server/infra/redis-health';
import { redisKey } from '@/server/queues/queue-clients';

// Finished tasks and how long their last attempt ran, for /metrics. A task finishes in whatever
// process settles it (a worker, a web node cancelling a waiting task, the reconciler failing a
// lost one), and every web node serves /metrics; a prom-client counter in each process would
// count only what that process happened to settle, so a scrape of one node would be wrong. The
// counts live in Redis instead: the process that makes a terminal status change (in
// transitionTask, the one place statuses change) increments one hash, and every web node reads
// it at scrape time (one HGETALL of a few hundred fields), so any node answers the same totals.
// Counting from Postgres at scrape time was the other option: `finished_at` is set before the
// statement commits, possibly seconds later, so a watermark over it would miss late commits
// unless it lagged behind by the pool and transaction timeouts; and retention deletes rows,
// which would make a count over them go down.
//
// An increment is lost when Redis is down at that moment or the process dies between the
// commit and the write (a counter a little low, never double); an emptied Redis restarts the
// counters at zero, which Prometheus reads as a counter reset.

/** Upper bounds (seconds) of the run-time histogram's buckets, `+Inf` besides. */
export const RUN_SECONDS_BUCKETS = [
  0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600,
] as const;

// Versioned: changing the buckets needs a new hash, or old and new counts would mix.
const COUNTERS_KEY_PARTS = ['metrics', 'task-outcomes', 'v1'] as const;
const SEPARATOR = '|';

export function taskOutcomesKey(): string {
  return redisKey(...COUNTERS_KEY_PARTS);
}

/** The bucket a run of this many seconds counts in: its bound, or '+Inf'. */
export function bucketOf(seconds: number): string {
  const bound = RUN_SECONDS_BUCKETS.find((le) => seconds <= le);
  return bound === undefined ? '+Inf' : String(bound);
}

type FinishedTask = Pick<Task, 'type' | 'status' | 'startedAt' | 'finishedAt'>;

interface Increment {
  field: string;
  by: number;
  float?: boolean;
}

function incrementsFor(task: FinishedTask): Increment[] {
  const increments: Increment[] = [
    { field: ['finished', task.type, task.status].join(SEPARATOR), by: 1 },
  ];
  // A task cancelled before it ran has no run time.
  if (task.startedAt && task.finishedAt) {
    const seconds = Math.max(0, (task.finishedAt.getTime() - task.startedAt.getTime()) / 1000);
    increments.push(
      { field: ['run', task.type, bucketOf(seconds)].join(SEPARATOR), by: 1 },
      { field: ['runsum', task.type].join(SEPARATOR), by: seconds, float: true },
    );
  }
  return increments;
}

// Tasks finishing at the same moment cost one pipeline: their increments summed per field.
const writeGrouped = createGroupCommit<Increment[], void>({
  maxBatch: 1_000,
  maxInFlight: 1,
  write: async (batches) => {
    const sums = new Map<string, Increment>();
    for (const increment of batches.flat()) {
      const sum = sums.get(increment.field);
      if (sum) sum.by += increment.by;
      else sums.set(increment.field, { ...increment });
    }
    const pipeline = getRedis().pipeline();
    const key = taskOutcomesKey();
    for (const { field, by, float } of sums.values()) {
      if (float) pipeline.hincrbyfloat(key, field, by);
      else pipeline.hincrby(key, field, by);
    }
    await pipeline.exec();
    return batches.map(() => undefined);
  },
});

/** Counts a task that just reached a terminal status. Never throws, never waits for Redis. */
export function recordTaskOutcome(task: FinishedTask): void {
  if (!isTerminalStatus(task.status) || isRedisDown()) return;
  writeGrouped(incrementsFor(task)).catch((error: unknown) =>
    getLogger().warn({ err: error }, 'could not count a finished task for /metrics'),
  );
}

export interface TaskOutcomes {
  /** Finished tasks by type, then status. */
  finished: Map<string, Map<string, number>>;
  /** Per type: runs per bucket bound (not cumulative) and the sum of their seconds. */
  runs: Map<string, { buckets: Map<string, number>; sum: number }>;
}

export function parseTaskOutcomes(hash: Record<string, string>): TaskOutcomes {
  const outcomes: TaskOutcomes = { finished: new Map(), runs: new Map() };
  const runsOf = (type: string) => {
    let runs = outcomes.runs.get(type);
    if (!runs) outcomes.runs.set(type, (runs = { buckets: new Map(), sum: 0 }));
    return runs;
  };
  for (const [field, raw] of Object.entries(hash)) {
    const value = Number(raw);
    if (!Number.isFinite(value)) continue;
    const [kind, type, rest] = field.split(SEPARATOR);
    if (!type) continue;
    if (kind === 'finished' && rest) {
      let byStatus = outcomes.finished.get(type);
      if (!byStatus) outcomes.finished.set(type, (byStatus = new Map()));
      byStatus.set(rest, value);
    } else if (kind === 'run' && rest) {
      runsOf(type).buckets.set(rest, value);
    } else if (kind === 'runsum') {
      runsOf(type).sum = value;
    }
  }
  return outcomes;
}

export async function readTaskOutcomes(): Promise<TaskOutcomes> {
  return parseTaskOutcomes(await getRedis().hgetall(taskOutcomesKey()));
}
