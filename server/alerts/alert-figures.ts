import type { AlertKind } from '@/lib/alerts/alert-spec';
import type { AlertRule } from '@/lib/generated/prisma/client';
import { readFinishedByType } from '@/server/admin/overview-stats';
import { readQueueFigures, type QueueFigures } from '@/server/metrics/queue-figures';

// What each rule looks at, read with the figures the overview and /metrics already compute:
// failure rates by the throughput window's definition (overview-stats.ts), the oldest waiting
// job and the live workers per queue as /metrics reads them (queue-figures.ts). A fixed
// number of reads per pass, whatever the number of rules: one per distinct window, one for
// all the queues.

export interface RuleReading {
  /** Percent failed (failure_rate), seconds (oldest_waiting), live workers (no_worker). */
  value: number | null;
  firing: boolean;
}

const MINUTE_MS = 60_000;

async function readFailureRates(
  rules: AlertRule[],
  now: Date,
  into: Map<string, RuleReading>,
): Promise<void> {
  const byWindow = new Map<number, AlertRule[]>();
  for (const rule of rules) {
    const minutes = rule.windowMinutes ?? 60;
    byWindow.set(minutes, [...(byWindow.get(minutes) ?? []), rule]);
  }
  await Promise.all(
    [...byWindow].map(async ([minutes, group]) => {
      const from = new Date(now.getTime() - minutes * MINUTE_MS);
      const types = [...new Set(group.flatMap((rule) => (rule.taskType ? [rule.taskType] : [])))];
      const counts = await readFinishedByType(from, now, types);
      for (const rule of group) {
        const finished = counts.get(rule.taskType ?? '') ?? { succeeded: 0, failed: 0 };
        const total = finished.succeeded + finished.failed;
        const value = total === 0 ? null : (finished.failed / total) * 100;
        // Too few tasks say nothing: one failure out of one is not a failure rate.
        const firing =
          value !== null && total >= (rule.minTasks ?? 1) && value >= (rule.threshold ?? 100);
        into.set(rule.id, { value, firing });
      }
    }),
  );
}

function readQueueRule(rule: AlertRule, figures: QueueFigures | undefined): RuleReading {
  if (rule.kind === 'no_worker') {
    const live = figures?.liveWorkers ?? 0;
    return { value: live, firing: live === 0 };
  }
  const oldest = figures?.oldestWaitingSeconds ?? 0;
  return { value: oldest, firing: oldest > 0 && oldest >= (rule.threshold ?? Infinity) };
}

/** Each rule's reading at `now`, by rule id. Throws when Postgres or Redis cannot be read. */
export async function readRuleFigures(
  rules: AlertRule[],
  now: Date,
): Promise<Map<string, RuleReading>> {
  const readings = new Map<string, RuleReading>();
  const kindOf = (rule: AlertRule) => rule.kind as AlertKind;
  const rateRules = rules.filter((rule) => kindOf(rule) === 'failure_rate');
  const queueRules = rules.filter((rule) => kindOf(rule) !== 'failure_rate');
  const queues = [...new Set(queueRules.flatMap((rule) => (rule.queue ? [rule.queue] : [])))];
  const [, figures] = await Promise.all([
    readFailureRates(rateRules, now, readings),
    queues.length > 0 ? readQueueFigures(queues, now.getTime()) : Promise.resolve([]),
  ]);
  const byQueue = new Map(figures.map((entry) => [entry.queue, entry]));
  for (const rule of queueRules) {
    readings.set(rule.id, readQueueRule(rule, byQueue.get(rule.queue ?? '')));
  }
  return readings;
}
