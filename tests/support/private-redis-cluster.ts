import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Cluster } from 'ioredis';
import { isPortFree } from './free-ports';

// A Redis Cluster of the test's own (3 masters, no replicas, nothing kept on disk), never the
// machine's Redis. Each node also listens on its port + 10000 (the cluster bus), so ports are
// picked where both are free, in a range the caller may choose.

const run = promisify(execFile);

export interface PrivateRedisCluster {
  /** For REDIS_CLUSTER_NODES: `127.0.0.1:p1,127.0.0.1:p2,…`. */
  nodes: string;
  ports: number[];
  /** Shuts every node down and removes their directory. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  masters?: number;
  /** Ports are looked for in [from, to); bus ports are these + 10000. */
  portRange?: { from: number; to: number };
}

const BUS_PORT_OFFSET = 10_000;
const DEFAULT_RANGE = { from: 17_000, to: 17_100 };

async function findClusterPorts(count: number, range: { from: number; to: number }) {
  const ports: number[] = [];
  for (let port = range.from; port < range.to && ports.length < count; port += 1) {
    if ((await isPortFree(port)) && (await isPortFree(port + BUS_PORT_OFFSET))) ports.push(port);
  }
  if (ports.length < count) {
    throw new Error(`no ${count} free Redis Cluster ports in ${range.from}-${range.to}`);
  }
  return ports;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-p', String(port), ...args]);
  return stdout;
}

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if (await check().catch(() => false)) return;
    await sleep(50);
  }
  throw new Error(`private Redis Cluster: ${what}`);
}

async function startNode(port: number, dir: string): Promise<void> {
  await run('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--dir',
    dir,
    '--logfile',
    path.join(dir, `redis-${port}.log`),
    '--pidfile',
    path.join(dir, `redis-${port}.pid`),
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    path.join(dir, `nodes-${port}.conf`),
    '--cluster-node-timeout',
    '5000',
    '--save',
    '',
    '--appendonly',
    'no',
  ]);
  await waitFor(async () => (await cli(port, 'ping')).trim() === 'PONG', `${port} did not start`);
}

async function stopNode(port: number): Promise<void> {
  await cli(port, 'shutdown', 'nosave').catch(() => undefined);
  await waitFor(async () => isPortFree(port), `${port} did not stop`);
}

export async function startPrivateRedisCluster(
  options: ClusterOptions = {},
): Promise<PrivateRedisCluster> {
  const ports = await findClusterPorts(options.masters ?? 3, options.portRange ?? DEFAULT_RANGE);
  const dir = await mkdtemp(path.join(tmpdir(), 'taskdeck-redis-cluster-'));
  const stop = async () => {
    await Promise.all(ports.map(stopNode));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(ports.map((port) => startNode(port, dir)));
    const addresses = ports.map((port) => `127.0.0.1:${port}`);
    await run('redis-cli', [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    for (const port of ports) {
      await waitFor(
        async () => (await cli(port, 'cluster', 'info')).includes('cluster_state:ok'),
        `${port} never reported cluster_state:ok`,
      );
    }
    return { nodes: addresses.join(','), ports, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `host:port,…` as Cluster start nodes. */
export function clusterStartNodes(nodes: string): Array<{ host: string; port: number }> {
  return nodes.split(',').map((node) => {
    const [host = '127.0.0.1', port = '0'] = node.split(':');
    return { host, port: Number(port) };
  });
}

/**
 * Every key of a prefix on every master: `{name}…` (one Redis, or keys that kept the plain tag)
 * and `{name:…` (the per-queue and per-group tags a cluster gets: server/queues/queue-clients.ts).
 */
export async function keysPerMaster(nodes: string, prefix: string): Promise<Map<string, string[]>> {
  const cluster = new Cluster(clusterStartNodes(nodes), {
    redisOptions: { maxRetriesPerRequest: 1 },
  });
  try {
    await waitForReady(cluster);
    const patterns = [`${prefix}*`, `${prefix.slice(0, -1)}:*`];
    const byMaster = new Map<string, string[]>();
    for (const master of cluster.nodes('master')) {
      const keys = new Set<string>();
      for (const pattern of patterns) {
        let cursor = '0';
        do {
          const [next, found] = await master.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
          cursor = next;
          for (const key of found) keys.add(key);
        } while (cursor !== '0');
      }
      byMaster.set(`${master.options.host}:${master.options.port}`, [...keys]);
    }
    return byMaster;
  } finally {
    cluster.disconnect();
  }
}

/** Deletes every key of a prefix on every master (one key per command: they are in many slots). */
export async function deleteClusterKeys(nodes: string, prefix: string): Promise<number> {
  const byMaster = await keysPerMaster(nodes, prefix);
  const cluster = new Cluster(clusterStartNodes(nodes));
  try {
    const keys = [...byMaster.values()].flat();
    await Promise.all(keys.map((key) => cluster.unlink(key)));
    return keys.length;
  } finally {
    cluster.disconnect();
  }
}

function waitForReady(cluster: Cluster): Promise<void> {
  if (cluster.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    cluster.once('ready', () => resolve());
    cluster.once('error', reject);
  });
}
