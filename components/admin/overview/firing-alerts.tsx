import Link from 'next/link';
import type { FiringAlertView } from '@/lib/alerts/alert-view';

/** The alert rules firing now, at the top of the overview; nothing while all is quiet. */
export function FiringAlerts({ alerts }: { alerts: FiringAlertView[] }) {
  if (alerts.length === 0) return null;
  return (
    <section
      aria-labelledby="firing-alerts-heading"
      data-testid="firing-alerts"
      className="rounded-lg border border-red-200 bg-red-50 p-4"
    >
      <h2 id="firing-alerts-heading" className="text-sm font-semibold text-red-900">
        {alerts.length === 1 ? '1 alert firing' : `${alerts.length} alerts firing`}
      </h2>
      <ul className="mt-2 space-y-1 text-sm text-red-900">
        {alerts.map((alert) => (
          <li key={alert.incidentId} data-testid="firing-alert" data-rule-id={alert.ruleId}>
            <span className="font-medium">{alert.name}</span>: {alert.valueText}{' '}
            <span className="text-red-800">
              ({alert.description}; since{' '}
              <time dateTime={alert.since}>{alert.since.slice(11, 19)} UTC</time>)
            </span>
          </li>
        ))}
      </ul>
      <Link href="/admin/alerts" className="mt-2 inline-block text-xs font-medium underline">
        Alert rules
      </Link>
    </section>
  );
}
