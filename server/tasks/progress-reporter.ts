import { getLogger } from '@/lib/logger';
import { nowMs } from '@/lib/realtime/events';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';

const MAX_MESSAGE_LENGTH = 200;

/**
 * Progress of one attempt. Each report is published at once (that is the live path) and
 * written to Postgres behind it, coalesced: at most one write in flight, the newest value
 * wins, so a task that reports 500 times a second costs a handful of writes.
 */
export class ProgressReporter {
  private progress = 0;
  private message: string | null = null;
  private written = 0;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly taskId: string,
    private readonly ownerId: string | null,
    private readonly attempt: number,
    /** The last seq used in this attempt; each report takes the next. */
    public seq: number,
  ) {}

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
        seq: this.seq,
        status: 'running',
        progress: this.progress,
        progressMessage: this.message,
        emittedAt: nowMs(),
      },
    });
    this.writing ??= this.writeLoop();
  }

  get current(): { progress: number; message: string | null } {
    return { progress: this.progress, message: this.message };
  }

  /** Waits until the newest progress is in Postgres. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.written < this.seq) {
        const seq = this.seq;
        // Guarded so a late write never overwrites a newer attempt or a finished task.
        await getPrisma().task.updateMany({
          where: { id: this.taskId, attempts: this.attempt, status: 'running', seq: { lt: seq } },
          data: { progress: this.progress, progressMessage: this.message, seq },
        });
        this.written = seq;
      }
    } catch (error) {
      getLogger().warn({ err: error, taskId: this.taskId }, 'could not persist progress');
    } finally {
      this.writing = null;
    }
  }
}
