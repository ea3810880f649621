import { withBenchEnv } from './bench-env';
import { runScript } from './bench-script';
import { measureCreateThroughput, printCreateThroughput } from './create-throughput';
import { measureFileFigures, printFileFigures } from './file-figures';
import { formatVerdict } from './bench-stats';
import {
  assertCancelsClean,
  measureCancelLatency,
  printCancelLatency,
  type CancelLatencyResult,
} from './cancel-latency';
import {
  PICKUP_TARGET_P50_MS,
  measurePickupLatency,
  printPickupLatency,
  type PickupLatencyResult,
} from './pickup-latency';
import {
  PROGRESS_TARGET_P99_MS,
  measureProgressLatency,
  printProgressLatency,
  type ProgressLatencyResult,
} from './progress-latency';
import { measureSseLatency, printSseLatency, type SseBenchResult } from './sse-latency';

// `npm run bench`: every benchmark against one fresh environment, one after the other
// (never overlapping, so the pickup figures are taken on an idle system).

function printSummary(
  progress: ProgressLatencyResult,
  pickup: PickupLatencyResult,
  cancel: CancelLatencyResult,
  sse: SseBenchResult,
): void {
  const p = progress.latency;
  const q = pickup.pickup;
  const s = cancel.signal;
  const u = cancel.uiCancelled;
  console.log(
    [
      '',
      '=== Taskdeck benchmark summary ===',
      `progress latency  n=${p.count} at ${progress.emitRate.toFixed(0)} ev/s, lost ${progress.lost}` +
        `  p50 ${p.p50.toFixed(2)} ms  p90 ${p.p90.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms  max ${p.max.toFixed(2)} ms` +
        `  [p99 < ${PROGRESS_TARGET_P99_MS} ms: ${formatVerdict(progress.pass)}]`,
      `pickup latency    n=${q.count} idle, ${pickup.negative} negative` +
        `  p50 ${q.p50.toFixed(0)} ms  p90 ${q.p90.toFixed(0)} ms  p99 ${q.p99.toFixed(0)} ms  max ${q.max.toFixed(0)} ms` +
        `  [p50 < ${PICKUP_TARGET_P50_MS} ms: ${formatVerdict(pickup.pass)}] (ms resolution)`,
      `cancel -> signal  n=${s.count}, ${cancel.options.concurrency} at a time` +
        `  p50 ${s.p50.toFixed(2)} ms  p90 ${s.p90.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms  max ${s.max.toFixed(2)} ms`,
      `cancel -> UI      n=${u.count}, 'cancelled' at the socket client` +
        `  p50 ${u.p50.toFixed(2)} ms  p90 ${u.p90.toFixed(2)} ms  p99 ${u.p99.toFixed(2)} ms  max ${u.max.toFixed(2)} ms` +
        `  [${cancel.problems.length} problems]`,
      `SSE vs Socket.IO  n=${sse.sse.latency.latency.count}, p99 ${sse.sse.latency.latency.p99.toFixed(2)} ms vs ${sse.socketIo.latency.latency.p99.toFixed(2)} ms` +
        `; load ${sse.sse.load.rate.toFixed(0)} vs ${sse.socketIo.load.rate.toFixed(0)} ev/s, lost ${sse.sse.load.lost} vs ${sse.socketIo.load.lost}` +
        `; OpenAPI ${sse.openApi.documented} documented / ${sse.openApi.served} served`,
      `machine: ${cancel.machine}`,
      '==================================',
    ].join('\n'),
  );
}

runScript(async () => {
  await withBenchEnv(async (env) => {
    const progress = await measureProgressLatency(env);
    printProgressLatency(progress);
    const pickup = await measurePickupLatency(env);
    printPickupLatency(pickup);
    const cancel = await measureCancelLatency(env);
    printCancelLatency(cancel);
    const sse = await measureSseLatency(env);
    printSseLatency(sse);
    printSummary(progress, pickup, cancel, sse);
    assertCancelsClean(cancel);
  });
  // Its own fresh environment: thousands of queued tasks must not weigh on the figures above,
  // and its paused queue must not hold up the benchmarks that need a running worker.
  await withBenchEnv(async (env) => {
    console.log('\n=== Create throughput: raw BullMQ against Taskdeck ===');
    printCreateThroughput(await measureCreateThroughput(env));
  });
  // Its own fresh environment: the figures of a 1 GiB upload must not carry the memory of the
  // benchmarks before it.
  await withBenchEnv(async (env) => {
    console.log('\n=== Files: a 1 GiB CSV, uploaded and processed ===');
    printFileFigures(await measureFileFigures(env));
  });
});
