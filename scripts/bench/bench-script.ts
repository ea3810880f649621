import path from 'node:path';
import { pathToFileURL } from 'node:url';

// What every benchmark script shares as a program: how it tells it was run directly, and how
// it exits.

/** A failure of the benchmark set-up itself: printed without a stack trace. */
export class BenchSetupError extends Error {
  override name = 'BenchSetupError';
}

/** True when the module with this import.meta.url is the script tsx was asked to run. */
export function isEntryPoint(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(path.resolve(script)).href === moduleUrl;
}

/** Exit code 1 only when the benchmark itself broke; a missed target is not a failure. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof BenchSetupError) process.stderr.write(`\n${error.message}\n`);
      else process.stderr.write(`\nBenchmark failed: ${String((error as Error).stack ?? error)}\n`);
      process.exit(1);
    },
  );
}

/** A whole number option (from argv or the environment) within [min, max], or the fallback. */
export function parseWholeNumber(
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BenchSetupError(`expected a whole number from ${min} to ${max}, got ${raw}`);
  }
  return value;
}
