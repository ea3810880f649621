// Summary statistics for latency samples, in milliseconds.

export interface LatencySummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

/** Nearest-rank percentile: always a value that was actually observed. */
function pickPercentile(sorted: number[], percent: number): number {
  const rank = Math.max(1, Math.ceil((percent / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? Number.NaN;
}

export function summarizeLatencies(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    mean: sorted.length > 0 ? total / sorted.length : Number.NaN,
    p50: pickPercentile(sorted, 50),
    p90: pickPercentile(sorted, 90),
    p95: pickPercentile(sorted, 95),
    p99: pickPercentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  };
}

export function formatMs(value: number, digits = 2): string {
  return `${value.toFixed(digits)} ms`;
}

/** One line: "p50 1.23 ms  p90 ...", in the order people read latency figures. */
export function formatSummary(summary: LatencySummary, digits = 2): string {
  const parts: Array<[string, number]> = [
    ['p50', summary.p50],
    ['p90', summary.p90],
    ['p99', summary.p99],
    ['max', summary.max],
    ['mean', summary.mean],
    ['min', summary.min],
  ];
  // The mean is not an observed value, so one more digit than the percentiles says more.
  return parts
    .map(([label, value]) => `${label} ${formatMs(value, label === 'mean' ? digits + 1 : digits)}`)
    .join('  ');
}

export function formatVerdict(pass: boolean): string {
  return pass ? 'PASS' : 'FAIL';
}
