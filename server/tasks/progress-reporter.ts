import { getLogger } from '@/lib/logger';
import { nowMs } from '@/lib/realtime/events';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';

const MAX_MESSAGE_LENGTH = 200;
/** Postgres gets the newest progress at most this often while running (and on flush). */
const PERSIST_INTERVAL_MS = 250;

/**
 * Progress of one attempt. Each report is published at once (that is the live path) and
 * written to Postgres behind it, coalesced: one write in flight at most, then a pause, the
 * newest value wins. A task that reports 500 times a second costs four writes a second.
 */
export class ProgressReporter {
  private progress = 0;
  private message: string | null = null;
  private written = 0;
  private lastWriteAt = 0;
  private writing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

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
    this.schedulePersist();
  }

  get current(): { progress: number; message: string | null } {
    return { progress: this.progress, message: this.message };
  }

  /** Writes the newest progress now, without waiting for the interval. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.writing) await this.writing;
    if (this.written < this.seq) await this.write();
  }

  private schedulePersist(): void {
    if (this.writing || this.timer) return; // the newest value is picked up when they finish
    const wait = this.lastWriteAt + PERSIST_INTERVAL_MS - Date.now();
    if (wait <= 0) void this.write();
    else
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.write();
      }, wait);
  }

  private write(): Promise<void> {
    const seq = this.seq;
    this.lastWriteAt = Date.now();
    this.writing = getPrisma()
      .task.updateMany({
        // Guarded so a late write never overwrites a newer status (cancelling, finished, a new attempt).
        where: { id: this.taskId, revision: this.revision, status: 'running', seq: { lt: seq } },
        data: { progress: this.progress, progressMessage: this.message, seq },
      })
      .then(() => {
        this.written = Math.max(this.written, seq);
      })
      .catch((error: unknown) => {
        getLogger().warn({ err: error, taskId: this.taskId }, 'could not persist progress');
      })
      .finally(() => {
        this.writing = null;
        if (this.written < this.seq) this.schedulePersist();
      });
    return this.writing;
  }
}
