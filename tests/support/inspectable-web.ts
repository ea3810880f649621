import { readFile } from 'node:fs/promises';
import WebSocket from 'ws';
import { spawnEntry, type SpawnedProcess } from './spawn-process';

// A web process of the production build of its own, for a test that measures its memory: the
// V8 inspector is on (loopback, a free port), so the test can collect garbage before reading
// RSS. Without that, RSS says more about when V8 last ran a full collection than about what the
// process holds on to.

export interface InspectableWeb {
  url: string;
  pid: number;
  process: SpawnedProcess;
  /** RSS (bytes) after two full garbage collections. */
  settledRss(): Promise<number>;
  /** RSS (bytes) as it is. */
  rss(): Promise<number>;
  /** The V8 heap in use (bytes) after the last settledRss(). */
  heapUsed(): number;
  stop(): Promise<void>;
}

async function readRss(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
  if (!kib) throw new Error(`no VmRSS for ${pid}`);
  return Number(kib) * 1024;
}

/** Collects garbage twice and answers the heap in use after. */
async function collectGarbage(inspectorUrl: string): Promise<number> {
  const socket = new WebSocket(inspectorUrl);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 0;
  type Reply = { id?: number; result?: { result?: { value?: unknown } } };
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<Reply>((resolve) => {
      const id = ++nextId;
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(data.toString()) as Reply;
        if (reply.id !== id) return;
        socket.off('message', onMessage);
        resolve(reply);
      };
      socket.on('message', onMessage);
      socket.send(JSON.stringify({ id, method, params }));
    });
  try {
    await send('HeapProfiler.enable');
    await send('HeapProfiler.collectGarbage');
    await send('HeapProfiler.collectGarbage');
    const usage = await send('Runtime.evaluate', {
      expression: 'process.memoryUsage().heapUsed',
      returnByValue: true,
    });
    return Number(usage.result?.result?.value ?? NaN);
  } finally {
    socket.close();
  }
}

export async function startInspectableWeb(): Promise<InspectableWeb> {
  const web = spawnEntry('dist/server.mjs', {
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'warn',
    NODE_OPTIONS: '--inspect=127.0.0.1:0',
  });
  try {
    const [, inspectorUrl] = await web.waitForOutput(/Debugger listening on (ws:\/\/\S+)/);
    const [, url] = await web.waitForOutput(/^TASKDECK_URL=(\S+)$/m);
    const pid = web.child.pid!;
    let heapUsed = NaN;
    return {
      url: url!,
      pid,
      process: web,
      settledRss: async () => {
        heapUsed = await collectGarbage(inspectorUrl!);
        return readRss(pid);
      },
      heapUsed: () => heapUsed,
      rss: () => readRss(pid),
      stop: async () => {
        await web.stop('SIGTERM');
      },
    };
  } catch (error) {
    await web.stop('SIGKILL');
    throw error;
  }
}
