import type { TaskUpdate } from './events';
import type { TaskView } from '@/lib/tasks/task-view';

// Events can arrive out of order (two sockets, a reconnect, a snapshot racing a live event).
// Every change carries (attempt, seq); a change older than what we show is dropped, and within
// one attempt progress only moves forward.

function compareOrder(attemptA: number, seqA: number, attemptB: number, seqB: number): number {
  return attemptA - attemptB || seqA - seqB;
}

export function mergeTaskUpdate(task: TaskView, update: TaskUpdate): TaskView {
  if (update.id !== task.id) return task;
  if (compareOrder(update.attempt, update.seq, task.attempts, task.seq) <= 0) return task;
  const sameAttempt = update.attempt === task.attempts;
  return {
    ...task,
    attempts: update.attempt,
    seq: update.seq,
    status: update.status,
    progress: sameAttempt ? Math.max(task.progress, update.progress) : update.progress,
    progressMessage: update.progressMessage,
    error: update.error !== undefined ? update.error : task.error,
    result: update.result !== undefined ? update.result : task.result,
    startedAt: update.startedAt !== undefined ? update.startedAt : task.startedAt,
    finishedAt: update.finishedAt !== undefined ? update.finishedAt : task.finishedAt,
    resultUrl: update.resultUrl !== undefined ? update.resultUrl : task.resultUrl,
  };
}

/** A fresher full snapshot (from a reload or a resubscribe) replaces what we show; a staler one is ignored. */
export function mergeTaskSnapshot(task: TaskView, snapshot: TaskView): TaskView {
  if (snapshot.id !== task.id) return task;
  const order = compareOrder(snapshot.attempts, snapshot.seq, task.attempts, task.seq);
  if (order < 0) return task;
  if (order === 0) return { ...snapshot, progress: Math.max(task.progress, snapshot.progress) };
  return snapshot;
}
