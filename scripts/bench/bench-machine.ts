import os from 'node:os';

/** What the figures were taken on: they mean little without it. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? 'unknown CPU';
  const memoryGiB = (os.totalmem() / 2 ** 30).toFixed(1);
  const load = os
    .loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  return `${cpus.length} x ${model}, ${memoryGiB} GiB RAM, ${os.type()} ${os.release()} ${os.arch()}, Node ${process.version}, load average ${load}`;
}
