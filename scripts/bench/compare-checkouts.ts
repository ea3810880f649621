import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { BenchSetupError, parseWholeNumber, runScript } from './bench-script';
import { ROOT } from './bench-settings';

// Before/after figures for a change: the pickup-latency and create-throughput benchmarks run on
// two checkouts (each with its own production build), back to back, for a few rounds with the
// order alternating, so a machine that gets busier or quieter during the run weighs on both
// sides alike. Prints the median of each figure per side and the after/before ratio.
//
//   npx tsx scripts/bench/compare-checkouts.ts --before /work/bench-before [--after .]
//       [--rounds 3] [--requests 2000] [--sync]
//
// Both sides must run the same benchmark code: the harness files below must be identical in
// the two checkouts (--sync copies this checkout's over the other's). The app code each
// benchmark drives is each checkout's own.

const HARNESS_FILES = [
  'scripts/bench/bench-client.ts',
  'scripts/bench/bench-env.ts',
  'scripts/bench/bench-machine.ts',
  'scripts/bench/bench-process.ts',
  'scripts/bench/bench-script.ts',
  'scripts/bench/bench-settings.ts',
  'scripts/bench/bench-stats.ts',
  'scripts/bench/create-bench-key.ts',
  'scripts/bench/create-throughput.ts',
  'scripts/bench/pickup-latency.ts',
  // The typed REST client bench-client.ts sends with (it needs openapi-fetch installed there).
  'lib/api/openapi-types.ts',
  'tests/support/api-client.ts',
  'tests/support/reset-services.ts',
];

interface RoundFigures {
  pickupP50: number;
  pickupP99: number;
  createPerSecond: number;
  createP50: number;
  createP99: number;
  createFailures: number;
  rawPerSecond: number;
  /** Taskdeck's creates per raw BullMQ add: steadier than either when the machine is shared. */
  createOverRaw: number;
}

type Side = 'before' | 'after';

async function digest(file: string): Promise<string | null> {
  try {
    return createHash('sha256')
      .update(await readFile(file))
      .digest('hex');
  } catch {
    return null;
  }
}

async function checkSameHarness(before: string, after: string, sync: boolean): Promise<void> {
  const differing: string[] = [];
  for (const file of HARNESS_FILES) {
    if ((await digest(path.join(before, file))) !== (await digest(path.join(after, file)))) {
      differing.push(file);
    }
  }
  if (differing.length === 0) return;
  if (!sync) {
    throw new BenchSetupError(
      `The two checkouts run different benchmark code (${differing.join(', ')}). ` +
        'Copy the after side’s over the before side’s, or pass --sync to do so.',
    );
  }
  for (const file of differing) {
    await mkdir(path.dirname(path.join(before, file)), { recursive: true });
    await copyFile(path.join(after, file), path.join(before, file));
  }
  console.log(`copied to ${before}: ${differing.join(', ')}`);
}

/** Runs one benchmark script in a checkout; resolves with its whole output. */
function runBench(checkout: string, script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: checkout,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => {
      if (code === 0) resolve(output);
      else reject(new BenchSetupError(`${script} in ${checkout} exited ${code}:\n${output}`));
    });
  });
}

