import { CountLink } from '@/components/admin/count-link';
import { cardClass } from '@/components/styles';
import type { AdminOverview, ThroughputWindow } from '@/lib/admin/admin-overview';
import { countFinished, formatPercent, summarizeThroughput } from '@/lib/admin/throughput';
import { SERIES, ThroughputChart } from './throughput-chart';

const WINDOWS = [
  { key: 'hour', period: 'last hour', title: 'Last hour, per minute' },
  { key: 'day', period: 'last 24 hours', title: 'Last 24 hours, per minute (15-minute bars)' },
] as const;

function Legend() {
  return (
    <ul className="flex gap-4 text-xs text-slate-600" aria-label="Chart legend">
      {SERIES.map((series) => (
        <li key={series.key} className="flex items-center gap-1.5">
          <span className={`h-2.5 w-2.5 rounded-sm ${series.swatch}`} aria-hidden />
          {series.label}
        </li>
      ))}
    </ul>
  );
}

function FailureRate({
  id,
  range,
  period,
}: {
  id: string;
  range: ThroughputWindow;
  period: string;
}) {
  const decided = range.totals.succeeded + range.totals.failed;
  return (
    <div className={`${cardClass} p-4`}>
      <h3 className="text-xs font-semibold uppercase text-slate-500">Failure rate, {period}</h3>
      <p
        data-testid={`failure-rate-${id}`}
        className={`mt-1 text-2xl font-semibold tabular-nums ${
          range.totals.failed > 0 ? 'text-red-700' : 'text-slate-900'
        }`}
      >
        {formatPercent(range.failureRate)}
      </p>
      <p className="mt-1 text-xs text-slate-600">
        <CountLink
          count={range.totals.failed}
          filter={{ status: 'failed', finishedFrom: range.start }}
          label={`tasks failed, ${period}`}
          testId={`failed-${id}`}
        />{' '}
        failed of{' '}
        <CountLink
          count={decided}
          filter={{ status: 'succeeded,failed', finishedFrom: range.start }}
          label={`tasks succeeded or failed, ${period}`}
          testId={`decided-${id}`}
        />{' '}
        that succeeded or failed
        {range.totals.cancelled > 0 ? (
          <>
            ;{' '}
            <CountLink
              count={range.totals.cancelled}
              filter={{ status: 'cancelled', finishedFrom: range.start }}
              label={`tasks cancelled, ${period}`}
              testId={`cancelled-${id}`}
            />{' '}
            cancelled
          </>
        ) : null}
      </p>
    </div>
  );
}

/** Tasks finished per minute over the last hour and day, and how many of them failed. */
export function ThroughputSection({ throughput }: { throughput: AdminOverview['throughput'] }) {
  return (
    <section aria-labelledby="throughput-heading" className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="throughput-heading" className="text-sm font-semibold uppercase text-slate-500">
          Throughput
        </h2>
        <Legend />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        {WINDOWS.map(({ key, period }) => (
          <FailureRate key={key} id={key} range={throughput[key]} period={period} />
        ))}
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        {WINDOWS.map(({ key, period, title }) => {
          const range = throughput[key];
          const summary = summarizeThroughput(range, period);
          return (
            <figure key={key} className={`${cardClass} p-4`} data-testid={`throughput-${key}`}>
              <figcaption className="mb-2">
                <h3 className="text-sm font-medium text-slate-800">{title}</h3>
                <p
                  data-testid={`throughput-${key}-summary`}
                  data-finished={countFinished(range.totals)}
                  className="text-xs text-slate-600"
                >
                  {summary}
                </p>
              </figcaption>
              <ThroughputChart range={range} title={title} summary={summary} />
            </figure>
          );
        })}
      </div>
      <p className="text-xs text-slate-500">
        Bars are tasks that ended in each minute (or quarter hour, as a per-minute rate); the
        rightmost bar is still filling. The failure rate leaves cancelled tasks out; its failed
        tasks are dead letters that ended in the window (a task retried by hand leaves them). Bars
        older than an hour, and the run times below, are refreshed every 30 seconds.
      </p>
    </section>
  );
}
