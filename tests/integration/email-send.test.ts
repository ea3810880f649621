import { text } from 'node:stream/consumers';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '@/lib/tasks/task-view';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { createMailer, installMailer } from '@/server/email/mailer';
import { setCompletionEmails } from '@/server/email/preferences';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { getQueue } from '@/server/queues/queue-clients';
import { cancelTask } from '@/server/tasks/task-control';
import { getTask, openTaskResult } from '@/server/tasks/task-service';
import { createInternalTask, createTask } from '@/server/tasks/task-submission';
import { startTaskWorker, type RunningTaskWorker } from '@/worker/task-worker';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { movesOf, readTimeline, waitForJobState } from '../support/task-lifecycle';
import { createTestUser, type TestUser } from '../support/users';

// email.send through a real SMTP server (smtp-server on a random local port), and through the
// development transport that stores the message; and the completion notices that create it.

interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
}

/**
 * Recipients' local parts steer the server: `greylist-…` is refused with 451 on its first
 * RCPT and accepted afterwards, `nobody-…` is always refused with 550, others are accepted.
 */
class TestSmtpServer {
  readonly received: ReceivedMail[] = [];
  readonly rcptAttempts = new Map<string, number>();
  private server: SMTPServer;
  port = 0;

  constructor() {
    const options: SMTPServerOptions = {
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        const seen = (this.rcptAttempts.get(address.address) ?? 0) + 1;
        this.rcptAttempts.set(address.address, seen);
        if (address.address.startsWith('nobody-')) {
          callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
        } else if (address.address.startsWith('greylist-') && seen === 1) {
          callback(Object.assign(new Error('4.7.1 Greylisted, try again'), { responseCode: 451 }));
        } else {
          callback();
        }
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          this.received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((address) => address.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    };
    this.server = new SMTPServer(options);
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const smtp = new TestSmtpServer();
const bus = new BusRecorder();
let worker: RunningTaskWorker;
let owner: TestUser;

function useSmtp(): void {
  installMailer(createMailer({ smtpUrl: `smtp://127.0.0.1:${smtp.port}` }));
}

function useDevelopmentTransport(): void {
  installMailer(createMailer({ from: 'Taskdeck <noreply@example.test>' }));
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function uniqueAddress(localPrefix: string): string {
  return `${localPrefix}-${Math.random().toString(36).slice(2, 10)}@example.test`;
}

beforeAll(async () => {
  owner = await createTestUser();
  await smtp.start();
  await bus.start();
  worker = await startTaskWorker({ queues: ['notifications', 'reports', 'diagnostics'] });
});

afterAll(async () => {
  await worker.stop(5_000);
  await bus.stop();
  await smtp.stop();
  await closeClients();
});

describe('email.send over SMTP', () => {
  it('retries a greylisted message with backoff, then delivers it', async () => {
    useSmtp();
    const to = uniqueAddress('greylist');
    const about = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    const task = await createInternalTask('email.send', owner.principal.userId, {
      to,
      subject: 'Taskdeck: greylisting test',
      text: 'First line.\nSecond line.',
      aboutTaskId: about.id,
    });

    const retrying = await bus.waitForUpdate(task.id, (u) => u.status === 'retrying');
    expect(retrying.error).toMatchObject({ code: 'smtp_deferred' });
    expect(retrying.error?.message).toMatch(/451/);
    // 30 s with up to 20 % jitter taken off.
    const waitMs = Date.parse(retrying.retryAt!) - Date.now();
    expect(waitMs).toBeGreaterThan(20_000);
    expect(waitMs).toBeLessThanOrEqual(30_000);
    expect(smtp.received.filter((mail) => mail.to.includes(to))).toEqual([]);

    // Skip the wait: the job is delayed until retryAt; run it now.
    await waitForJobState('notifications', task.id, ['delayed']);
    await (await getQueue('notifications').getJob(task.id))!.promote();

    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', attempt: 2 });
    const stored = await getTask(owner.principal, task.id);
    expect(stored.result).toMatchObject({
      transport: 'smtp',
      to,
      accepted: [to],
      rejected: [],
    });
    expect((stored.result as { messageId: string }).messageId).toMatch(/^<.+>$/);
    expect(movesOf(await readTimeline(owner.principal, task.id))).toEqual([
      '∅→queued',
      'queued→running',
      'running→retrying',
      'retrying→running',
      'running→succeeded',
    ]);

    const mails = smtp.received.filter((mail) => mail.to.includes(to));
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toEqual([to]);
    expect(mail.from).toBe('taskdeck@localhost');
    expect(mail.data).toMatch(/^Subject: Taskdeck: greylisting test\r$/m);
    expect(mail.data).toMatch(new RegExp(`^To: ${escapeRegExp(to)}\r$`, 'm'));
    expect(mail.data).toMatch(new RegExp(`^X-Taskdeck-Task: ${about.id}\r$`, 'm'));
    expect(mail.data).toContain('First line.\r\nSecond line.');
    expect(smtp.rcptAttempts.get(to)).toBe(2);
  });

  it('fails at once, without retrying, when the server refuses the recipient for good', async () => {
    useSmtp();
    const to = uniqueAddress('nobody');
    const task = await createInternalTask('email.send', owner.principal.userId, {
      to,
      subject: 'Taskdeck: refused',
      text: 'Never delivered.',
    });
    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'failed', attempt: 1 });
    expect(done.error).toMatchObject({ code: 'smtp_rejected' });
    expect(done.error?.message).toMatch(/550/);
    expect(smtp.rcptAttempts.get(to)).toBe(1);
    expect(smtp.received.filter((mail) => mail.to.includes(to))).toEqual([]);
  });
});

describe('email.send without SMTP', () => {
  it('stores the RFC 822 message as the task output', async () => {
    useDevelopmentTransport();
    const to = uniqueAddress('dev');
    const task = await createInternalTask('email.send', owner.principal.userId, {
      to,
      subject: 'Taskdeck: development transport',
      text: 'Kept, not sent.',
    });
    const done = await bus.waitForUpdate(task.id, isTerminal);
    expect(done).toMatchObject({ status: 'succeeded', attempt: 1 });
    expect((await getTask(owner.principal, task.id)).result).toMatchObject({
      transport: 'development',
      to,
      subject: 'Taskdeck: development transport',
    });

    const files = await getPrisma().taskFile.findMany({ where: { taskId: task.id } });
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({
      role: 'output',
      kind: 'email',
      name: 'message.eml',
      contentType: 'message/rfc822',
      storageKey: `tasks/${task.id}/outputs/message.eml`,
    });

    const file = await openTaskResult(owner.principal, task.id, NO_AUDIT_CONTEXT);
    expect(file).toMatchObject({ name: 'message.eml', contentType: 'message/rfc822' });
    const raw = await text(file.stream);
    expect(Number(files[0]!.size)).toBe(Buffer.byteLength(raw));
    const [head = '', body] = raw.split('\r\n\r\n');
    const headers = head.split('\r\n');
    expect(headers).toContain('Subject: Taskdeck: development transport');
    expect(headers).toContain('From: Taskdeck <noreply@example.test>');
    expect(headers).toContain(`To: ${to}`);
    expect(headers).toContain('Auto-Submitted: auto-generated');
    expect(headers.some((header) => /^Message-ID: <.+>$/.test(header))).toBe(true);
    expect(body).toBe('Kept, not sent.\r\n');
    // Line endings are CRLF throughout, as on the wire.
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });
});

describe('completion notices', () => {
  async function emailsAbout(taskId: string): Promise<TaskView[]> {
    const rows = await getPrisma().task.findMany({
      where: { type: 'email.send', payload: { path: ['aboutTaskId'], equals: taskId } },
    });
    return Promise.all(rows.map((row) => getTask(owner.principal, row.id)));
  }

  /** The notice is queued before the job completes, so a completed job means it was decided. */
  async function settle(task: TaskView, queue: string, state: 'completed' | 'failed') {
    const done = await bus.waitForUpdate(task.id, isTerminal, 20_000);
    await waitForJobState(queue, task.id, [state]);
    return done;
  }

  it('emails an owner who opted in when a task succeeds, and nobody else', async () => {
    useDevelopmentTransport();
    const other = await createTestUser('user', 'quiet');
    await setCompletionEmails(owner.principal, true);
    const payload = { from: '2001-06-01', to: '2001-06-01' };
    const mine = await createTask(owner.principal, { type: 'report.generate', payload });
    const theirs = await createTask(other.principal, { type: 'report.generate', payload });
    expect(await settle(mine, 'reports', 'completed')).toMatchObject({ status: 'succeeded' });
    expect(await settle(theirs, 'reports', 'completed')).toMatchObject({ status: 'succeeded' });

    expect(await emailsAbout(theirs.id)).toEqual([]);
    const [email, ...more] = await emailsAbout(mine.id);
    expect(more).toEqual([]);
    // A child of the task it is about: listed under it, not as a row of its own.
    expect(email).toMatchObject({
      ownerId: owner.principal.userId,
      type: 'email.send',
      parentTaskId: mine.id,
    });
    const sent = email!.payload as { to: string; subject: string; text: string };
    expect(sent.to).toBe(owner.email);
    expect(sent.subject).toBe('Taskdeck: report.generate succeeded');
    expect(sent.text).toContain(`Task: ${mine.id}`);
    expect(sent.text).toContain('Status: succeeded');
    expect(sent.text).toMatch(new RegExp(`https?://[^\\s]+/tasks/${mine.id}$`, 'm'));

    // The email task itself runs and ends without a notice about it.
    expect(await settle(email!, 'notifications', 'completed')).toMatchObject({
      status: 'succeeded',
    });
    expect(await emailsAbout(email!.id)).toEqual([]);
  });

  it('sends one notice for a task that fails after its retries, with the error; none for a cancel', async () => {
    useDevelopmentTransport();
    await setCompletionEmails(owner.principal, true);
    const failing = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0, failAtStep: 1 },
    });
    expect(await settle(failing, 'diagnostics', 'failed')).toMatchObject({
      status: 'failed',
      attempt: 3,
    });
    const emails = await emailsAbout(failing.id);
    expect(emails).toHaveLength(1);
    const sent = emails[0]!.payload as { subject: string; text: string };
    expect(sent.subject).toBe('Taskdeck: diagnostics.simulate failed');
    expect(sent.text).toContain('Simulated failure at step 1');
    expect(sent.text).toContain('Attempts: 3 of 3');

    const cancelled = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 200, stepMs: 50 },
    });
    await bus.waitForUpdate(cancelled.id, (u) => u.status === 'running');
    await cancelTask(owner.principal, cancelled.id, NO_AUDIT_CONTEXT);
    expect(await settle(cancelled, 'diagnostics', 'failed')).toMatchObject({
      status: 'cancelled',
    });
    expect(await emailsAbout(cancelled.id)).toEqual([]);
  });

  it('stops once the owner opts out', async () => {
    await setCompletionEmails(owner.principal, false);
    const task = await createTask(owner.principal, {
      type: 'diagnostics.simulate',
      payload: { steps: 1, stepMs: 0 },
    });
    await settle(task, 'diagnostics', 'completed');
    expect(await emailsAbout(task.id)).toEqual([]);
  });
});
