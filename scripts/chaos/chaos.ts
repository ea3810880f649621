import { parseChaosArgs, USAGE } from './chaos-options';
import { formatReport } from './report';
import { runChaos } from './run-chaos';
import { tearDownAll } from './teardown';

// `npm run chaos [-- --short | --tasks N ...]`: prints the run's figures and invariants; exits
// 1 when an invariant fails (or the run itself broke), 130 when interrupted.

const log = (line: string) => process.stderr.write(`[chaos] ${line}\n`);

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130); // a second Ctrl-C: give up on the teardown
    interrupted = true;
    log(`${signal}: tearing down the private services and processes...`);
    void tearDownAll(log).finally(() => process.exit(130));
  });
}

try {
  const options = parseChaosArgs(process.argv.slice(2));
  if (options === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  const report = await runChaos(options, log);
  console.log(formatReport(report));
  process.exit(report.ok ? 0 : 1);
} catch (error) {
  log(`the run failed: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
}
