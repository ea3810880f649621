import { getLogger } from '@/lib/logger';
import type { TaskLogLine } from '@/lib/realtime/events';
import { uuid7 } from '@/lib/uuid7';
import { getPrisma } from '@/server/infra/clients';
import { publishBusMessage } from '@/server/realtime/event-bus';
import type { TaskLogLevel } from './task-type';

const MAX_LINE_LENGTH = 1_000;
/** A runaway processor must not fill the table: past this, lines are counted, not kept. */
const MAX_LINES_PER_ATTEMPT = 2_000;
const FLUSH_INTERVAL_MS = 250;

/**
 * The user-visible log of one attempt. Each line is published at once (the live path) and
 * written to Postgres in batches behind it, so a chatty processor costs a few inserts a second.
 */
export class TaskLogWriter {
  private pending: TaskLogLine[] = [];
  private count = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly taskId: string,
    private readonly attempt: number,
  ) {}

  log(message: string, level: TaskLogLevel = 'info'): void {
    this.count += 1;
    if (this.count > MAX_LINES_PER_ATTEMPT) {
      this.dropped += 1;
      return;
    }
    const line: TaskLogLine = {
      id: uuid7(),
      taskId: this.taskId,
      attempt: this.attempt,
      level,
      message: message.slice(0, MAX_LINE_LENGTH),
      at: new Date().toISOString(),
    };
    this.pending.push(line);
    void publishBusMessage({ kind: 'task.log', line });
    this.timer ??= setTimeout(() => {
      this.timer = null;
      void this.write();
    }, FLUSH_INTERVAL_MS);
  }

  /** Writes what is pending; called when the attempt ends. */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.dropped > 0) {
      const dropped = this.dropped;
      this.dropped = 0;
      this.count = 0;
      this.log(`${dropped} more log lines were left out (limit ${MAX_LINES_PER_ATTEMPT}).`, 'warn');
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
    }
    await this.write();
  }

  private write(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(() =>
      getPrisma()
        .taskLog.createMany({
          data: batch.map((line) => ({
            id: line.id,
            taskId: line.taskId,
            attempt: line.attempt,
            level: line.level,
            message: line.message,
            at: new Date(line.at),
          })),
        })
        .then(() => undefined)
        .catch((error: unknown) => {
          getLogger().warn({ err: error, taskId: this.taskId }, 'could not persist task log lines');
        }),
    );
    return this.writing;
  }
}
