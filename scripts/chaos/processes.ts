import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { killAllSpawned, spawnEntry, type SpawnedProcess } from '@/tests/support/spawn-process';
import { onTeardown } from './teardown';

// The app under test, as production runs it: the built web bundle on a fixed port (so clients
// keep one URL across its restarts) and a set number of worker processes. A process that dies
// when no fault killed it is recorded and started again, as a process supervisor would.

const READY_TIMEOUT_MS = 90_000;
const RESTART_PAUSE_MS = 1_000;
const STOP_GRACE_MS = 10_000;

type Role = 'web' | 'worker';

export interface ProcessExit {
  name: string;
  role: Role;
  atMs: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when a fault killed it on purpose. */
  planned: boolean;
  /** The last lines it wrote, when nothing killed it. */
  tail?: string;
}

interface Member {
  name: string;
  role: Role;
  proc: SpawnedProcess;
  startedAt: number;
  ready: Promise<boolean>;
  planned: boolean;
}

/**
 * The child environment: the app's own settings as given to the harness (or the defaults),
 * with the connection settings always pointing at the private services.
 */
export function buildAppEnv(
  defaults: Record<string, string>,
  given: NodeJS.ProcessEnv,
  connections: { DATABASE_URL: string; REDIS_URL: string; PORT: string },
): Record<string, string> {
  const chosen = Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [key, given[key] || value]),
  );
  return {
    ...chosen,
    ...connections,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    NEXT_TELEMETRY_DISABLED: '1',
    // Empty means "not set" to lib/env.ts: a developer's shell must not change the topology.
    PUBLIC_URL: '',
    TRUST_PROXY_HEADERS: '',
    NEXT_DEV: '',
    WORKER_QUEUES: '',
    WORKER_CONCURRENCY: '',
  };
}

export class AppFleet {
  readonly exits: ProcessExit[] = [];
  readonly url: string;
  private readonly members: Member[] = [];
  private readonly started: Member[] = [];
  /** Exit times are counted from here (the run sets it to the start of the load). */
  epoch = Date.now();
  private counter = 0;
  private stopping = false;

  constructor(
    private readonly env: Record<string, string>,
    private readonly workerCount: number,
    private readonly logDir: string,
  ) {
    this.url = `http://127.0.0.1:${env.PORT}`;
    onTeardown('app processes', () => this.stop());
  }

  /** Starts the web and the workers and waits until each says it is ready. */
  async start(): Promise<void> {
    const launched = [this.launch('web')];
    for (let i = 0; i < this.workerCount; i += 1) launched.push(this.launch('worker'));
    for (const member of launched) {
      if (!(await member.ready))
        throw new Error(`${member.name} did not start:\n${member.proc.output()}`);
    }
  }

  /** SIGKILLs the longest-running worker and starts its replacement at once. */
  async killWorker(): Promise<string> {
    const victim = this.members
      .filter((member) => member.role === 'worker')
      .sort((a, b) => a.startedAt - b.startedAt)[0];
    if (!victim) return 'no worker alive';
    await this.kill(victim);
    if (!this.stopping) this.launch('worker');
    return victim.name;
  }

  /** SIGKILLs the web process, starts another on the same port; resolves when it serves. */
  async killWeb(): Promise<string> {
    const web = this.members.find((member) => member.role === 'web');
    if (web) await this.kill(web);
    if (this.stopping) return 'stopping';
    const next = this.launch('web');
    await next.ready;
    return `${web?.name ?? 'none'} → ${next.name}`;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const alive = [...this.members];
    for (const member of alive) member.proc.child.kill('SIGTERM');
    const grace = sleep(STOP_GRACE_MS, 'timeout' as const);
    await Promise.all(
      alive.map(async (member) => {
        if ((await Promise.race([member.proc.exited, grace])) === 'timeout') {
          await member.proc.stop('SIGKILL');
        }
      }),
    );
    // Whatever else was spawned meanwhile (a fault's replacement mid-launch) goes too.
    await killAllSpawned();
    await this.writeLogs();
  }

  /** Every process's whole output, one file each, for reading a failure afterwards. */
  async writeLogs(): Promise<void> {
    await mkdir(this.logDir, { recursive: true });
    for (const member of this.started) {
      await writeFile(path.join(this.logDir, `${member.name}.log`), member.proc.output());
    }
  }

  private async kill(member: Member): Promise<void> {
    member.planned = true;
    await member.proc.stop('SIGKILL');
  }

  private launch(role: Role): Member {
    this.counter += 1;
    const name = `${role}-${this.counter}`;
    const entry = role === 'web' ? 'dist/server.mjs' : 'dist/worker.mjs';
    // The worker's 'worker started' line is at info; the web's URL line is printed at any level.
    const proc = spawnEntry(entry, { ...this.env, LOG_LEVEL: role === 'web' ? 'warn' : 'info' });
    const pattern = role === 'web' ? /^TASKDECK_URL=(\S+)$/m : /worker started/;
    const ready = proc.waitForOutput(pattern, READY_TIMEOUT_MS).then(
      () => true,
      () => false,
    );
    const member: Member = { name, role, proc, startedAt: Date.now(), ready, planned: false };
    this.members.push(member);
    this.started.push(member);
    void proc.exited.then(({ code, signal }) => this.onExit(member, code, signal));
    return member;
  }

  private onExit(member: Member, code: number | null, signal: NodeJS.Signals | null): void {
    this.members.splice(this.members.indexOf(member), 1);
    if (this.stopping) return;
    const atMs = Date.now() - this.epoch;
    const tail = member.planned ? undefined : this.tailOf(member);
    this.exits.push({
      name: member.name,
      role: member.role,
      atMs,
      code,
      signal,
      planned: member.planned,
      tail,
    });
    if (member.planned) return;
    // Nobody killed it: it crashed (or gave up on a dependency). A supervisor restarts it.
    void sleep(RESTART_PAUSE_MS).then(() => {
      if (!this.stopping) this.launch(member.role);
    });
  }

  /** The last lines of a process (a JSON log line cut short), for an unplanned exit. */
  private tailOf(member: Member, lines = 5): string {
    const last = member.proc.output().trimEnd().split('\n').slice(-lines);
    return last.map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line)).join('\n');
  }
}
