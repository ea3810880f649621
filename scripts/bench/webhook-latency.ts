import { parseArgs } from 'node:util';
import { generateWebhookSecret, webhookHeaders } from '@/server/webhooks/webhook-signing';
import { WebhookReceiver } from '@/tests/support/webhook-receiver';
import { benchApi, postTask } from './bench-client';
import { withBenchEnv, type BenchEnv } from './bench-env';
import { BenchSetupError, isEntryPoint, parseWholeNumber, runScript } from './bench-script';
import { formatSummary, summarizeLatencies, type LatencySummary } from './bench-stats';

// `npm run bench:webhooks`: how long after a task ends its webhook reaches a receiver on
// loopback (the production web and worker, a real receiver verifying with standardwebhooks),
// against the raw baseline of one signed POST to the same receiver. The process that records
// the event fans it out at once; without that quick path the figure is the relay's interval
// (OUTBOX_RELAY_INTERVAL_MS, 2 s by default).

const WAIT_MS = 30_000;

export interface WebhookLatencyResult {
  tasks: number;
  /** Receiver arrival - the task's finishedAt. */
  finishToArrival: LatencySummary;
  /** Receiver arrival - the POST /api/v1/tasks request sent. */
  submitToArrival: LatencySummary;
  /** One signed POST straight to the receiver, request sent to answer read. */
  rawPost: LatencySummary;
}

async function registerEndpoint(env: BenchEnv, url: string): Promise<string> {
  const { data, response } = await benchApi(env).POST('/api/v1/webhooks', {
    body: { url, events: ['task.succeeded'] },
  });
  if (response.status !== 201 || !data?.secret) {
    throw new BenchSetupError(`POST /api/v1/webhooks answered ${response.status}`);
  }
  return data.secret;
}

async function waitForArrival(receiver: WebhookReceiver, path: string, taskId: string) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const found = receiver
      .at(path)
      .find((entry) => (entry.verified as { data?: { id?: string } } | null)?.data?.id === taskId);
    if (found) {
      if (found.verifyError) throw new BenchSetupError(`bad signature: ${found.verifyError}`);
      return found;
    }
    if (Date.now() > deadline) throw new BenchSetupError(`no webhook for ${taskId}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function measureRawPosts(receiver: WebhookReceiver, count: number): Promise<number[]> {
  const path = '/raw';
  const secret = generateWebhookSecret();
  receiver.expectSecret(path, secret);
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const body = JSON.stringify({ type: 'task.succeeded', timestamp: new Date().toISOString() });
    const started = performance.now();
    const response = await fetch(receiver.url(path), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...webhookHeaders(secret, `msg_${i}`, body) },
      body,
    });
    await response.text();
    samples.push(performance.now() - started);
  }
  return samples;
}

export async function measureWebhookLatency(tasks: number): Promise<WebhookLatencyResult> {
  const receiver = new WebhookReceiver();
  await receiver.start();
  const allow = { env: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } };
  try {
    return await withBenchEnv(
      async (env) => {
        const path = '/bench';
        receiver.expectSecret(path, await registerEndpoint(env, receiver.url(path)));
        const finish: number[] = [];
        const submit: number[] = [];
        for (let i = 0; i < tasks; i += 1) {
          const posted = await env.guard(
            postTask(env, 'diagnostics.simulate', { steps: 1, stepMs: 0 }),
          );
          const arrival = await env.guard(waitForArrival(receiver, path, posted.task.id));
          const data = (arrival.verified as { data: { finishedAt: string } }).data;
          finish.push(arrival.at - Date.parse(data.finishedAt));
          submit.push(arrival.at - posted.sentAt);
        }
        return {
          tasks,
          finishToArrival: summarizeLatencies(finish),
          submitToArrival: summarizeLatencies(submit),
          rawPost: summarizeLatencies(await measureRawPosts(receiver, tasks)),
        };
      },
      { web: allow, worker: allow },
    );
  } finally {
    await receiver.stop();
  }
}

export function printWebhookLatency(result: WebhookLatencyResult): void {
  console.log(
    [
      `Webhook delivery latency, ${result.tasks} tasks one after another (receiver on loopback):`,
      `  task finished -> webhook arrived  ${formatSummary(result.finishToArrival)}`,
      `  task submitted -> webhook arrived ${formatSummary(result.submitToArrival)}`,
      `  raw baseline: one signed POST     ${formatSummary(result.rawPost)}`,
      `  ratio (p50 finished -> arrived / raw POST): ${(result.finishToArrival.p50 / result.rawPost.p50).toFixed(0)}x`,
      '  (fan-out, the delivery task queued, picked up and run; the relay backstop is 2 s)',
    ].join('\n'),
  );
}

if (isEntryPoint(import.meta.url)) {
  runScript(async () => {
    const { values } = parseArgs({ options: { tasks: { type: 'string' } } });
    printWebhookLatency(await measureWebhookLatency(parseWholeNumber(values.tasks, 30, 1, 1000)));
  });
}
