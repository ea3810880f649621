import { readFile } from 'node:fs/promises';

// Resident memory of a process from /proc (Linux): the current size, and the kernel's own
// high-water mark, which catches peaks between samples.

async function readStatusKiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`no ${field} for process ${pid}`);
  return Number(match[1]);
}

export const MiB = 1024 * 1024;

export async function readRssBytes(pid: number): Promise<number> {
  return (await readStatusKiB(pid, 'VmRSS')) * 1024;
}

/** The peak resident size since the process started. */
export async function readPeakRssBytes(pid: number): Promise<number> {
  return (await readStatusKiB(pid, 'VmHWM')) * 1024;
}

/** Samples RSS every intervalMs until stopped; returns the samples, in bytes. */
export function sampleRss(pid: number, intervalMs = 100) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    readRssBytes(pid).then(
      (bytes) => samples.push(bytes),
      () => undefined,
    );
  }, intervalMs);
  return {
    samples,
    stop(): number[] {
      clearInterval(timer);
      return samples;
    },
  };
}
