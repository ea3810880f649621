import type { LatencySummary } from './bench-stats';
import type { CpuRole, PhaseCosts } from './core-counters';

// The shapes the core-path benchmark's sides, rounds and report share.

export interface CoreOptions {
  rounds: number;
  /** Creates measured per side in the create phase. */
  creates: number;
  /** Tasks per side in the end-to-end phase. */
  endToEnd: number;
  /** Queued tasks per side in the drain phase. */
  drain: number;
  /** Concurrent callers creating. */
  callers: number;
  /** Creates (and, end to end, runs) done first on each side and left out of the figures. */
  warmup: number;
}

export const PHASES = ['create', 'endToEnd', 'drain'] as const;
export type Phase = (typeof PHASES)[number];
export const SIDES = ['raw', 'taskdeck'] as const;
export type Side = (typeof SIDES)[number];

/** One side's figures for one phase of one round. */
export interface SideRun {
  /** Jobs (tasks) per second of the phase's wall time. */
  perSecond: number;
  tasks: number;
  /** Create latency, in the create phase. */
  latency?: LatencySummary;
  /** Failed creates by HTTP status or error name, and (Taskdeck) tasks that did not succeed. */
  failures: Record<string, number>;
  costs: PhaseCosts;
}

export type RoundResult = Record<Phase, Record<Side, SideRun>>;

/** Minutes enough for any phase on a slow, busy machine; past it the run is broken. */
export const PHASE_TIMEOUT_MS = 15 * 60_000;

/** Resident memory, MiB, of processes sitting idle. */
export interface IdleMemory {
  web: number;
  worker: number;
  /** A bare BullMQ worker process with one Worker, and with six (Taskdeck's five queues + schedules). */
  bareWorker1: number;
  bareWorker6: number;
}

export interface IdleFigures {
  /** After start, settled, before any task. */
  atStart: IdleMemory;
  /** Web and worker again after every round, settled. */
  afterRounds: { web: number; worker: number };
  /** What the processes do on their own while idle, per second, to weigh the settle windows. */
  background: {
    webQueries: number;
    workerQueries: number;
    commits: number;
    cpuMs: Record<CpuRole, number>;
  };
}

export interface CoreResult {
  options: CoreOptions;
  machine: string;
  /** The diagnostics queue's concurrency: Taskdeck's worker and the bare worker both use it. */
  concurrency: number;
  idle: IdleFigures;
  rounds: RoundResult[];
}
