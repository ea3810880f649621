import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { getEnv } from '@/lib/env';
import { resolveLogFormat } from '@/lib/log-format';

// Runs the web and worker processes side by side: `tsx scripts/supervise.ts dev|prod`.
// Prefixes their output, forwards SIGINT/SIGTERM, and if one dies the other is stopped too.

const mode = process.argv[2] === 'prod' ? 'prod' : 'dev';
// Production runs the bundles `npm run build` made in dist/ with plain node (one process per
// role, signals reach it directly); development runs `tsx watch`, which restarts the process
// when its sources change.
const command = mode === 'dev' ? 'node_modules/.bin/tsx' : process.execPath;
const entry = (name: 'server' | 'worker') =>
  mode === 'dev' ? ['watch', '--clear-screen=false', `${name}/main.ts`] : [`dist/${name}.mjs`];
const nodeEnv = mode === 'dev' ? 'development' : 'production';
// The children write to our pipes, not to the terminal, so they cannot tell for themselves:
// on a terminal they print pretty, coloured lines, and JSON otherwise (LOG_FORMAT overrides).
const logFormat = resolveLogFormat(getEnv().LOG_FORMAT);

const processes: Array<{ name: string; args: string[]; colour: string }> = [
  { name: 'web', args: entry('server'), colour: '\x1b[36m' },
  { name: 'worker', args: entry('worker'), colour: '\x1b[35m' },
];

const children = new Map<string, ChildProcess>();
let stopping = false;

function prefixLines(
  name: string,
  colour: string,
  stream: NodeJS.ReadableStream,
  out: NodeJS.WriteStream,
) {
  const prefix = process.stdout.isTTY
    ? `${colour}${name.padEnd(6)}\x1b[0m│ `
    : `${name.padEnd(6)}| `;
  createInterface({ input: stream }).on('line', (line) => {
    const url = /^TASKDECK_URL=(.+)$/.exec(line);
    if (url) {
      out.write(`\n  Taskdeck is running at ${url[1]}\n\n`);
      return;
    }
    out.write(prefix + line + '\n');
  });
}

function stopAll(signal: NodeJS.Signals, exitCode: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill(signal);
  let remaining = children.size;
  if (remaining === 0) process.exit(exitCode);
  for (const child of children.values()) {
    child.once('exit', () => {
      remaining -= 1;
      if (remaining === 0) process.exit(exitCode);
    });
  }
}

for (const { name, args, colour } of processes) {
  const child = spawn(command, args, {
    env: { ...process.env, NODE_ENV: nodeEnv, NEXT_TELEMETRY_DISABLED: '1', LOG_FORMAT: logFormat },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(name, child);
  if (child.stdout) prefixLines(name, colour, child.stdout, process.stdout);
  if (child.stderr) prefixLines(name, colour, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (!stopping) {
      process.stderr.write(`${name} exited (${signal ?? code}); stopping the others\n`);
      stopAll('SIGTERM', code === 0 ? 1 : (code ?? 1));
    }
  });
}

process.on('SIGINT', () => stopAll('SIGINT', 0));
process.on('SIGTERM', () => stopAll('SIGTERM', 0));
