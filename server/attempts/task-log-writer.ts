import { getLogger } from '@/lib/logger';
import type { TaskLogLine } from '@/lib/realtime/events';
import { uuid7 } from '@/lib/uuid7';
import { definePreparedStatement } from '@/server/db/prepared-statement';
import { publishBusMessage } from '@/server/realtime/event-bus';
import type { TaskLogLevel } from '@/server/tasks/task-type';

const MAX_LINE_LENGTH = 1_000;
/** A runaway processor must not fill the table: past this, lines are counted, not kept. */
const MAX_LINES_PER_ATTEMPT = 2_000;
const FLUSH_INTERVAL_MS = 250;

// Every attempt of this process shares one writer: each interval, the lines all of them logged
// go to Postgres in one INSERT (group commit). An attempt's last lines go with its outcome
// instead (TaskLogWriter.finish), in the statement that settles it, so a finished task never
// shows without them.
const writers = new Set<TaskLogWriter>();
let timer: NodeJS.Timeout | null = null;
let writing: Promise<void> = Promise.resolve();

// Joined to tasks: a task deleted while it ran drops its lines instead of failing the batch.
const insertLogLines = definePreparedStatement(
  'log_lines',
  `INSERT INTO task_logs (id, task_id, attempt, level, message, at)
    SELECT l.id, l.task_id, l.attempt, l.level, l.message, l.at
    FROM jsonb_to_recordset($1::jsonb) AS l(id uuid, task_id uuid, attempt int, level text,
      message text, at timestamptz)
    JOIN tasks t ON t.id = l.task_id
    ON CONFLICT (id) DO NOTHING`,
);

async function insertLines(lines: TaskLogLine[]): Promise<void> {
  await insertLogLines([JSON.stringify(lines.map((line) => ({ ...line, task_id: line.taskId })))]);
}

function flushWriters(): void {
  timer = null;
  const lines: TaskLogLine[] = [];
  const flushed: TaskLogWriter[] = [];
  for (const writer of writers) {
    const taken = writer.takePending();
    if (taken.length === 0) continue;
    lines.push(...taken);
    flushed.push(writer);
  }
  if (lines.length === 0) return;
  writing = writing
    .then(() => insertLines(lines))
    .catch((error: unknown) => {
      getLogger().warn({ err: error, lines: lines.length }, 'could not persist task log lines');
    });
  for (const writer of flushed) writer.lastWrite = writing;
}

/** The user-visible log of one attempt: each line published at once, persisted behind it. */
export class TaskLogWriter {
  private pending: TaskLogLine[] = [];
  private count = 0;
  private dropped = 0;
  /** The shared write that holds this attempt's earlier lines. */
  lastWrite: Promise<void> = Promise.resolve();

  constructor(
    private readonly taskId: string,
    private readonly ownerId: string | null,
    private readonly attempt: number,
  ) {
    writers.add(this);
  }

  log(message: string, level: TaskLogLevel = 'info'): void {
    this.count += 1;
    if (this.count > MAX_LINES_PER_ATTEMPT) {
      this.dropped += 1;
      return;
    }
    this.push(message, level);
    timer ??= setTimeout(flushWriters, FLUSH_INTERVAL_MS);
  }

  private push(message: string, level: TaskLogLevel): void {
    const line: TaskLogLine = {
      id: uuid7(),
      taskId: this.taskId,
      attempt: this.attempt,
      level,
      message: message.slice(0, MAX_LINE_LENGTH),
      at: new Date().toISOString(),
    };
    this.pending.push(line);
    void publishBusMessage({ kind: 'task.log', ownerId: this.ownerId, line });
  }

  /** Forgets an attempt that ended without finish() (it never ran its processor). */
  close(): void {
    writers.delete(this);
  }

  takePending(): TaskLogLine[] {
    const taken = this.pending;
    this.pending = [];
    return taken;
  }

  /**
   * The attempt is over: waits until its earlier lines are written and returns the rest, for
   * the statement that records its outcome.
   */
  async finish(): Promise<TaskLogLine[]> {
    writers.delete(this);
    if (this.dropped > 0) {
      this.push(
        `${this.dropped} more log lines were left out (limit ${MAX_LINES_PER_ATTEMPT}).`,
        'warn',
      );
      this.dropped = 0;
    }
    await this.lastWrite;
    return this.takePending();
  }
}
