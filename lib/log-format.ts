import type { Env } from './env';

/**
 * What LOG_FORMAT means for this process: auto is pretty (coloured lines for people, pino-pretty)
 * when stdout is a terminal and JSON (one object per line, for log collectors) otherwise.
 */
export function resolveLogFormat(
  format: Env['LOG_FORMAT'],
  isTerminal: boolean = process.stdout.isTTY === true,
): 'pretty' | 'json' {
  if (format !== 'auto') return format;
  return isTerminal ? 'pretty' : 'json';
}
