import type { AcceptanceFacts, Invariant, RecoveryFacts, TransitionFacts } from './checks';
import { formatJob, type StuckTask } from './diagnostics';
import type { FaultEvent } from './faults';
import type { ProcessExit } from './processes';
import { faultUnderWay, improperServerErrors, type ResponseFacts } from './responses';

// The figures of a run and its verdicts: what `npm run chaos` prints and the test asserts.

export interface ChaosReport {
  runName: string;
  /** The start of the load: fault and exit times count from here. */
  startedAt: string;
  plan: { submissions: number; idempotent: number; replays: number; delayed: number };
  responses: ResponseFacts;
  acceptance: AcceptanceFacts;
  statuses: Record<string, number>;
  /** Failed tasks: planned (the payload fails every attempt) and the rest, by error. */
  failures: {
    planned: number;
    unplanned: Record<string, number>;
    examples: Array<{ id: string; timeline: string[] }>;
  };
  throughput: { finished: number; seconds: number };
  secondsToAllTerminal: number | null;
  transitions: TransitionFacts;
  recovery: RecoveryFacts | null;
  stuck: StuckTask[];
  faults: FaultEvent[];
  exits: ProcessExit[];
  jobCounts: Record<string, Record<string, number>>;
  health: unknown;
  invariants: Invariant[];
  ok: boolean;
}

interface Verdicts {
  deadlineS: number;
  /** 0: Redis was not emptied on purpose, so there is no recovery to judge. */
  redisEmptyAtS: number;
  recoveryLimitS: number;
  responses: ResponseFacts;
  acceptance: AcceptanceFacts;
  secondsToAllTerminal: number | null;
  stuck: StuckTask[];
  transitions: TransitionFacts;
  recovery: RecoveryFacts | null;
  faults: FaultEvent[];
}

export function judge(facts: Verdicts): Invariant[] {
  const { acceptance, transitions, recovery, stuck } = facts;
  const failedFaults = facts.faults.filter((fault) => fault.error);
  const non503 = improperServerErrors(facts.responses);
  return [
    {
      name: `every task terminal within ${facts.deadlineS} s`,
      ok: stuck.length === 0,
      detail:
        stuck.length === 0
          ? `all terminal after ${facts.secondsToAllTerminal?.toFixed(1)} s`
          : `${stuck.length} stuck: ${countBy(stuck.map((task) => `${task.status} (job ${task.job.state})`))}`,
    },
    {
      name: 'exactly one terminal transition per task',
      ok: transitions.badTerminalCounts.length === 0,
      detail: `${transitions.badTerminalCounts.length} violations`,
    },
    {
      name: 'nothing runs after success',
      ok: transitions.runAfterSuccess.length === 0,
      detail: `${transitions.runAfterSuccess.length} tasks changed after succeeded`,
    },
    {
      name: 'every 201 backed by a row',
      ok: acceptance.missingRows.length === 0,
      detail: `${acceptance.missingRows.length} of ${acceptance.acceptedIds.length} missing`,
    },
    {
      name: 'no task duplicated',
      ok: acceptance.duplicates.length === 0 && acceptance.rows <= acceptance.submissions,
      detail: `${acceptance.duplicates.length} submissions with several tasks; ${acceptance.rows} rows for ${acceptance.submissions} submissions`,
    },
    {
      name: `after Redis came back empty, every task back at work within ${facts.recoveryLimitS} s`,
      ok:
        facts.redisEmptyAtS === 0 ||
        (recovery !== null &&
          recovery.allBackPastDueS !== null &&
          recovery.allBackPastDueS <= facts.recoveryLimitS),
      detail: recovery
        ? `${recovery.pending} were not terminal; ${recovery.neverBack.length} never back; last back ${recovery.allBackPastDueS?.toFixed(1) ?? '—'} s past due`
        : facts.redisEmptyAtS === 0
          ? 'left out (--redis-empty-at 0)'
          : 'Redis was never emptied',
    },
    {
      name: 'infrastructure errors answer 503 with Retry-After, never another 5xx',
      ok: non503.length === 0,
      detail:
        non503.length === 0 ? 'none' : non503.map(([label, n]) => `${n} × ${label}`).join('; '),
    },
    {
      name: 'every fault was injected',
      ok: failedFaults.length === 0,
      detail: failedFaults.map((fault) => `${fault.name}: ${fault.error}`).join('; ') || 'all',
    },
  ];
}

/** `3 running, 1 queued`. */
export function countBy(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, n]) => `${n} ${value}`).join(', ');
}

const seconds = (ms: number) => `${(ms / 1_000).toFixed(1)} s`;

