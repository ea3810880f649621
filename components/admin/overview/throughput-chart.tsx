import type { ThroughputWindow } from '@/lib/admin/admin-overview';
import { formatRate } from '@/lib/admin/overview-format';
import { bucketStartOf, niceCeiling, perMinute } from '@/lib/admin/throughput';
import { formatDuration } from '@/lib/tasks/eta';
import { formatLocalTime } from '@/lib/time/format-time';
import { useBrowserZone } from '../../time/local-time';

// A stacked bar chart drawn by hand in SVG: one bar per bucket, succeeded at the bottom, then
// failed, then cancelled. The figures are per minute, so both windows read on the same scale.

const WIDTH = 640;
const HEIGHT = 180;
const PLOT = { left: 40, right: 8, top: 10, bottom: 24 };
const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right;
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;
/** Vertical axis labels and x-axis ticks. */
const X_TICKS = 4;

export const SERIES = [
  { key: 'succeeded', label: 'Succeeded', fill: 'fill-emerald-500', swatch: 'bg-emerald-500' },
  { key: 'failed', label: 'Failed', fill: 'fill-red-500', swatch: 'bg-red-500' },
  { key: 'cancelled', label: 'Cancelled', fill: 'fill-amber-300', swatch: 'bg-amber-300' },
] as const;

/**
 * A moment on the chart as "14:05" on the reader's clock ("14:05 GMT+1" with its zone), or in
 * UTC, said so, while server-rendering and hydrating (the zone is not known yet).
 */
function clockAt(iso: string, zone: string | null, withZone: boolean): string {
  // "14:05:09 GMT+1": hours and minutes, then the zone's name after the seconds.
  const text = formatLocalTime(iso, zone ?? 'UTC', { timeOnly: true, withZone: true });
  return withZone ? `${text.slice(0, 5)}${text.slice(8)}` : text.slice(0, 5);
}

function describeBucket(range: ThroughputWindow, index: number, zone: string | null): string {
  const bucket = range.buckets[index];
  const start = bucketStartOf(range, index);
  const counts = bucket
    ? SERIES.map((series) => `${bucket[series.key]} ${series.key}`).join(', ')
    : 'nothing';
  return `${clockAt(start, zone, true)}, ${formatDuration(range.bucketMs)}: ${counts}`;
}

export function ThroughputChart({
  range,
  title,
  summary,
}: {
  range: ThroughputWindow;
  title: string;
  /** The text alternative: what the chart shows, in one sentence. */
  summary: string;
}) {
  const zone = useBrowserZone();
  const count = range.buckets.length;
  const rates = range.buckets.map((bucket) =>
    SERIES.map((series) => perMinute(bucket[series.key], range.bucketMs)),
  );
  const top = niceCeiling(Math.max(0, ...rates.map((stack) => stack.reduce((a, b) => a + b, 0))));
  const scale = (value: number) => (value / top) * PLOT_HEIGHT;
  const slot = PLOT_WIDTH / Math.max(1, count);
  const gap = slot > 4 ? 1 : 0;
  const xTicks = Array.from({ length: X_TICKS + 1 }, (_, tick) => (tick * count) / X_TICKS);

  return (
    <svg
      viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
      role="img"
      aria-label={`${title}. ${summary}`}
      className="h-auto w-full"
    >
      {[0, top / 2, top].map((value) => {
        const y = PLOT.top + PLOT_HEIGHT - scale(value);
        return (
          <g key={value}>
            <line
              x1={PLOT.left}
              x2={WIDTH - PLOT.right}
              y1={y}
              y2={y}
              className="stroke-slate-200"
              strokeWidth={1}
            />
            <text
              x={PLOT.left - 6}
              y={y + 4}
              textAnchor="end"
              className="fill-slate-500 text-[11px]"
            >
              {formatRate(value)}
            </text>
          </g>
        );
      })}
      {rates.map((stack, index) => {
        let base = PLOT.top + PLOT_HEIGHT;
        if (stack.every((value) => value === 0)) return null;
        return (
          <g key={index} data-testid="throughput-bar" data-bucket={index}>
            <title>{describeBucket(range, index, zone)}</title>
            {SERIES.map((series, part) => {
              const height = scale(stack[part] ?? 0);
              if (height === 0) return null;
              base -= height;
              return (
                <rect
                  key={series.key}
                  x={PLOT.left + index * slot + gap / 2}
                  y={base}
                  width={Math.max(0.5, slot - gap)}
                  height={height}
                  className={series.fill}
                />
              );
            })}
          </g>
        );
      })}
      {xTicks.map((position) => {
        const x = PLOT.left + position * slot;
        const agoMs = (count - position) * range.bucketMs;
        const anchor = position === 0 ? 'start' : position === count ? 'end' : 'middle';
        return (
          <text
            key={position}
            x={x}
            y={HEIGHT - 6}
            textAnchor={anchor}
            className="fill-slate-500 text-[11px]"
          >
            {agoMs === 0
              ? 'now'
              : zone
                ? clockAt(bucketStartOf(range, position), zone, false)
                : `${formatDuration(agoMs)} ago`}
          </text>
        );
      })}
    </svg>
  );
}
