import { formatAlertValue } from '@/lib/alerts/alert-text';
import type { AlertRuleView } from '@/lib/alerts/alert-view';

/** Firing since when and at what figure, quiet, or disabled. */
export function AlertRuleState({ rule }: { rule: AlertRuleView }) {
  if (!rule.enabled) return <span className="text-xs text-slate-500">Disabled</span>;
  if (!rule.firing) return <span className="text-xs text-emerald-700">Quiet</span>;
  return (
    <span className="text-xs">
      <span className="rounded bg-red-100 px-1.5 py-0.5 font-semibold text-red-800">Firing</span>{' '}
      since{' '}
      <time dateTime={rule.firing.since}>
        {rule.firing.since.replace('T', ' ').slice(0, 19)} UTC
      </time>
      <span className="block text-slate-600">
        Last value: {formatAlertValue(rule.kind, rule.firing.lastValue)}
      </span>
    </span>
  );
}
