import { getLogger } from '@/lib/logger';
import { nowMs } from '@/lib/realtime/events';
import type { CurrentJob } from '@/lib/admin/admin-overview';
import {
  claimCancelBackstop,
  readCancelRequests,
  type CancelRequest,
} from '@/server/tasks/cancel-relay';
import { BACKSTOP_GRACE_MS, forceCancelled } from '@/server/tasks/abandoned-cancels';

// The attempts this worker process is running, so a cancel request for one of them reaches its
// processor, and the backstop for cancels whose worker is gone (server/tasks/abandoned-cancels.ts
// ends them).

export class TaskCancelledError extends Error {
  constructor(readonly request: CancelRequest) {
    super('The task was cancelled.');
    this.name = 'TaskCancelledError';
  }
}

interface RunningAttempt {
  controller: AbortController;
  revision: number | null;
  /** Set once the attempt has begun: a job that turns out to have nothing to run never shows. */
  job: CurrentJob | null;
}

const running = new Map<string, RunningAttempt>();
const backstops = new Map<string, NodeJS.Timeout>();
const changeListeners = new Set<() => void>();

export function registerRunning(taskId: string, controller: AbortController): RunningAttempt {
  const entry: RunningAttempt = { controller, revision: null, job: null };
  running.set(taskId, entry);
  return entry;
}

function notifyChange(): void {
  for (const listener of changeListeners) listener();
}

/** The attempt is running its processor now: it counts among this process's current jobs. */
export function markAttemptStarted(entry: RunningAttempt, revision: number, job: CurrentJob): void {
  entry.revision = revision;
  entry.job = job;
  notifyChange();
}

export function unregisterRunning(taskId: string, entry: RunningAttempt): void {
  if (running.get(taskId) !== entry) return;
  running.delete(taskId);
  if (entry.job) notifyChange();
}

export function listRunningTaskIds(): string[] {
  return [...running.keys()];
}

/** The attempts this process is running right now, for the worker's heartbeat. */
export function listCurrentJobs(): CurrentJob[] {
  return [...running.values()].flatMap((entry) => (entry.job ? [entry.job] : []));
}

/** Calls the listener whenever an attempt starts or ends; returns the unsubscribe. */
export function onCurrentJobsChange(listener: () => void): () => void {
  changeListeners.add(listener);
  return () => changeListeners.delete(listener);
}

function signalCancel(entry: RunningAttempt, request: CancelRequest): void {
  if (entry.controller.signal.aborted) return;
  entry.controller.abort(new TaskCancelledError(request));
  getLogger().info(
    { taskId: request.taskId, requestedAt: request.requestedAt, signalledAt: nowMs() },
    'cancel signal fired',
  );
}

/** Handles a cancel request published by any web process. */
export function handleCancelRequest(request: CancelRequest): void {
  const entry = running.get(request.taskId);
  if (entry) {
    if (entry.revision === null || entry.revision < request.revision) signalCancel(entry, request);
    return;
  }
  // Not ours. If the worker holding it is gone or stuck, someone must still end the task: one
  // worker of all those that got the request (the first to claim it).
  if (backstops.has(request.taskId)) return;
  const wait = Math.max(0, request.deadlineAt + BACKSTOP_GRACE_MS - Date.now());
  claimCancelBackstop(request, wait + BACKSTOP_CLAIM_MARGIN_MS)
    .then((claimed) => {
      if (claimed && !backstops.has(request.taskId) && !running.has(request.taskId)) {
        armBackstop(request, wait);
      }
    })
    .catch((error: unknown) =>
      getLogger().warn({ err: error, taskId: request.taskId }, 'could not claim a cancel backstop'),
    );
}

/** How long a claim outlives its backstop's moment, so no other worker arms one meanwhile. */
const BACKSTOP_CLAIM_MARGIN_MS = 30_000;

function armBackstop(request: CancelRequest, wait: number): void {
  const timer = setTimeout(() => {
    backstops.delete(request.taskId);
    forceCancelled(request, 'Forced: the worker holding it did not confirm the stop.').catch(
      (error: unknown) =>
        getLogger().error({ err: error, taskId: request.taskId }, 'backstop failed'),
    );
  }, wait);
  timer.unref();
  backstops.set(request.taskId, timer);
}

/** After a reconnect (messages may have been missed) or when a job starts: look for requests. */
export async function resyncCancelRequests(taskIds = listRunningTaskIds()): Promise<void> {
  for (const request of await readCancelRequests(taskIds)) {
    const entry = running.get(request.taskId);
    // A request older than this attempt's start (a cancelled task retried by hand) is not for it.
    if (entry && entry.revision !== null && entry.revision < request.revision) {
      signalCancel(entry, request);
    }
  }
}

export function clearBackstops(): void {
  for (const timer of backstops.values()) clearTimeout(timer);
  backstops.clear();
}
