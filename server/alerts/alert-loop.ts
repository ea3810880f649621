import { getEnv } from '@/lib/env';
import { repeatPass } from '@/server/infra/repeat-pass';
import { evaluateAlerts } from './alert-evaluation';

// Every web process runs the loop; the advisory lock in evaluateAlerts lets one of them
// evaluate at a time. A pass that fails (Postgres or Redis down) is logged and the next one
// tries again (repeat-pass.ts): the process never stops for it.

/** Starts evaluating the alert rules every ALERT_EVALUATE_MS; returns its stop. */
export function startAlertLoop(): () => void {
  const intervalMs = getEnv().ALERT_EVALUATE_MS;
  const loop = repeatPass('alert evaluation', intervalMs, () => evaluateAlerts());
  loop.soon(intervalMs);
  return () => loop.stop();
}
