import { formatDuration } from '@/lib/tasks/eta';

// The email a user who opted in gets when one of their tasks ends. Pure: tested without a database.

export interface FinishedTask {
  id: string;
  type: string;
  status: 'succeeded' | 'failed';
  attempts: number;
  maxAttempts: number;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  error: { code?: unknown; message?: unknown } | null;
}

/** The email's body is capped (email.send takes 20k characters); error messages rarely come close. */
const MAX_ERROR_CHARS = 2_000;

export interface CompletionMessage {
  subject: string;
  text: string;
}

/** Where the web app is reached: PUBLIC_URL, else the address it listens on. */
export function resolvePublicUrl(env: { PUBLIC_URL?: string; HOST: string; PORT: number }): string {
  if (env.PUBLIC_URL) return env.PUBLIC_URL.replace(/\/+$/, '');
  const host = env.HOST === '0.0.0.0' || env.HOST === '::' ? 'localhost' : env.HOST;
  return `http://${host.includes(':') ? `[${host}]` : host}:${env.PORT}`;
}

/** Quick tasks are common: "0 s" would read as if nothing ran. */
function describeMs(ms: number): string {
  return ms < 1_000 ? `${Math.max(0, Math.round(ms))} ms` : formatDuration(ms);
}

function durationLine(task: FinishedTask): string | null {
  if (!task.finishedAt) return null;
  const total = describeMs(task.finishedAt.getTime() - task.createdAt.getTime());
  if (!task.startedAt) return `Duration: ${total} after it was requested`;
  const ran = describeMs(task.finishedAt.getTime() - task.startedAt.getTime());
  return `Duration: ${ran} (last attempt); ${total} since it was requested`;
}

export function buildCompletionMessage(task: FinishedTask, publicUrl: string): CompletionMessage {
  const link = `${publicUrl}/tasks/${task.id}`;
  const lines = [
    `Your ${task.type} task ${task.status}.`,
    '',
    `Task: ${task.id}`,
    `Type: ${task.type}`,
    `Status: ${task.status}`,
    `Attempts: ${task.attempts} of ${task.maxAttempts}`,
    durationLine(task),
    task.finishedAt ? `Finished: ${task.finishedAt.toISOString()}` : null,
  ];
  if (task.status === 'failed') {
    const code = typeof task.error?.code === 'string' ? task.error.code : 'unknown';
    const message =
      typeof task.error?.message === 'string'
        ? task.error.message.slice(0, MAX_ERROR_CHARS)
        : 'No error was recorded.';
    lines.push(`Error (${code}): ${message}`);
  }
  lines.push(
    '',
    `Open it: ${link}`,
    '',
    'You get these emails because you turned them on under Settings → Notifications.',
  );
  return {
    subject: `Taskdeck: ${task.type} ${task.status}`,
    text: lines.filter((line): line is string => line !== null).join('\n'),
  };
}