export function formatReport(report: ChaosReport, maxStuck = 25): string {
  const { plan, responses, acceptance, recovery, transitions } = report;
  const kills = report.faults.filter((fault) => fault.name === 'worker-kill');
  const unplanned = report.exits.filter((exit) => !exit.planned);
  const lines = [
    `== chaos run ${report.runName}, load started at ${report.startedAt}`,
    `submissions          ${plan.submissions} (${plan.idempotent} with an Idempotency-Key, ${plan.replays} replayed after their 201, ${plan.delayed} delayed)`,
    `tasks submitted      ${acceptance.acceptedIds.length} answered 201; ${responses.unacknowledged} submissions never answered 201`,
    `rows                 ${acceptance.rows} (${acceptance.rowsWithout201} whose create the client saw fail)`,
    `statuses             ${Object.entries(report.statuses)
      .map(([status, n]) => `${status} ${n}`)
      .join(', ')}`,
    `terminal             ${sumTerminal(report.statuses)} (${report.secondsToAllTerminal === null ? 'not all, at the deadline' : `all after ${report.secondsToAllTerminal.toFixed(1)} s of waiting`})`,
    `throughput           ${report.throughput.finished} tasks finished in ${report.throughput.seconds.toFixed(0)} s from the first create (${(report.throughput.finished / Math.max(report.throughput.seconds, 1)).toFixed(1)} a second)`,
    `failed               ${report.failures.planned} planned (every attempt fails); unplanned:${formatCounts(report.failures.unplanned) || ' none'}`,
    `stuck                ${report.stuck.length}${report.stuck.length ? ` (${countBy(report.stuck.map((task) => task.status))})` : ''}`,
    `duplicated           ${acceptance.duplicates.length}`,
    `run after success    ${transitions.runAfterSuccess.length}`,
    `requests             ${responses.requests}; 5xx: ${responses.serverErrorCount}${formatCounts(responses.serverErrors)}`,
    `5xx by fault         ${formatCounts(responses.serverErrorsByFault) || ' none'}`,
    `other failures       ${formatCounts(responses.otherFailures) || ' none'}`,
    `empty Redis → back   ${formatRecovery(recovery)}`,
    `faults               ${kills.length} worker kills; ${report.faults
      .filter((f) => f.name !== 'worker-kill')
      .map(
        (f) => `${f.name} at ${seconds(f.startMs)} (${f.error ? `FAILED: ${f.error}` : f.detail})`,
      )
      .join('; ')}`,
    `unplanned exits      ${unplanned.length === 0 ? 'none' : unplanned.map((exit) => `${exit.name} at ${seconds(exit.atMs)} (${exit.signal ?? exit.code})`).join(', ')}`,
    `BullMQ at the end    ${JSON.stringify(report.jobCounts)}`,
    `health at the end    ${JSON.stringify(report.health)}`,
    '',
    '== invariants',
    ...report.invariants.map((check) => `${check.ok ? '✓' : '✗'} ${check.name}: ${check.detail}`),
  ];
  if (report.stuck.length > 0) {
    lines.push(
      '',
      `== stuck tasks (${Math.min(maxStuck, report.stuck.length)} of ${report.stuck.length})`,
    );
    for (const task of report.stuck.slice(0, maxStuck)) {
      lines.push(
        `${task.id} ${task.status} attempts ${task.attempts} job ${task.jobId} [${formatJob(task.job)}]${task.dueAt ? ` due ${task.dueAt}` : ''}`,
        `    last change ${whenInRun(report, task.updatedAt)}`,
        ...task.lastTransitions.map((line) => `    ${line}`),
        ...task.outbox.map((line) => `    outbox: ${line}`),
        ...(task.error ? [`    error: ${JSON.stringify(task.error)}`] : []),
      );
    }
  }
  for (const [label, rows] of [
    ['bad terminal counts', transitions.badTerminalCounts],
    ['run after success', transitions.runAfterSuccess],
    ['duplicates', acceptance.duplicates],
    ['201 without a row', acceptance.missingRows],
    ['never back after the empty Redis', recovery?.neverBack ?? []],
  ] as const) {
    if (rows.length > 0)
      lines.push(
        '',
        `== ${label} (first 10)`,
        ...rows.slice(0, 10).map((row) => JSON.stringify(row)),
      );
  }
  if (report.failures.examples.length > 0) {
    lines.push('', '== unplanned failures (first 5)');
    for (const { id, timeline } of report.failures.examples) {
      lines.push(id, ...timeline.map((line) => `    ${line}`));
    }
  }
  for (const exit of unplanned) {
    lines.push(
      '',
      `== ${exit.name} exited by itself at ${seconds(exit.atMs)} (${exit.signal ?? exit.code}); its last lines`,
      exit.tail ?? '',
    );
  }
  return lines.join('\n');
}

/** A time as seconds into the run, and the fault under way then (if one was). */
function whenInRun(report: ChaosReport, iso: string): string {
  const ms = Date.parse(iso) - Date.parse(report.startedAt);
  const during = faultUnderWay(report.faults, ms);
  return `${seconds(ms)} into the run${during ? ` (during ${during})` : ''}`;
}

function formatRecovery(recovery: RecoveryFacts | null): string {
  if (!recovery) return 'not injected';
  const { pending, neverBack, allBackS, allBackPastDueS } = recovery;
  if (allBackS === null) return `${neverBack.length} of ${pending} non-terminal tasks never back`;
  const jobs =
    recovery.jobsBackS === null ? 'not all' : `all in ${recovery.jobsBackS.toFixed(1)} s`;
  return `${allBackS.toFixed(1)} s for all ${pending} non-terminal tasks to run again or end (${allBackPastDueS?.toFixed(1)} s past their due time); their jobs back in BullMQ: ${jobs}`;
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([label, n]) => `\n                       ${n} × ${label}`)
    .join('');
}

function sumTerminal(statuses: Record<string, number>): number {
  return (statuses.succeeded ?? 0) + (statuses.failed ?? 0) + (statuses.cancelled ?? 0);
}