function parseFigures(pickupOutput: string, createOutput: string): RoundFigures {
  const pickup = /^ {2}pickup \(n=\d+\): p50 (-?[\d.]+) ms .* p99 (-?[\d.]+) ms/m.exec(
    pickupOutput,
  );
  const create = /^BENCH_RESULT create-throughput (.+)$/m.exec(createOutput);
  if (!pickup || !create?.[1]) {
    throw new BenchSetupError('could not read the figures from the benchmark output');
  }
  const result = JSON.parse(create[1]) as {
    raw: { perSecond: number };
    taskdeck: { perSecond: number; p50: number; p99: number; failures: number };
  };
  return {
    pickupP50: Number(pickup[1]),
    pickupP99: Number(pickup[2]),
    createPerSecond: result.taskdeck.perSecond,
    createP50: result.taskdeck.p50,
    createP99: result.taskdeck.p99,
    createFailures: result.taskdeck.failures,
    rawPerSecond: result.raw.perSecond,
    createOverRaw: result.taskdeck.perSecond / result.raw.perSecond,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

interface Row {
  label: string;
  key: keyof RoundFigures;
  digits: number;
  /** Which way is better: a regression is a change the other way by more than 10%. */
  better: 'lower' | 'higher' | 'none';
}

const ROWS: Row[] = [
  { label: 'pickup latency p50 (ms)', key: 'pickupP50', digits: 0, better: 'lower' },
  { label: 'pickup latency p99 (ms)', key: 'pickupP99', digits: 0, better: 'lower' },
  { label: 'create throughput (tasks/s)', key: 'createPerSecond', digits: 0, better: 'higher' },
  { label: 'create latency p50 (ms)', key: 'createP50', digits: 1, better: 'lower' },
  { label: 'create latency p99 (ms)', key: 'createP99', digits: 1, better: 'lower' },
  { label: 'create failures (non-201)', key: 'createFailures', digits: 0, better: 'none' },
  { label: 'raw BullMQ add (jobs/s), control', key: 'rawPerSecond', digits: 0, better: 'none' },
  { label: 'create throughput / raw BullMQ', key: 'createOverRaw', digits: 3, better: 'higher' },
];

function verdict(row: Row, before: number, after: number): string {
  if (row.better === 'none' || before === 0) return '';
  const ratio = after / before;
  const regressed = row.better === 'lower' ? ratio > 1.1 : ratio < 0.9;
  return regressed ? 'REGRESSION > 10%' : 'ok';
}

function formatTable(rounds: Record<Side, RoundFigures[]>): string {
  const lines = [
    '| figure | before | after | after/before | verdict | before, per round | after, per round |',
    '| --- | ---: | ---: | ---: | --- | --- | --- |',
  ];
  for (const row of ROWS) {
    const values = (side: Side) => rounds[side].map((figures) => figures[row.key]);
    const before = median(values('before'));
    const after = median(values('after'));
    const ratio = before === 0 ? '' : (after / before).toFixed(2);
    const perRound = (side: Side) =>
      values(side)
        .map((v) => v.toFixed(row.digits))
        .join(', ');
    lines.push(
      `| ${row.label} | ${before.toFixed(row.digits)} | ${after.toFixed(row.digits)} | ${ratio} | ${verdict(row, before, after)} | ${perRound('before')} | ${perRound('after')} |`,
    );
  }
  return lines.join('\n');
}

async function describeCheckout(checkout: string): Promise<string> {
  const output = await new Promise<string>((resolve) => {
    const child = spawn('git', ['-C', checkout, 'describe', '--always', '--dirty'], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('close', () => resolve(text.trim() || 'unknown'));
  });
  return `${checkout} (${output})`;
}

runScript(async () => {
  const { values } = parseArgs({
    options: {
      before: { type: 'string' },
      after: { type: 'string' },
      rounds: { type: 'string' },
      requests: { type: 'string' },
      sync: { type: 'boolean' },
    },
  });
  if (!values.before) throw new BenchSetupError('--before <checkout> is required');
  const checkouts: Record<Side, string> = {
    before: path.resolve(values.before),
    after: path.resolve(values.after ?? ROOT),
  };
  const rounds = parseWholeNumber(values.rounds, 3, 1, 50);
  const requests = String(parseWholeNumber(values.requests, 2_000, 1, 1_000_000));
  await checkSameHarness(checkouts.before, checkouts.after, values.sync ?? false);

  const logDir = path.join(ROOT, '.data/bench-compare', new Date().toISOString());
  await mkdir(logDir, { recursive: true });
  const results: Record<Side, RoundFigures[]> = { before: [], after: [] };
  for (let round = 1; round <= rounds; round += 1) {
    const order: Side[] = round % 2 === 1 ? ['before', 'after'] : ['after', 'before'];
    for (const side of order) {
      process.stderr.write(`round ${round}/${rounds}: ${side}…\n`);
      const checkout = checkouts[side];
      const pickup = await runBench(checkout, 'scripts/bench/pickup-latency.ts', []);
      const create = await runBench(checkout, 'scripts/bench/create-throughput.ts', [
        '--requests',
        requests,
      ]);
      await writeFile(path.join(logDir, `round${round}-${side}.log`), `${pickup}\n${create}`);
      results[side].push(parseFigures(pickup, create));
    }
  }
  console.log(
    [
      '',
      `Before/after: median of ${rounds} rounds, each running both checkouts (order alternating); pickup: 200 sequential tasks on an idle system; create: ${requests} POST /api/v1/tasks from 32 callers`,
      `  before: ${await describeCheckout(checkouts.before)}`,
      `  after:  ${await describeCheckout(checkouts.after)}`,
      `  logs:   ${logDir}`,
      '',
      formatTable(results),
    ].join('\n'),
  );
});
