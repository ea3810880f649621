import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { BenchSetupError } from './bench-script';
import { childEnv, ROOT } from './bench-settings';

// The web, worker and key-maker children: started as production starts them, watched line by
// line, and always stopped, whatever way the benchmark ends.

const STOP_GRACE_MS = 5_000;
const TAIL_LINES = 200;

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** One child process with its recent output kept for error messages. */
export class BenchProcess {
  readonly exited: Promise<Exit>;
  private readonly tail: string[] = [];
  private readonly listeners = new Set<(line: string) => void>();
  private stopping: Promise<void> | null = null;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      // 'close', not 'exit': by then its last output lines have been read too.
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => this.onLine(line, false));
    }
    if (child.stderr) {
      createInterface({ input: child.stderr }).on('line', (line) => this.onLine(line, true));
    }
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get isStopping(): boolean {
    return this.stopping !== null;
  }

  recentOutput(): string {
    return this.tail.join('\n');
  }

  /** Calls listener with every line (stdout and stderr) from now on; returns the unsubscribe. */
  addLineListener(listener: (line: string) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves with the first line (seen from now on) that matches. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const done = (error: Error | null, match?: RegExpExecArray) => {
        clearTimeout(timer);
        this.listeners.delete(check);
        if (error) reject(error);
        else if (match) resolve(match);
      };
      const check = (line: string) => {
        const match = pattern.exec(line);
        if (match) done(null, match);
      };
      const timer = setTimeout(
        () =>
          done(new BenchSetupError(this.describeFailure(`no ${pattern} within ${timeoutMs} ms`))),
        timeoutMs,
      );
      this.listeners.add(check);
      void this.exited.then((exit) =>
        done(
          new BenchSetupError(
            this.describeFailure(`exited (${exit.signal ?? exit.code}) before ${pattern}`),
          ),
        ),
      );
    });
  }

  describeFailure(what: string): string {
    return `${this.name} process ${what}; its last output:\n${this.recentOutput() || '(none)'}`;
  }

  /** SIGTERM for a clean shutdown, SIGKILL if it takes longer than graceMs. Idempotent. */
  stop(graceMs = STOP_GRACE_MS): Promise<void> {
    this.stopping ??= (async () => {
      if (!this.alive) return;
      this.child.kill('SIGTERM');
      const timeout = sleep(graceMs, 'timeout' as const, { ref: false });
      const outcome = await Promise.race([this.exited, timeout]);
      if (outcome === 'timeout' && this.alive) {
        this.child.kill('SIGKILL');
        await this.exited;
      }
    })();
    return this.stopping;
  }

  private onLine(line: string, fromStderr: boolean): void {
    this.tail.push(line);
    if (this.tail.length > TAIL_LINES) this.tail.shift();
    echoIfNoteworthy(this.name, line, fromStderr);
    for (const listener of [...this.listeners]) listener(line);
  }
}

/** Warnings and errors from the children would explain odd figures, so they are shown. */
function echoIfNoteworthy(name: string, line: string, fromStderr: boolean): void {
  if (line.trim() === '') return;
  let level: number | undefined;
  try {
    const parsed = JSON.parse(line) as { level?: unknown };
    if (typeof parsed.level === 'number') level = parsed.level;
  } catch {
    // Not a pino line: Next's own chatter on stdout, or Node warnings and crashes on stderr.
  }
  const noteworthy = level === undefined ? fromStderr : level >= 40;
  if (noteworthy) process.stderr.write(`[${name}] ${line}\n`);
}

// Every child ever started, so an error, Ctrl-C or a plain exit never leaves one behind.
const liveProcesses = new Set<BenchProcess>();
let signalHandlersInstalled = false;

function installSignalHandlers(): void {
  if (signalHandlersInstalled) return;
  signalHandlersInstalled = true;
  // Last resort: a synchronous kill is all an 'exit' handler can do.
  process.on('exit', () => {
    for (const proc of liveProcesses) if (proc.alive) proc.child.kill('SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark processes...\n`);
      void Promise.all([...liveProcesses].map((proc) => proc.stop(2_000))).finally(() =>
        process.exit(130),
      );
    });
  }
}

export interface SpawnOptions {
  /** Node flags before the entry, e.g. a bench-only `--import` preload. */
  nodeArgs?: string[];
  /** A pipe to the child's stdin, for children that take commands. */
  stdin?: boolean;
}

/** Runs a TypeScript entry point (relative to the repository root) as a benchmark child. */
export function spawnEntry(
  name: string,
  entry: string,
  overrides: Record<string, string>,
  options: SpawnOptions = {},
): BenchProcess {
  installSignalHandlers();
  // `node --import tsx` (as scripts/supervise.ts does in prod): one process per role, so our
  // signals reach the program itself and nothing is orphaned behind a wrapper.
  const loader = entry.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...loader, entry], {
    cwd: ROOT,
    env: childEnv(overrides),
    stdio: [options.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
  });
  const proc = new BenchProcess(name, child);
  liveProcesses.add(proc);
  void proc.exited.then(() => liveProcesses.delete(proc));
  return proc;
}
