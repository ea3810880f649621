import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { getEnv } from '@/lib/env';
import { listQueueConfigs } from '@/server/queues/queue-config';
import { createApiClient, requireData } from '../support/api-client';
import { sampleValue } from '../support/prometheus-text';
import {
  checkMetrics,
  ensurePrometheus,
  startPrometheus,
  type PrometheusServer,
} from '../support/prometheus-server';
import { spawnEntry, type SpawnedProcess } from '../support/spawn-process';
import { createTestApiKey, createTestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

// A real Prometheus reads /metrics of two web processes of the production build (the tier's
// own and one more): promtool accepts a scrape, both targets are up, and a task the worker
// finished is counted alike on both nodes, however many web nodes there are.

const baseUrl = inject('baseUrl');
let secondWeb: SpawnedProcess;
let secondUrl: string;
let prometheus: PrometheusServer;
let apiKey: string;
const token = () => getEnv().METRICS_TOKEN!;

const SIMULATE = 'diagnostics.simulate';
const FINISHED = `taskdeck_tasks_finished_total{type="${SIMULATE}",status="succeeded"}`;

async function scrape(url: string): Promise<string> {
  const response = await fetch(`${url}/metrics`, {
    headers: { authorization: `Bearer ${token()}` },
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return text;
}

/** One value per scraped web node, by instance. */
async function valuesByInstance(expression: string): Promise<Record<string, number>> {
  const series = await prometheus.query(expression);
  return Object.fromEntries(series.map((one) => [one.metric.instance ?? '', Number(one.value[1])]));
}

beforeAll(async () => {
  await ensurePrometheus();
  secondWeb = spawnEntry('dist/server.mjs', {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'warn',
  });
  const [, url] = await secondWeb.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
  secondUrl = url!;
  apiKey = await createTestApiKey(await createTestUser('user', 'metrics-e2e'));
  prometheus = await startPrometheus({ targets: [baseUrl, secondUrl], token: token() });
}, 300_000);

afterAll(async () => {
  await prometheus?.stop();
  await secondWeb?.stop('SIGTERM');
});

describe('Prometheus reads /metrics', () => {
  it('promtool accepts a real scrape; its one remark is about a name BullMQ chose', async () => {
    const started = performance.now();
    const text = await scrape(baseUrl);
    console.log(`one scrape over HTTP: ${(performance.now() - started).toFixed(1)} ms`);
    const { code, findings } = await checkMetrics(text);
    // Exit 3 is "lint problems" (1 would be a format error): BullMQ's own gauge is named
    // bullmq_job_count, which the lint takes for a summary's count. Nothing else may appear.
    expect(findings).toEqual([
      'bullmq_job_count non-histogram and non-summary metrics should not have "_count" suffix',
    ]);
    expect(code).toBe(3);
    // Without BullMQ's families, the rest lints clean.
    const ours = text
      .split('\n')
      .filter((line) => !/^(# (HELP|TYPE) )?bullmq_job_count\b/.test(line))
      .join('\n');
    expect(await checkMetrics(ours)).toEqual({ code: 0, findings: [] });
  });

  it('scrapes both web nodes with the token, and both count a finished task alike', async () => {
    const up = await waitFor(
      async () => {
        const values = await valuesByInstance('up{job="taskdeck"}');
        const all = Object.values(values);
        return all.length === 2 && all.every((value) => value === 1) ? values : undefined;
      },
      'both web nodes to be up in Prometheus',
      30_000,
    );
    expect(Object.keys(up).sort()).toEqual([new URL(baseUrl).host, new URL(secondUrl).host].sort());

    const before = sampleValue(await scrape(secondUrl), 'taskdeck_tasks_finished_total', {
      type: SIMULATE,
      status: 'succeeded',
    })!;
    const api = createApiClient(baseUrl, { apiKey });
    const created = await api.POST('/api/v1/tasks', {
      body: { type: SIMULATE, payload: { steps: 2, stepMs: 100 } },
    });
    expect(created.response.status).toBe(201);
    const task = requireData(created);
    await waitFor(
      async () => {
        const { data: view } = await api.GET('/api/v1/tasks/{id}', {
          params: { path: { id: task.id } },
        });
        return view?.status === 'succeeded' ? view : undefined;
      },
      'the task to succeed',
      30_000,
    );

    const counted = await waitFor(
      async () => {
        const values = await valuesByInstance(FINISHED);
        const all = Object.values(values);
        return all.length === 2 && all.every((value) => value >= before + 1) ? values : undefined;
      },
      'Prometheus to see the finished task on both nodes',
      30_000,
    );
    // Whichever node was scraped, the same total: it is shared state, not a per-process count.
    expect(new Set(Object.values(counted)).size).toBe(1);

    const runs = await valuesByInstance(`taskdeck_task_run_seconds_count{type="${SIMULATE}"}`);
    expect(Object.values(runs).every((value) => value >= 1)).toBe(true);
    const workers = await valuesByInstance('taskdeck_queue_live_workers{queue="diagnostics"}');
    expect(Object.values(workers)).toHaveLength(2);
    expect(Object.values(workers).every((value) => value >= 1)).toBe(true);
    // One series per queue the app has, from each node.
    const queues = listQueueConfigs().length;
    expect(await prometheus.query('taskdeck_queue_waiting')).toHaveLength(2 * queues);
    expect(await prometheus.query('taskdeck_queue_oldest_waiting_seconds')).toHaveLength(
      2 * queues,
    );
    expect(await prometheus.query('taskdeck_outbox_backlog')).toHaveLength(2);
    expect(await prometheus.query('taskdeck_socket_connections')).toHaveLength(2);
    expect(
      (await prometheus.query('bullmq_job_count{queue="diagnostics",state="completed"}')).length,
    ).toBe(2);
  });

  it('labels request durations by route pattern, never by the path', async () => {
    const series = await waitFor(
      async () => {
        const found = await prometheus.query(
          `taskdeck_http_request_duration_seconds_count{route="/api/v1/tasks/[id]",method="GET",status="200"}`,
        );
        return found.length > 0 ? found : undefined;
      },
      'the task reads to be scraped',
      30_000,
    );
    expect(Number(series[0]!.value[1])).toBeGreaterThanOrEqual(1);
    const routes = (
      await prometheus.query('group by (route) (taskdeck_http_request_duration_seconds_count)')
    ).map((one) => one.metric.route ?? '');
    expect(routes).toContain('/api/v1/tasks');
    expect(routes).toContain('/metrics');
    expect(routes.filter((route) => /[0-9a-f]{8}-[0-9a-f]{4}-/.test(route))).toEqual([]);
  });
});
