import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type pg from 'pg';

// CPU time of processes from /proc (Linux), and of the Postgres backends serving one database,
// which come and go as the connection pools open and close connections.

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

interface ProcStat {
  /** utime + stime, in milliseconds. */
  cpuMs: number;
  /** Clock ticks after boot when the process started: with the pid, names one process. */
  startTime: number;
}

async function readProcStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // gone already
  }
  // The command name (field 2) may hold spaces and parentheses: count fields after its end.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // fields 14 and 15: utime, stime
  return { cpuMs: (ticks * 1_000) / CLOCK_TICKS_PER_SECOND, startTime: Number(fields[19]) };
}

/** User + system CPU a live process has used so far, in milliseconds. */
export async function readCpuMs(pid: number): Promise<number> {
  const stat = await readProcStat(pid);
  if (!stat) throw new Error(`process ${pid} is gone: cannot read its CPU time`);
  return stat.cpuMs;
}

export interface BackendMark {
  cpuMs: Map<string, number>;
  alive: Set<string>;
}

export interface BackendCosts {
  cpuMs: number;
  /** Backends seen at any time in the window. */
  seen: number;
  started: number;
  ended: number;
}

const SAMPLE_MS = 200;

/**
 * Samples the backends of `database` every 200 ms: a backend that exits between two samples
 * keeps the CPU time last read (up to 200 ms of its work is missed), and one that starts and
 * ends between two samples is not seen at all. Postgres' own background processes (WAL
 * writer, checkpointer) serve every database of the cluster and are left out.
 */
export class BackendCpuTracker {
  private readonly cpuByBackend = new Map<string, number>();
  private alive = new Set<string>();
  private readonly timer: NodeJS.Timeout;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    private readonly monitor: pg.Client,
    private readonly database: string,
    private readonly excludePids: () => number[],
  ) {
    this.timer = setInterval(() => void this.sample().catch(() => undefined), SAMPLE_MS);
    this.timer.unref();
  }

  /** One sample now (after any sample under way), so a mark is up to date. */
  sample(): Promise<void> {
    this.sampling = this.sampling.catch(() => undefined).then(() => this.takeSample());
    return this.sampling;
  }

  private async takeSample(): Promise<void> {
    const { rows } = await this.monitor.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1 AND NOT (pid = ANY($2::int[]))',
      [this.database, this.excludePids()],
    );
    const alive = new Set<string>();
    await Promise.all(
      rows.map(async ({ pid }) => {
        const stat = await readProcStat(pid);
        if (!stat) return;
        const key = `${pid}:${stat.startTime}`;
        alive.add(key);
        this.cpuByBackend.set(key, stat.cpuMs);
      }),
    );
    this.alive = alive;
  }

  async mark(): Promise<BackendMark> {
    await this.sample();
    return { cpuMs: new Map(this.cpuByBackend), alive: new Set(this.alive) };
  }

  async costsSince(mark: BackendMark): Promise<BackendCosts> {
    await this.sample();
    let cpuMs = 0;
    let seen = 0;
    let started = 0;
    let ended = 0;
    for (const [key, now] of this.cpuByBackend) {
      const before = mark.cpuMs.get(key);
      const wasAlive = mark.alive.has(key);
      if (before !== undefined && !wasAlive) continue; // ended before the window
      seen += 1;
      if (before === undefined) started += 1;
      if (!this.alive.has(key)) ended += 1;
      cpuMs += now - (before ?? 0);
    }
    return { cpuMs, seen, started, ended };
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
