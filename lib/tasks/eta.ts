// Time left for a running task, from two sources: the rate of this run so far, and how long
// the type's recent successful runs took. Early on the rate is noise, so history leads; as
// progress grows the run's own rate takes over.

export interface EtaInput {
  /** 0..100 */
  progress: number;
  /** Epoch ms the current attempt started. */
  startedAt: number;
  now: number;
  /** Median duration of the type's recent successful runs, when known. */
  typicalMs?: number | null;
}

/** Full trust in the run's own rate from this much progress on. */
const RATE_TRUSTED_AT = 50;
/** Below this much elapsed time (or progress) the run's rate is not used at all. */
const MIN_ELAPSED_MS = 1_000;
const MIN_PROGRESS = 1;

export function estimateRemainingMs({
  progress,
  startedAt,
  now,
  typicalMs,
}: EtaInput): number | null {
  const done = Math.min(100, Math.max(0, progress));
  if (done >= 100) return 0;
  const elapsed = Math.max(0, now - startedAt);
  const fromRate =
    done >= MIN_PROGRESS && elapsed >= MIN_ELAPSED_MS ? (elapsed * (100 - done)) / done : null;
  // Past the typical duration, history has nothing left to say; the rate alone answers.
  const fromHistory =
    typicalMs !== undefined && typicalMs !== null && typicalMs > elapsed
      ? typicalMs - elapsed
      : null;
  if (fromRate === null && fromHistory === null) return null;
  if (fromRate === null) return Math.round(fromHistory ?? 0);
  if (fromHistory === null) return Math.round(fromRate);
  const weight = Math.min(1, done / RATE_TRUSTED_AT);
  return Math.round(weight * fromRate + (1 - weight) * fromHistory);
}

/** `4 s`, `2 min 5 s`, `1 h 4 min`: short enough for a task row. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
}
