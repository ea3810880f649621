import { describe, expect, it } from 'vitest';
import {
  buildCompletionMessage,
  resolvePublicUrl,
  type FinishedTask,
} from '@/server/email/completion-message';
import { emailPayloadSchema } from '@/server/tasks/types/email-send';

const ID = '01a1f000-0000-7000-8000-000000000001';

function task(overrides: Partial<FinishedTask> = {}): FinishedTask {
  return {
    id: ID,
    type: 'report.generate',
    status: 'succeeded',
    attempts: 1,
    maxAttempts: 3,
    createdAt: new Date('2026-03-01T10:00:00.000Z'),
    startedAt: new Date('2026-03-01T10:00:05.000Z'),
    finishedAt: new Date('2026-03-01T10:01:35.000Z'),
    error: null,
    ...overrides,
  };
}

describe('buildCompletionMessage', () => {
  it('writes the subject and a body with the task, its duration and a link', () => {
    const message = buildCompletionMessage(task(), 'https://tasks.example.com');
    expect(message.subject).toBe('Taskdeck: report.generate succeeded');
    expect(message.text.split('\n')).toEqual([
      'Your report.generate task succeeded.',
      '',
      `Task: ${ID}`,
      'Type: report.generate',
      'Status: succeeded',
      'Attempts: 1 of 3',
      'Duration: 1 min 30 s (last attempt); 1 min 35 s since it was requested',
      'Finished: 2026-03-01T10:01:35.000Z',
      '',
      `Open it: https://tasks.example.com/tasks/${ID}`,
      '',
      'You get these emails because you turned them on under Settings → Notifications.',
    ]);
  });

  it('includes the error of a failed task', () => {
    const message = buildCompletionMessage(
      task({
        status: 'failed',
        attempts: 3,
        error: { code: 'timeout', message: 'The task took longer than its hard time limit.' },
      }),
      'http://localhost:3000',
    );
    expect(message.subject).toBe('Taskdeck: report.generate failed');
    expect(message.text).toContain('Status: failed\n');
    expect(message.text).toContain('Attempts: 3 of 3\n');
    expect(message.text).toContain(
      'Error (timeout): The task took longer than its hard time limit.',
    );
  });

  it('copes with a missing error and a task that never started', () => {
    const message = buildCompletionMessage(
      task({ status: 'failed', startedAt: null, error: null }),
      'http://localhost:3000',
    );
    expect(message.text).toContain('Duration: 1 min 35 s after it was requested');
    expect(message.text).toContain('Error (unknown): No error was recorded.');
  });

  it('produces what email.send accepts, even with a very long error', () => {
    const message = buildCompletionMessage(
      task({
        status: 'failed',
        type: 'a'.repeat(50) + '.' + 'b'.repeat(49),
        error: { code: 'x', message: 'e'.repeat(50_000) },
      }),
      'http://localhost:3000',
    );
    const parsed = emailPayloadSchema.safeParse({
      to: 'someone@example.com',
      subject: message.subject,
      text: message.text,
      aboutTaskId: ID,
    });
    expect(parsed.success).toBe(true);
  });
  it('gives sub-second durations in milliseconds', () => {
    const message = buildCompletionMessage(
      task({
        createdAt: new Date('2026-03-01T10:00:00.000Z'),
        startedAt: new Date('2026-03-01T10:00:00.100Z'),
        finishedAt: new Date('2026-03-01T10:00:00.350Z'),
      }),
      'http://localhost:3000',
    );
    expect(message.text).toContain(
      'Duration: 250 ms (last attempt); 350 ms since it was requested',
    );
  });
});

describe('resolvePublicUrl', () => {
  it('prefers PUBLIC_URL, without a trailing slash', () => {
    expect(
      resolvePublicUrl({ PUBLIC_URL: 'https://tasks.example.com/', HOST: '0.0.0.0', PORT: 80 }),
    ).toBe('https://tasks.example.com');
  });

  it('falls back to where the web process listens', () => {
    expect(resolvePublicUrl({ HOST: '127.0.0.1', PORT: 3000 })).toBe('http://127.0.0.1:3000');
    expect(resolvePublicUrl({ HOST: '0.0.0.0', PORT: 8080 })).toBe('http://localhost:8080');
    expect(resolvePublicUrl({ HOST: '::1', PORT: 3000 })).toBe('http://[::1]:3000');
  });
});

describe('emailPayloadSchema', () => {
  const valid = { to: 'a@example.com', subject: 'Hello', text: 'Body' };

  it('accepts a plain message', () => {
    expect(emailPayloadSchema.parse(valid)).toEqual(valid);
  });

  it('rejects unknown fields, bad addresses, multi-line or long subjects and long bodies', () => {
    const paths = (input: unknown) =>
      emailPayloadSchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    expect(paths({ ...valid, cc: 'b@example.com' })).toEqual(['']);
    expect(paths({ ...valid, to: 'not an address' })).toEqual(['to']);
    expect(paths({ ...valid, subject: 'Hi\r\nBcc: x@example.com' })).toEqual(['subject']);
    expect(paths({ ...valid, subject: 's'.repeat(201) })).toEqual(['subject']);
    expect(paths({ ...valid, text: 't'.repeat(20_001) })).toEqual(['text']);
    expect(paths({ ...valid, aboutTaskId: 'nope' })).toEqual(['aboutTaskId']);
  });
});
