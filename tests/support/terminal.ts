import { spawn } from 'node:child_process';
import path from 'node:path';
import { trackProcess, type SpawnedProcess } from './spawn-process';

const root = path.resolve(import.meta.dirname, '../..');

/**
 * Runs a command with a pseudo-terminal as its stdin, stdout and stderr (util-linux `script`),
 * as when someone starts it at a terminal: what it prints there (colours and all) is the output.
 * SIGTERM to `script` reaches the command; the output has CRLF line ends.
 */
export function runUnderTerminal(
  command: string,
  env: Record<string, string | undefined> = {},
): SpawnedProcess {
  // As spawnEntry: without vitest's flags, and LOG_FORMAT left to the command to decide.
  const { TEST: _test, VITEST: _vitest, LOG_FORMAT: _format, ...inherited } = process.env;
  const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], {
    cwd: root,
    env: { ...inherited, TERM: 'xterm-256color', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return trackProcess(child, command);
}
