import type { TaskUpdate } from './events';
import type { TaskView } from '@/lib/tasks/task-view';

// Events can arrive out of order (two sockets, a reconnect, a snapshot racing a live event).
// Every change carries (revision, seq): status changes bump the revision, progress reports the
// seq within it. A change older than what we show is dropped, and within one attempt
// progress only moves forward.

/** Orders two changes of one task: negative when A is older. The SSE streams order by it too. */
export function compareOrder(
  revisionA: number,
  seqA: number,
  revisionB: number,
  seqB: number,
): number {
  return revisionA - revisionB || seqA - seqB;
}

function pick<Key extends keyof TaskUpdate & keyof TaskView>(
  update: TaskUpdate,
  task: TaskView,
  key: Key,
): TaskView[Key] {
  return (update[key] !== undefined ? update[key] : task[key]) as TaskView[Key];
}

export function mergeTaskUpdate(task: TaskView, update: TaskUpdate): TaskView {
  if (update.id !== task.id) return task;
  if (compareOrder(update.revision, update.seq, task.revision, task.seq) <= 0) {
    // An older change says nothing new about the status, but a late report of the same attempt
    // still shows how far the work got: the bar takes it, whichever order the two arrived in.
    const lateProgress =
      update.revision < task.revision &&
      update.attempt === task.attempts &&
      task.status !== 'queued' &&
      update.progress > task.progress;
    return lateProgress ? { ...task, progress: update.progress } : task;
  }
  // Progress starts again only with a new attempt or a return to the queue. A status change
  // made elsewhere (cancelling) carries Postgres's progress, which may trail the live value.
  const keepsProgress = update.attempt === task.attempts && update.status !== 'queued';
  return {
    ...task,
    attempts: update.attempt,
    revision: update.revision,
    seq: update.seq,
    status: update.status,
    progress: keepsProgress ? Math.max(task.progress, update.progress) : update.progress,
    progressMessage: update.progressMessage,
    priority: pick(update, task, 'priority'),
    error: pick(update, task, 'error'),
    result: pick(update, task, 'result'),
    runAt: pick(update, task, 'runAt'),
    retryAt: pick(update, task, 'retryAt'),
    cancelRequestedAt: pick(update, task, 'cancelRequestedAt'),
    startedAt: pick(update, task, 'startedAt'),
    finishedAt: pick(update, task, 'finishedAt'),
    resultUrl: pick(update, task, 'resultUrl'),
  };
}

/** A fresher full snapshot (from a reload or a resubscribe) replaces what we show; a staler one is ignored. */
export function mergeTaskSnapshot(task: TaskView, snapshot: TaskView): TaskView {
  if (snapshot.id !== task.id) return task;
  const order = compareOrder(snapshot.revision, snapshot.seq, task.revision, task.seq);
  if (order < 0) return task;
  if (order === 0) return { ...snapshot, progress: Math.max(task.progress, snapshot.progress) };
  return snapshot;
}
