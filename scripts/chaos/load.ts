import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

// The load: integrations submitting diagnostics.simulate tasks over REST from a bounded number
// of concurrent clients, paced over a window, every response recorded. Clients behave as real
// ones do: a refused connection (nothing was sent) is retried; a request with an
// Idempotency-Key is retried after any failure (honouring Retry-After); one without a key is
// not retried once it may have reached the server, since a retry could make a second task.

const REQUEST_TIMEOUT_MS = 20_000;
const RETRY_BUDGET_MS = 90_000;
const MAX_BACKOFF_MS = 4_000;

/** Short simulated work in a few lengths (0.1 s to 4.5 s), the shorter ones more common. */
const SHAPES = [
  { steps: 2, stepMs: 50, weight: 4 },
  { steps: 5, stepMs: 100, weight: 3 },
  { steps: 10, stepMs: 200, weight: 2 },
  { steps: 15, stepMs: 300, weight: 1 },
] as const;

export interface LoadOptions {
  tasks: number;
  clients: number;
  submitSeconds: number;
  /** Shares of the submissions (0..1). */
  delayedShare: number;
  idempotentShare: number;
  maxDelayMs: number;
  seed: number;
}

export interface Submission {
  index: number;
  body: { type: string; payload: Record<string, unknown>; delayMs?: number };
  idempotencyKey?: string;
  /** Sent again after its 201, as a client that lost the first response would. */
  replay: boolean;
}

export type Outcome = number | 'refused' | 'network' | 'timeout';

export interface Attempt {
  submission: number;
  attempt: number;
  atMs: number;
  ms: number;
  outcome: Outcome;
  taskId?: string;
  replayed?: boolean;
  /** The problem code of an error answer. */
  code?: string;
  retryAfter?: string;
  error?: string;
}

/** A small seeded generator (mulberry32): the same seed plans the same load. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planSubmissions(options: LoadOptions): Submission[] {
  const random = seededRandom(options.seed);
  const totalWeight = SHAPES.reduce((sum, shape) => sum + shape.weight, 0);
  return Array.from({ length: options.tasks }, (_, index) => {
    let pick = random() * totalWeight;
    const shape = SHAPES.find((candidate) => (pick -= candidate.weight) < 0) ?? SHAPES[0];
    const payload: Record<string, unknown> = { steps: shape.steps, stepMs: shape.stepMs };
    const kind = random();
    if (kind < 0.01)
      payload.failAtStep = 1; // fails every attempt: ends failed
    else if (kind < 0.06) Object.assign(payload, { failAtStep: 1, failAttempts: 1 }); // one retry
    const delayed = random() < options.delayedShare;
    const idempotent = random() < options.idempotentShare;
    return {
      index,
      body: {
        type: 'diagnostics.simulate',
        payload,
        ...(delayed ? { delayMs: 1_000 + Math.floor(random() * options.maxDelayMs) } : {}),
      },
      ...(idempotent ? { idempotencyKey: `chaos-${randomUUID()}` } : {}),
      replay: idempotent && random() < 0.1,
    };
  });
}

function classifyFailure(error: unknown): { outcome: Outcome; error: string } {
  const err = error as { name?: string; message?: string; cause?: { code?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') {
    return { outcome: 'timeout', error: err.message ?? 'timeout' };
  }
  const code = err.cause?.code ?? err.message ?? 'unknown';
  return { outcome: code === 'ECONNREFUSED' ? 'refused' : 'network', error: code };
}

async function send(
  url: string,
  key: string,
  submission: Submission,
): Promise<Omit<Attempt, 'submission' | 'attempt' | 'atMs'>> {
  const started = performance.now();
  try {
    const response = await fetch(`${url}/api/v1/tasks`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/json',
        ...(submission.idempotencyKey ? { 'idempotency-key': submission.idempotencyKey } : {}),
      },
      body: JSON.stringify(submission.body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    const body = (() => {
      try {
        return JSON.parse(text) as { id?: string; code?: string };
      } catch {
        return {};
      }
    })();
    const ms = performance.now() - started;
    if (response.status === 201) {
      return {
        ms,
        outcome: 201,
        taskId: body.id,
        replayed: response.headers.get('idempotent-replayed') === 'true',
      };
    }
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return { ms, outcome: response.status, code: body.code ?? text.slice(0, 80), retryAfter };
  } catch (error) {
    return { ms: performance.now() - started, ...classifyFailure(error) };
  }
}

function shouldRetry(result: Pick<Attempt, 'outcome'>, submission: Submission): boolean {
  if (result.outcome === 'refused') return true;
  if (!submission.idempotencyKey) return false;
  const { outcome } = result;
  return typeof outcome !== 'number' || outcome >= 500 || outcome === 429;
}

function retryDelayMs(attempt: number, retryAfter: string | undefined): number {
  const seconds = Number(retryAfter);
  if (retryAfter !== undefined && Number.isFinite(seconds)) return Math.min(seconds, 10) * 1_000;
  return Math.min(MAX_BACKOFF_MS, 250 * 2 ** (attempt - 1)) * (0.5 + Math.random() / 2);
}

/** Sends every submission, paced over options.submitSeconds; resolves with every attempt. */
export async function runLoad(
  url: string,
  key: string,
  plan: Submission[],
  options: Pick<LoadOptions, 'clients' | 'submitSeconds'>,
  epoch: number,
): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  const spacingMs = (options.submitSeconds * 1_000) / Math.max(plan.length, 1);
  const loadStart = Date.now();
  let next = 0;

  async function submit(submission: Submission): Promise<void> {
    const firstAt = Date.now();
    let replayed = false;
    for (let attempt = 1; ; attempt += 1) {
      const atMs = Date.now() - epoch;
      const result = await send(url, key, submission);
      attempts.push({ submission: submission.index, attempt, atMs, ...result });
      if (result.outcome === 201 && submission.replay && !replayed) {
        replayed = true; // the first response "lost": the same request once more
        continue;
      }
      if (!shouldRetry(result, submission) || Date.now() - firstAt > RETRY_BUDGET_MS) return;
      await sleep(retryDelayMs(attempt, result.retryAfter));
    }
  }

  async function client(): Promise<void> {
    while (next < plan.length) {
      const submission = plan[next]!;
      next += 1;
      const due = loadStart + submission.index * spacingMs - Date.now();
      if (due > 0) await sleep(due);
      await submit(submission);
    }
  }

  await Promise.all(Array.from({ length: options.clients }, () => client()));
  return attempts;
}
