import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const spawned = new Set<ChildProcess>();

/** For afterAll: a test that timed out must not leave a worker consuming the next run's jobs. */
export async function killAllSpawned(): Promise<void> {
  const waits = [...spawned].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  );
  await Promise.all(waits);
  spawned.clear();
}

export interface SpawnedProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves when a line of output matches. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Runs an entry point of ours as a real process: a TypeScript one (server/main.ts,
 * worker/main.ts) through tsx, or a production bundle (dist/server.mjs) with plain node.
 */
export function spawnEntry(
  entry: string,
  env: Record<string, string | undefined> = {},
  args: string[] = [],
): SpawnedProcess {
  // `node --import tsx` rather than the tsx CLI: one process, so a signal (even SIGKILL)
  // reaches the program itself and never leaves an orphan behind.
  // Without vitest's TEST flag: Better Auth relaxes its origin check when it sees one, and the
  // processes under test must behave exactly as in production.
  const { TEST: _test, VITEST: _vitest, ...inherited } = process.env;
  // A built bundle (dist/*.mjs) runs as production runs it: plain node, no transpiler.
  const loader = entry.endsWith('.mjs') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, [...loader, entry, ...args], {
    cwd: root,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return trackProcess(child, entry);
}

/** Records a child's output (stdout and stderr) and its exit; afterAll's killAllSpawned stops it. */
export function trackProcess(child: ChildProcess, label: string): SpawnedProcess {
  spawned.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });

  return {
    child,
    output: () => output,
    exited,
    waitForOutput(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} from ${label}; output:\n${output}`));
        }, timeoutMs);
        function check() {
          const match = pattern.exec(output);
          if (match) {
            clearTimeout(timer);
            listeners.delete(check);
            resolve(match);
          } else if (child.exitCode !== null) {
            clearTimeout(timer);
            listeners.delete(check);
            reject(
              new Error(
                `${label} exited (${child.exitCode}) before ${pattern}; output:\n${output}`,
              ),
            );
          }
        }
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
