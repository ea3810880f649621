import { formatVerdict } from './bench-stats';
import { COUNTERS_SETTLE_MS, CPU_ROLES, PG_STATS_SETTLE_MS, type CpuRole } from './core-counters';
import { PHASES, SIDES, type CoreResult, type Phase, type Side, type SideRun } from './core-types';
import { formatFailures } from './create-throughput';

// The core-path benchmark's printout: medians over rounds side by side, the ratio
// Taskdeck/raw, costs per task, the issue's targets with PASS/FAIL, and one BENCH_RESULT line.

const PHASE_LABEL: Record<Phase, string> = {
  create: 'create',
  endToEnd: 'end to end',
  drain: 'drain',
};

const ROLE_LABEL: Record<CpuRole, string> = {
  web: 'web',
  worker: 'worker',
  postgres: 'postgres',
  rawWorker: 'raw worker',
  bench: 'bench',
  redis: 'redis*',
};

function median(values: number[]): number {
  const sorted = values.filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

function runsOf(result: CoreResult, phase: Phase, side: Side): SideRun[] {
  return result.rounds.map((round) => round[phase][side]);
}

function medianOf(result: CoreResult, phase: Phase, side: Side, pick: (run: SideRun) => number) {
  return median(runsOf(result, phase, side).map(pick));
}

const perTask = (run: SideRun, value: number) => value / run.tasks;

export interface CoreSummary {
  perSecond: Record<Phase, Record<Side, number>>;
  createLatency: Record<Side, { p50: number; p99: number }>;
  cpuMsPerTask: Record<Phase, Record<Side, Record<CpuRole, number>>>;
  /** Postgres queries (round trips) per task, Taskdeck side. */
  queriesPerTask: Record<Phase, { web: number; worker: number }>;
  commitsPerTask: Record<Phase, number>;
}

function mapPhases<T>(make: (phase: Phase) => T): Record<Phase, T> {
  return { create: make('create'), endToEnd: make('endToEnd'), drain: make('drain') };
}

function mapSides<T>(make: (side: Side) => T): Record<Side, T> {
  return { raw: make('raw'), taskdeck: make('taskdeck') };
}

export function summarizeCore(result: CoreResult): CoreSummary {
  const cpu = (phase: Phase, side: Side) =>
    Object.fromEntries(
      CPU_ROLES.map((role) => [
        role,
        medianOf(result, phase, side, (run) => perTask(run, run.costs.cpuMs[role])),
      ]),
    ) as Record<CpuRole, number>;
  const td = (phase: Phase, pick: (run: SideRun) => number) =>
    medianOf(result, phase, 'taskdeck', pick);
  return {
    perSecond: mapPhases((phase) =>
      mapSides((side) => medianOf(result, phase, side, (run) => run.perSecond)),
    ),
    createLatency: mapSides((side) => ({
      p50: medianOf(result, 'create', side, (run) => run.latency?.p50 ?? Number.NaN),
      p99: medianOf(result, 'create', side, (run) => run.latency?.p99 ?? Number.NaN),
    })),
    cpuMsPerTask: mapPhases((phase) => mapSides((side) => cpu(phase, side))),
    queriesPerTask: mapPhases((phase) => ({
      web: td(phase, (run) => perTask(run, run.costs.queries.web.total)),
      worker: td(phase, (run) => perTask(run, run.costs.queries.worker.total)),
    })),
    commitsPerTask: mapPhases((phase) => td(phase, (run) => perTask(run, run.costs.commits))),
  };
}

export interface TargetCheck {
  name: string;
  value: number;
  limit: string;
  pass: boolean;
}

/** Issue 13's targets (and item 5's memory limits), as this run measured them. */
export function checkTargets(result: CoreResult, summary: CoreSummary): TargetCheck[] {
  const ratio = (phase: Phase) => summary.perSecond[phase].taskdeck / summary.perSecond[phase].raw;
  const checks: Array<[string, number, string, (value: number) => boolean]> = [
    ['create throughput / raw queue.add, 32 callers', ratio('create'), '>= 0.25', (v) => v >= 0.25],
    ['create p99 at that load, ms', summary.createLatency.taskdeck.p99, '<= 50', (v) => v <= 50],
    ['end to end / raw worker', ratio('endToEnd'), '>= 0.25', (v) => v >= 0.25],
    [
      'Postgres round trips per task, web (create)',
      summary.queriesPerTask.create.web,
      '<= 2',
      (v) => v <= 2,
    ],
    [
      'Postgres round trips per task, worker (drain)',
      summary.queriesPerTask.drain.worker,
      '<= 4',
      (v) => v <= 4,
    ],
    ['idle RSS web, MiB (item 5)', result.idle.atStart.web, '< 180', (v) => v < 180],
    ['idle RSS worker, MiB (item 5)', result.idle.atStart.worker, '< 130', (v) => v < 130],
  ];
  return checks.map(([name, value, limit, passes]) => ({
    name,
    value,
    limit,
    pass: passes(value),
  }));
}

const fixed = (value: number, digits: number) =>
  Number.isNaN(value) ? '-' : value.toFixed(digits);
const pad = (text: string, width: number) => text.padStart(width);

/** The statements behind a per-task query figure, most frequent first, summed over rounds. */
function describeStatements(result: CoreResult, phase: Phase, role: 'web' | 'worker'): string {
  const totals = new Map<string, number>();
  let tasks = 0;
  for (const run of runsOf(result, phase, 'taskdeck')) {
    tasks += run.tasks;
    for (const [kind, count] of Object.entries(run.costs.queries[role].byStatement)) {
      totals.set(kind, (totals.get(kind) ?? 0) + count);
    }
  }
  const shown = [...totals.entries()]
    .map(([kind, count]) => [kind, count / tasks] as const)
    .filter(([, each]) => each >= 0.01)
    .sort((a, b) => b[1] - a[1]);
  return shown.map(([kind, each]) => `${kind} ${each.toFixed(2)}`).join(', ') || '(none)';
}

/** Each round's jobs/s, phase by phase: the spread behind the medians. */
function roundPerSecond(round: CoreResult['rounds'][number]) {
  return mapPhases((phase) => mapSides((side) => round[phase][side].perSecond));
}

function formatRounds(result: CoreResult): string[] {
  return result.rounds.map((round, index) => {
    const parts = PHASES.map(
      (phase) =>
        `${PHASE_LABEL[phase]} ${round[phase].raw.perSecond.toFixed(0)} / ${round[phase].taskdeck.perSecond.toFixed(0)}`,
    );
    return `  round ${index + 1} (raw / Taskdeck jobs/s): ${parts.join('; ')}`;
  });
}

function formatFailuresOf(result: CoreResult): string {
  const lines: string[] = [];
  for (const phase of PHASES) {
    for (const side of SIDES) {
      const summed: Record<string, number> = {};
      for (const run of runsOf(result, phase, side)) {
        for (const [what, n] of Object.entries(run.failures))
          summed[what] = (summed[what] ?? 0) + n;
      }
      if (Object.keys(summed).length > 0) {
        lines.push(`${PHASE_LABEL[phase]} ${side}: ${formatFailures(summed)}`);
      }
    }
  }
  return lines.join('; ') || 'none';
}

export function printCoreResult(result: CoreResult): void {
  const s = summarizeCore(result);
  const { options: o, idle } = result;
  const row = (label: string, raw: string, td: string, ratio: string) =>
    `  ${label.padEnd(36)}${pad(raw, 16)}${pad(td, 16)}${pad(ratio, 14)}`;
  const ratio = (phase: Phase) => fixed(s.perSecond[phase].taskdeck / s.perSecond[phase].raw, 3);
  const lat = (side: Side) =>
    `${fixed(s.createLatency[side].p50, 1)} / ${fixed(s.createLatency[side].p99, 1)}`;
  const cpuRows = PHASES.flatMap((phase) =>
    SIDES.map(
      (side) =>
        `  ${`${PHASE_LABEL[phase]}, ${side}`.padEnd(22)}` +
        CPU_ROLES.map((role) => pad(fixed(s.cpuMsPerTask[phase][side][role], 3), 12)).join(''),
    ),
  );
  const targets = checkTargets(result, s);
  console.log(
    [
      '',
      `Core path: raw BullMQ against Taskdeck, alternated, medians of ${o.rounds} rounds`,
      `  ${o.callers} concurrent callers; worker concurrency ${result.concurrency} (the diagnostics queue's) on both sides; ${o.warmup} warm-up creates/runs per side first, left out`,
      row('figure', 'raw BullMQ', 'Taskdeck', 'Taskdeck/raw'),
      row(
        `create, jobs/s (${o.creates})`,
        fixed(s.perSecond.create.raw, 0),
        fixed(s.perSecond.create.taskdeck, 0),
        ratio('create'),
      ),
      row('create latency p50 / p99, ms', lat('raw'), lat('taskdeck'), ''),
      row(
        `end to end, jobs/s (${o.endToEnd})`,
        fixed(s.perSecond.endToEnd.raw, 0),
        fixed(s.perSecond.endToEnd.taskdeck, 0),
        ratio('endToEnd'),
      ),
      row(
        `drain ${o.drain} queued, jobs/s`,
        fixed(s.perSecond.drain.raw, 0),
        fixed(s.perSecond.drain.taskdeck, 0),
        ratio('drain'),
      ),
      ...formatRounds(result),
      '',
      'Postgres per Taskdeck task (queries = round trips, counted inside web and worker)',
      `  ${'phase'.padEnd(22)}${pad('web queries', 14)}${pad('worker queries', 16)}${pad('commits', 10)}`,
      ...PHASES.map(
        (phase) =>
          `  ${PHASE_LABEL[phase].padEnd(22)}${pad(fixed(s.queriesPerTask[phase].web, 2), 14)}${pad(fixed(s.queriesPerTask[phase].worker, 2), 16)}${pad(fixed(s.commitsPerTask[phase], 2), 10)}`,
      ),
      `  web, create:    ${describeStatements(result, 'create', 'web')}`,
      `  worker, drain:  ${describeStatements(result, 'drain', 'worker')}`,
      `  idle background: web ${fixed(idle.background.webQueries, 2)} queries/s, worker ${fixed(idle.background.workerQueries, 2)} queries/s, ${fixed(idle.background.commits, 2)} commits/s`,
      `  (CPU and queries are counted to ${COUNTERS_SETTLE_MS / 1_000} s after a phase ends; commits, which pg_stat_database shows late, to ${PG_STATS_SETTLE_MS / 1_000} s after)`,
      '',
      "CPU per task, ms (user+system from /proc; postgres = the bench database's backends)",
      `  ${'phase, side'.padEnd(22)}${CPU_ROLES.map((role) => pad(ROLE_LABEL[role], 12)).join('')}`,
      ...cpuRows,
      `  ${'idle, per second'.padEnd(22)}${CPU_ROLES.map((role) => pad(fixed(idle.background.cpuMs[role], 3), 12)).join('')}`,
      "  * redis is the machine's shared server: its figure includes anyone else using it",
      '',
      `Idle RSS, MiB: web ${fixed(idle.atStart.web, 0)}, worker ${fixed(idle.atStart.worker, 0)}; bare BullMQ worker process: 1 Worker ${fixed(idle.atStart.bareWorker1, 0)}, 6 Workers ${fixed(idle.atStart.bareWorker6, 0)}; after the rounds: web ${fixed(idle.afterRounds.web, 0)}, worker ${fixed(idle.afterRounds.worker, 0)}`,
      `Failures: ${formatFailuresOf(result)}`,
      '',
      'Targets (issue 13)',
      ...targets.map(
        (t) =>
          `  ${t.name.padEnd(48)}${pad(fixed(t.value, 2), 10)}  ${t.limit.padEnd(8)} ${formatVerdict(t.pass)}`,
      ),
      `machine: ${result.machine}`,
      `BENCH_RESULT core-path ${JSON.stringify({ options: o, concurrency: result.concurrency, ...s, idle, targets, rounds: result.rounds.map(roundPerSecond) })}`,
    ].join('\n'),
  );
}
