import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { findFreePort } from './private-redis';

// A real Prometheus (Debian's package) of the test's own: a temporary config and storage, a
// free port, scraping the given targets' /metrics with the bearer token every second. Never
// the package's own service on :9090 (scripts/ensure-prometheus.sh keeps it from starting).

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusServer {
  url: string;
  /** An instant query through the HTTP API. */
  query(expression: string): Promise<PromSeries[]>;
  stop(): Promise<void>;
}

/** Installs the package when it is missing (as npm test does), or says how. */
export async function ensurePrometheus(): Promise<void> {
  await run('bash', [path.join(root, 'scripts/ensure-prometheus.sh')], { timeout: 300_000 });
}

/** `promtool check metrics` on a scrape: its exit code and what it found. */
export async function checkMetrics(text: string): Promise<{ code: number; findings: string[] }> {
  return new Promise((resolve, reject) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      if (code === -1) return reject(error);
      const findings = `${stdout}\n${stderr}`
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      resolve({ code, findings });
    });
    child.stdin?.end(text);
  });
}

export async function startPrometheus(options: {
  targets: string[];
  token: string;
}): Promise<PrometheusServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'taskdeck-prometheus-'));
  const port = await findFreePort();
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, options.token, { mode: 0o600 });
  const hosts = options.targets.map((target) => `'${new URL(target).host}'`).join(', ');
  await writeFile(
    path.join(dir, 'prometheus.yml'),
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      'scrape_configs:',
      '  - job_name: taskdeck',
      '    metrics_path: /metrics',
      '    authorization:',
      '      type: Bearer',
      `      credentials_file: ${tokenFile}`,
      '    static_configs:',
      `      - targets: [${hosts}]`,
      '',
    ].join('\n'),
  );
  const child = spawn(
    'prometheus',
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(10_000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output}`);
      const ready = await fetch(`${url}/-/ready`).catch(() => null);
      if (ready?.ok) break;
      if (Date.now() > deadline) throw new Error(`prometheus did not get ready: ${output}`);
      await sleep(200);
    }
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    url,
    async query(expression) {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
      const body = (await response.json()) as {
        status: string;
        error?: string;
        data?: { result: PromSeries[] };
      };
      if (body.status !== 'success') throw new Error(`${expression}: ${body.error}`);
      return body.data?.result ?? [];
    },
    stop,
  };
}
