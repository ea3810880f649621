import type { AlertKind } from './alert-spec';
import type { AlertRuleView } from './alert-view';

// How a rule and its figure read to people: the rules page, the overview and the emails say
// the same thing.

export type RuleFacts = Pick<
  AlertRuleView,
  'kind' | 'taskType' | 'queue' | 'windowMinutes' | 'threshold' | 'minTasks'
>;

/** "2 min 5 s", "45 s", "1 h 3 min". */
export function formatSeconds(seconds: number): string {
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  const parts: string[] = [];
  if (hours) parts.push(`${hours} h`);
  if (minutes) parts.push(`${minutes} min`);
  if (rest || parts.length === 0) parts.push(`${rest} s`);
  return parts.join(' ');
}

export function formatPercent(value: number): string {
  return `${Number.isInteger(value) ? value : value.toFixed(1)} %`;
}

export function describeRule(rule: RuleFacts): string {
  switch (rule.kind) {
    case 'failure_rate':
      return `Failure rate of ${rule.taskType ?? '?'} over ${rule.windowMinutes ?? '?'} min ≥ ${formatPercent(rule.threshold ?? 0)} (at least ${rule.minTasks ?? 1} finished)`;
    case 'oldest_waiting':
      return `A job has waited ≥ ${formatSeconds(rule.threshold ?? 0)} in queue ${rule.queue ?? '?'}`;
    case 'no_worker':
      return `No live worker serves queue ${rule.queue ?? '?'}`;
  }
}

/** The figure a rule looked at, in its unit. */
export function formatAlertValue(kind: AlertKind, value: number | null): string {
  if (value === null) return '—';
  switch (kind) {
    case 'failure_rate':
      return formatPercent(Math.round(value * 10) / 10);
    case 'oldest_waiting':
      return formatSeconds(value);
    case 'no_worker':
      return value === 0 ? 'no live worker' : `${value} live worker${value === 1 ? '' : 's'}`;
  }
}
