import { getLogger } from '@/lib/logger';
import { nowMs } from '@/lib/realtime/events';
import { definePreparedStatement } from '@/server/db/prepared-statement';
import { publishBusMessage } from '@/server/realtime/event-bus';

const MAX_MESSAGE_LENGTH = 200;
/** Postgres gets the newest progress of every running task at most this often. */
const PERSIST_INTERVAL_MS = 250;

interface ProgressRow {
  id: string;
  revision: number;
  seq: number;
  progress: number;
  message: string | null;
}

// Every attempt of this process shares one writer: each interval, the newest progress of all
// the tasks that reported sends one UPDATE for all of them (group commit), so 16 busy tasks
// cost four statements a second, not 64. The rows are locked in id order and any row a status
// change holds is skipped, never waited for: its new status makes this value stale anyway, and
// waiting in another order than the status changes lock in could deadlock.
const dirty = new Map<string, ProgressRow>();
let timer: NodeJS.Timeout | null = null;
let writing: Promise<void> = Promise.resolve();
let lastFlushAt = 0;

const updateProgress = definePreparedStatement(
  'progress',
  `UPDATE tasks t SET progress = v.progress, progress_message = v.message, seq = v.seq
    FROM jsonb_to_recordset($1::jsonb)
        AS v(id uuid, revision int, seq int, progress int, message text),
      LATERAL (SELECT id FROM tasks WHERE id = v.id ORDER BY id FOR UPDATE SKIP LOCKED) locked
    WHERE t.id = locked.id AND t.revision = v.revision AND t.status = 'running' AND t.seq < v.seq`,
);

async function writeProgress(rows: ProgressRow[]): Promise<void> {
  await updateProgress([JSON.stringify(rows)]);
}

function flushDirty(): void {
  timer = null;
  lastFlushAt = Date.now();
  if (dirty.size === 0) return;
  const rows = [...dirty.values()].sort((a, b) => (a.id < b.id ? -1 : 1));
  dirty.clear();
  writing = writing
    .then(() => writeProgress(rows))
    .catch((error: unknown) => {
      getLogger().warn({ err: error, tasks: rows.length }, 'could not persist progress');
    });
}

function markDirty(row: ProgressRow): void {
  dirty.set(row.id, row);
  // Leading edge: after a quiet spell the first report is written at once (well, at the end
  // of this tick, with whatever else reported in it); then at most once an interval.
  timer ??= setTimeout(flushDirty, Math.max(0, lastFlushAt + PERSIST_INTERVAL_MS - Date.now()));
}

/** Waits for the progress writes started so far (tests, shutdown). */
export async function settleProgressWrites(): Promise<void> {
  if (timer) {
    clearTimeout(timer);
    flushDirty();
  }
  await writing;
}

/**
 * Progress of one attempt. Each report is published at once (that is the live path) and
 * written to Postgres behind it by the shared writer above; the attempt's outcome writes its
 * final progress itself, in the statement that settles it.
 */
export class ProgressReporter {
  private progress = 0;
  private message: string | null = null;
  private stopped = false;

  constructor(
    private readonly taskId: string,
    private readonly ownerId: string | null,
    private readonly attempt: number,
    /** The revision of the attempt's `running` status; its reports are ordered within it. */
    private readonly revision: number,
  ) {}

  /** The last seq used in this revision; each report takes the next. */
  seq = 0;

  report(progress: number, message?: string): void {
    const clamped = Number.isFinite(progress)
      ? Math.min(100, Math.max(0, Math.round(progress)))
      : 0;
    this.progress = Math.max(this.progress, clamped);
    if (message !== undefined) this.message = message.slice(0, MAX_MESSAGE_LENGTH);
    this.seq += 1;
    void publishBusMessage({
      kind: 'task.updated',
      ownerId: this.ownerId,
      update: {
        id: this.taskId,
        attempt: this.attempt,
        revision: this.revision,
        seq: this.seq,
        status: 'running',
        progress: this.progress,
        progressMessage: this.message,
        emittedAt: nowMs(),
      },
    });
    if (this.stopped) return;
    markDirty({
      id: this.taskId,
      revision: this.revision,
      seq: this.seq,
      progress: this.progress,
      message: this.message,
    });
  }

  get current(): { progress: number; message: string | null } {
    return { progress: this.progress, message: this.message };
  }

  /** The attempt is ending: its outcome records the final progress, so nothing more is written. */
  stop(): void {
    this.stopped = true;
    dirty.delete(this.taskId);
  }
}
