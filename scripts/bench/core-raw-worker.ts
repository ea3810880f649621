import { createInterface } from 'node:readline';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

// The bare BullMQ worker process of the core-path benchmark, the floor Taskdeck's worker is
// compared with: no-op processors, nothing else. Built to plain JavaScript by core-children.ts
// and run with plain node, as dist/worker.mjs is, so neither side pays for a transpiler.
//
// BENCH_RAW_IDLE_QUEUES=a,b,...: start one idle Worker per queue, print RAW_IDLE (for memory).
// Otherwise it takes commands on stdin, one JSON object a line:
//   {"queue":"bench-raw-x","concurrency":16,"expect":2000}
// starts a Worker on that queue; prints `RAW_STARTED <epoch ms>` as it starts taking jobs,
// `RAW_DONE <epoch ms>` when `expect` jobs have completed, then `RAW_CLOSED` once it is closed.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = process.env.QUEUE_PREFIX ?? '{taskdeck-bench}';

interface RunCommand {
  queue: string;
  concurrency: number;
  expect: number;
}

function connect(): Redis {
  return new Redis(REDIS_URL, { maxRetriesPerRequest: null });
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function runOnce(command: RunCommand): Promise<void> {
  const connection = connect();
  const worker = new Worker(command.queue, async () => undefined, {
    connection,
    prefix: PREFIX,
    concurrency: command.concurrency,
    autorun: false,
  });
  worker.on('error', (error) => process.stderr.write(`raw worker error: ${error.message}\n`));
  let completed = 0;
  const allDone = new Promise<void>((resolve) => {
    worker.on('completed', () => {
      completed += 1;
      if (completed === command.expect) {
        say(`RAW_DONE ${Date.now()}`);
        resolve();
      }
    });
  });
  await worker.waitUntilReady();
  say(`RAW_STARTED ${Date.now()}`);
  void worker.run();
  await allDone;
  await worker.close();
  connection.disconnect();
  say('RAW_CLOSED');
}

function parseCommand(line: string): RunCommand {
  const value = JSON.parse(line) as Partial<RunCommand>;
  if (
    typeof value.queue !== 'string' ||
    !Number.isInteger(value.concurrency) ||
    !Number.isInteger(value.expect)
  ) {
    throw new Error(`bad command: ${line}`);
  }
  return value as RunCommand;
}

async function idle(queues: string[]): Promise<void> {
  const workers = queues.map(
    (queue) => new Worker(queue, async () => undefined, { connection: connect(), prefix: PREFIX }),
  );
  await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  say('RAW_IDLE');
}

const idleQueues = process.env.BENCH_RAW_IDLE_QUEUES;
if (idleQueues) {
  await idle(idleQueues.split(','));
} else {
  // One command at a time: the next line waits until the run before it has closed.
  let chain = Promise.resolve();
  createInterface({ input: process.stdin }).on('line', (line) => {
    chain = chain
      .then(() => runOnce(parseCommand(line)))
      .catch((error: unknown) => {
        process.stderr.write(`raw worker failed: ${String(error)}\n`);
        process.exit(1);
      });
  });
}
process.on('SIGTERM', () => process.exit(0));
