import type { FaultEvent } from './faults';
import type { Attempt, Submission } from './load';

// The answers the load clients got, summed up: 5xx by kind and by the fault under way.

export interface ResponseFacts {
  requests: number;
  /** `${status} ${code} (Retry-After: s | no Retry-After)` → count, for every 5xx. */
  serverErrors: Record<string, number>;
  serverErrorCount: number;
  /** The same, by the fault under way when the request was sent. */
  serverErrorsByFault: Record<string, number>;
  /** Other non-201 answers and transport failures, by kind. */
  otherFailures: Record<string, number>;
  /** Submissions never answered 201. */
  unacknowledged: number;
  replaysAnsweredSame: number;
}

export function summarizeResponses(
  plan: Submission[],
  attempts: Attempt[],
  faults: FaultEvent[],
): ResponseFacts {
  const serverErrors: Record<string, number> = {};
  const serverErrorsByFault: Record<string, number> = {};
  const otherFailures: Record<string, number> = {};
  const acknowledged = new Set<number>();
  const firstIds = new Map<number, string>();
  let replaysAnsweredSame = 0;
  for (const attempt of attempts) {
    const { outcome } = attempt;
    if (outcome === 201) {
      acknowledged.add(attempt.submission);
      const first = firstIds.get(attempt.submission);
      if (first === undefined) firstIds.set(attempt.submission, attempt.taskId ?? '');
      else if (attempt.replayed && first === attempt.taskId) replaysAnsweredSame += 1;
    } else if (typeof outcome === 'number' && outcome >= 500) {
      const retry = attempt.retryAfter ? `Retry-After: ${attempt.retryAfter}` : 'no Retry-After';
      const label = `${outcome} ${attempt.code ?? ''} (${retry})`;
      serverErrors[label] = (serverErrors[label] ?? 0) + 1;
      const fault = faultUnderWay(faults, attempt.atMs) ?? 'no fault under way';
      serverErrorsByFault[fault] = (serverErrorsByFault[fault] ?? 0) + 1;
    } else {
      const label =
        typeof outcome === 'number'
          ? `${outcome} ${attempt.code ?? ''}`
          : `${outcome} ${attempt.error ?? ''}`;
      otherFailures[label] = (otherFailures[label] ?? 0) + 1;
    }
  }
  return {
    requests: attempts.length,
    serverErrors,
    serverErrorCount: Object.values(serverErrors).reduce((sum, n) => sum + n, 0),
    serverErrorsByFault,
    otherFailures,
    unacknowledged: plan.length - acknowledged.size,
    replaysAnsweredSame,
  };
}

/** 5xx answers other than 503 with Retry-After (what an infrastructure error must answer). */
export function improperServerErrors(responses: ResponseFacts): Array<[string, number]> {
  return Object.entries(responses.serverErrors).filter(
    ([label]) => !/^503 .*Retry-After: /.test(label),
  );
}

/**
 * The one-off fault (not a worker kill) under way at this time into the run, counting a second
 * after it for the clients' retries and reconnects to settle.
 */
export function faultUnderWay(faults: FaultEvent[], ms: number): string | undefined {
  return faults.find(
    (fault) => fault.name !== 'worker-kill' && fault.startMs <= ms && ms <= fault.endMs + 1_000,
  )?.name;
}
