import { DataTable } from '@/components/data-table';
import { cardClass } from '@/components/styles';
import type { DurationStat } from '@/lib/admin/admin-overview';
import { formatRunTime } from '@/lib/admin/overview-format';

/** Median and 95th percentile run time per task type, of the last day's successful runs. */
export function DurationsTable({ durations }: { durations: DurationStat[] }) {
  if (durations.length === 0) {
    return (
      <div
        data-testid="durations-empty"
        className={`${cardClass} border-dashed p-6 text-center text-sm text-slate-500`}
      >
        No task succeeded in the last 24 hours, so there are no run times yet.
      </div>
    );
  }
  return (
    <DataTable
      columns={[
        'Task type',
        <span key="p50" className="block text-right">
          p50
        </span>,
        <span key="p95" className="block text-right">
          p95
        </span>,
        <span key="runs" className="block text-right">
          Runs
        </span>,
      ]}
    >
      {durations.map((stat) => (
        <tr key={stat.type} data-testid="duration-row" data-type={stat.type}>
          <td className="px-3 py-2 font-mono">{stat.type}</td>
          <td
            data-testid="duration-p50"
            data-ms={Math.round(stat.p50Ms)}
            className="px-3 py-2 text-right tabular-nums"
          >
            {formatRunTime(stat.p50Ms)}
          </td>
          <td
            data-testid="duration-p95"
            data-ms={Math.round(stat.p95Ms)}
            className="px-3 py-2 text-right tabular-nums"
          >
            {formatRunTime(stat.p95Ms)}
          </td>
          <td data-testid="duration-count" className="px-3 py-2 text-right tabular-nums">
            {stat.count}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
