import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
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

/** The process's logger is made by getLogger; tests make their own to read what it writes. */
export function createLogger(
  options: { level: string; format: 'pretty' | 'json' },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      // Every line written while a request is handled carries its id (lib/log-context.ts). A
      // fresh object each time: pino merges the line's own fields into what the mixin returns.
      mixin: () => {
        const context = currentLogContext();
        return context ? { requestId: context.requestId } : {};
      },
      ...(options.format === 'pretty' ? { transport: PRETTY_TRANSPORT } : {}),
    },
    destination,
  );
}

export function getLogger(): Logger {
  if (globalForLogger.__taskdeckLogger) return globalForLogger.__taskdeckLogger;
  const env = getEnv();
  globalForLogger.__taskdeckLogger = createLogger({
    level: env.LOG_LEVEL,
    format: resolveLogFormat(env.LOG_FORMAT),
  });
  return globalForLogger.__taskdeckLogger;
}
