import { pino, type Logger } from 'pino';
import { getEnv } from './env';

// One logger per process, shared by the custom server and Next's bundled copy of this module.
const globalForLogger = globalThis as { __taskdeckLogger?: Logger };

export function getLogger(): Logger {
  globalForLogger.__taskdeckLogger ??= pino({ level: getEnv().LOG_LEVEL });
  return globalForLogger.__taskdeckLogger;
}
