import { pino, type Logger, type LoggerOptions } from 'pino';
import { getEnv } from './env';
import { currentLogContext } from './log-context';
import { resolveLogFormat } from './log-format';

// One logger per process, shared by the custom server and Next's bundled copy of this module.
const globalForLogger = globalThis as { __taskdeckLogger?: Logger };

/**
 * pino-pretty runs as a pino transport: a worker thread that loads it by its package name, so
 * a process writing JSON never loads it, and the esbuild bundles (dist/*.mjs, packages left
 * external) find it in node_modules like any other package.
 */
const PRETTY_TRANSPORT: LoggerOptions['transport'] = {
  target: 'pino-pretty',
  options: {
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,requestId',
    // The request id leads the message, so one request's lines are easy to follow by eye.
    messageFormat: '{if requestId}[{requestId}] {end}{msg}',
  },
};

export function getLogger(): Logger {
  if (globalForLogger.__taskdeckLogger) return globalForLogger.__taskdeckLogger;
  const env = getEnv();
  const pretty = resolveLogFormat(env.LOG_FORMAT) === 'pretty';
  globalForLogger.__taskdeckLogger = pino({
    level: env.LOG_LEVEL,
    // Every line written while a request is handled carries its id (lib/log-context.ts).
    mixin: () => currentLogContext() ?? {},
    ...(pretty ? { transport: PRETTY_TRANSPORT } : {}),
  });
  return globalForLogger.__taskdeckLogger;
}
