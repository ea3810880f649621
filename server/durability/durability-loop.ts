import { getEnv } from '@/lib/env';
import { getRedis } from '@/server/infra/clients';
import { watchRedisHealth } from '@/server/infra/redis-health';
import { repeatPass } from '@/server/infra/repeat-pass';
import { relayOutbox } from './outbox-relay';
import { reconcileTasks } from './reconciler';

// Every web and worker process runs both loops: the relay claims its own entries, the
// reconciler runs in one process at a time. Neither stops the process when a pass fails
// (Postgres or Redis down); the next pass tries again (server/infra/repeat-pass.ts). A late
// pass changes nothing twice: the relay's leases and the reconciler's guarded transitions see
// to that.

/** After Redis comes back, the reconciler looks soon rather than at its next turn. */
const AFTER_RECONNECT_MS = 2_000;

/** Starts the outbox relay and the reconciler; returns their stop. */
export function startDurabilityLoops(): () => void {
  const env = getEnv();
  watchRedisHealth();
  const relay = repeatPass('outbox relay', env.OUTBOX_RELAY_INTERVAL_MS, relayOutbox);
  const reconciler = repeatPass('reconciler', env.RECONCILE_INTERVAL_MS, reconcileTasks);
  relay.soon(env.OUTBOX_RELAY_INTERVAL_MS);
  reconciler.soon(Math.min(AFTER_RECONNECT_MS, env.RECONCILE_INTERVAL_MS));
  let wasDown = false;
  const redis = getRedis();
  const onDown = () => {
    wasDown = true;
  };
  const onReady = () => {
    if (!wasDown) return;
    wasDown = false;
    relay.soon(0);
    reconciler.soon(AFTER_RECONNECT_MS);
  };
  redis.on('close', onDown);
  redis.on('ready', onReady);
  return () => {
    relay.stop();
    reconciler.stop();
    redis.off('close', onDown);
    redis.off('ready', onReady);
  };
}
