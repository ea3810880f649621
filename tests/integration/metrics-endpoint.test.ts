import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getEnv, resetEnvCache } from '@/lib/env';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients, getPrisma } from '@/server/infra/clients';
import { handleMetricsRequest } from '@/server/metrics/metrics-endpoint';
import { cancelTask } from '@/server/tasks/task-control';
import { createTask } from '@/server/tasks/task-submission';
import { BusRecorder, isTerminal } from '../support/bus-recorder';
import { sampleValue } from '../support/prometheus-text';
import { killAllSpawned, spawnEntry } from '../support/spawn-process';
import { createTestUser, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// GET /metrics as this process serves it (it stands for any web node): the token, the text
// format, and figures that come from shared state, so tasks a separate worker process finished
// are counted here. tests/e2e/metrics-prometheus.test.ts has a real Prometheus read it.

const bus = new BusRecorder();
let owner: TestUser;
const token = () => getEnv().METRICS_TOKEN!;

async function scrape(headers: Record<string, string> = { authorization: `Bearer ${token()}` }) {
  const response = await handleMetricsRequest({ method: 'GET', headers: new Headers(headers) });
  return { response, text: await response.text() };
}

async function scrapeText(): Promise<string> {
  const { response, text } = await scrape();
  expect(response.status, text).toBe(200);
  return text;
}

const SIMULATE = 'diagnostics.simulate';

function finished(text: string, status: string): number {
  return sampleValue(text, 'taskdeck_tasks_finished_total', { type: SIMULATE, status }) ?? NaN;
}

beforeAll(async () => {
  owner = await createTestUser('user', 'metrics');
  await bus.start();
});

afterAll(async () => {
  await killAllSpawned();
  await bus.stop();
  await closeClients();
});

describe('GET /metrics', () => {
  it('answers the holder of METRICS_TOKEN in the Prometheus text format, every family named', async () => {
    const { response, text } = await scrape();
    expect(response.status, text).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const families = Object.fromEntries(
      [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1], match[2]]),
    );
    expect(families).toMatchObject({
      taskdeck_tasks_finished_total: 'counter',
      taskdeck_task_run_seconds: 'histogram',
      taskdeck_queue_waiting: 'gauge',
      taskdeck_queue_oldest_waiting_seconds: 'gauge',
      taskdeck_queue_live_workers: 'gauge',
      taskdeck_outbox_backlog: 'gauge',
      taskdeck_outbox_oldest_seconds: 'gauge',
      taskdeck_socket_connections: 'gauge',
      taskdeck_realtime_messages_received_total: 'counter',
      taskdeck_http_request_duration_seconds: 'histogram',
      process_resident_memory_bytes: 'gauge',
      bullmq_job_count: 'gauge',
      bullmq_job_completed_total: 'counter',
      bullmq_job_failed_total: 'counter',
    });
    // Each family once, though BullMQ writes one document per queue.
    const typeLines = [...text.matchAll(/^# TYPE (\S+)/gm)].map((match) => match[1]);
    expect(typeLines.length).toBe(new Set(typeLines).size);
    for (const queue of ['files', 'reports', 'diagnostics', 'notifications', 'maintenance']) {
      expect(sampleValue(text, 'taskdeck_queue_waiting', { queue }), queue).toBeGreaterThanOrEqual(
        0,
      );
      expect(sampleValue(text, 'bullmq_job_count', { queue, state: 'active' })).toBeDefined();
    }
    // BullMQ's own export covers the schedules queue too.
    expect(
      sampleValue(text, 'bullmq_job_count', { queue: 'schedules', state: 'delayed' }),
    ).toBeGreaterThanOrEqual(0);
    // Every known type starts from zero, so the first finish of a kind shows in rate().
    expect(finished(text, 'cancelled')).toBeGreaterThanOrEqual(0);

    const head = await handleMetricsRequest({
      method: 'HEAD',
      headers: new Headers({ authorization: `Bearer ${token()}` }),
    });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses a missing, wrong or non-bearer token with 401 problem+json', async () => {
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: `Basic ${token()}` },
      { authorization: `Bearer ${token()}x` },
      { authorization: `Bearer ${token().slice(0, -1)}` },
      { authorization: 'Bearer td_an-api-key-is-not-the-token' },
      { authorization: `Bearer ${token()} ${token()}` },
    ];
    for (const headers of refused) {
      const { response, text } = await scrape(headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(JSON.parse(text)).toMatchObject({ status: 401, code: 'unauthorized' });
      expect(text).not.toContain('taskdeck_');
    }
  });

  it('answers OPTIONS with its methods and any other method 405 with Allow', async () => {
    const headers = new Headers({ authorization: `Bearer ${token()}` });
    const options = await handleMetricsRequest({ method: 'OPTIONS', headers });
    expect(options.status).toBe(204);
    expect(options.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    for (const method of ['POST', 'DELETE', 'PROPFIND']) {
      const response = await handleMetricsRequest({ method, headers });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    }
  });

  it('is off without METRICS_TOKEN: 404 for everyone', async () => {
    const configured = process.env.METRICS_TOKEN;
    process.env.METRICS_TOKEN = '';
    resetEnvCache();
    try {
      const { response, text } = await scrape({ authorization: `Bearer ${configured}` });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(JSON.parse(text)).toMatchObject({ status: 404, code: 'not_found' });
    } finally {
      process.env.METRICS_TOKEN = configured;
      resetEnvCache();
    }
  });

  it('shows waiting jobs and the outbox, then counts what another process finished', async () => {
    const before = await scrapeText();
    const tasks = await Promise.all(
      Array.from({ length: 3 }, () =>
        createTask(owner.principal, { type: SIMULATE, payload: { steps: 2, stepMs: 150 } }),
      ),
    );
    const cancelled = await createTask(owner.principal, {
      type: SIMULATE,
      payload: { steps: 1, stepMs: 0 },
      delayMs: 86_400_000,
    });
    // An entry the relay has not taken (no relay runs in this tier): a job still owed to Redis.
    const stuckJob = `metrics-test-${randomUUID()}`;
    await getPrisma().$executeRaw`
      INSERT INTO task_outbox (job_id, task_id, created_at, due_at)
      VALUES (${stuckJob}, ${cancelled.id}::uuid, now() - interval '90 seconds', now() + interval '1 day')`;
    try {
      // No worker serves the queue yet: the jobs wait, and the oldest has waited a while.
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const waiting = await scrapeText();
      expect(
        sampleValue(waiting, 'taskdeck_queue_waiting', { queue: 'diagnostics' }),
      ).toBeGreaterThanOrEqual(3);
      expect(
        sampleValue(waiting, 'taskdeck_queue_oldest_waiting_seconds', { queue: 'diagnostics' }),
      ).toBeGreaterThanOrEqual(1);
      expect(sampleValue(waiting, 'taskdeck_outbox_backlog')).toBeGreaterThanOrEqual(1);
      expect(sampleValue(waiting, 'taskdeck_outbox_oldest_seconds')).toBeGreaterThanOrEqual(90);
    } finally {
      await getPrisma().$executeRaw`DELETE FROM task_outbox WHERE job_id = ${stuckJob}`;
    }

    // This process cancels one; a worker process of its own finishes the others.
    await cancelTask(owner.principal, cancelled.id, NO_AUDIT_CONTEXT);
    const worker = spawnEntry('worker/main.ts', { LOG_LEVEL: 'info' }, ['--queues', 'diagnostics']);
    try {
      await worker.waitForOutput(/worker started/, 60_000);
      await Promise.all(tasks.map((task) => bus.waitForUpdate(task.id, isTerminal, 30_000)));
      const live = await scrapeText();
      expect(
        sampleValue(live, 'taskdeck_queue_live_workers', { queue: 'diagnostics' }),
      ).toBeGreaterThanOrEqual(1);
    } finally {
      await worker.stop('SIGTERM');
    }

    const runs = (text: string) =>
      sampleValue(text, 'taskdeck_task_run_seconds_count', { type: SIMULATE }) ?? 0;
    const runSeconds = (text: string) =>
      sampleValue(text, 'taskdeck_task_run_seconds_sum', { type: SIMULATE }) ?? 0;
    // The counts are written just after each status change, without holding it up.
    const after = await waitFor(async () => {
      const text = await scrapeText();
      return finished(text, 'succeeded') >= finished(before, 'succeeded') + 3 ? text : undefined;
    }, 'the finished tasks to be counted');
    expect(finished(after, 'cancelled')).toBeGreaterThanOrEqual(finished(before, 'cancelled') + 1);
    // Earlier test files may have left jobs of this queue that the worker ran too.
    const succeeded = finished(after, 'succeeded') - finished(before, 'succeeded');
    expect(runs(after) - runs(before)).toBeGreaterThanOrEqual(succeeded);
    // Two steps of 150 ms each.
    expect(runSeconds(after) - runSeconds(before)).toBeGreaterThanOrEqual(3 * 0.3 - 0.05);
    const bucketed = sampleValue(after, 'taskdeck_task_run_seconds_bucket', {
      type: SIMULATE,
      le: '+Inf',
    });
    expect(bucketed).toBe(runs(after));
  }, 120_000);
});
