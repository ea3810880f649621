import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { getRedis } from '@/server/infra/clients';
import { watchRedisHealth } from '@/server/infra/redis-health';
import { repeatPass } from '@/server/infra/repeat-pass';
import { onWebhookEventRecorded } from '@/server/webhooks/webhook-nudge';
import { relayWebhookEvents } from '@/server/webhooks/webhook-relay';
import { relayOutbox } from './outbox-relay';
import { reconcileTasks } from './reconciler';

// Every web and worker process runs both loops: the relay claims its own entries, the
// reconciler runs in one process at a time. Neither stops the process when a pass fails
// (Postgres or Redis down); the next pass tries again (server/infra/repeat-pass.ts). A late
// pass changes nothing twice: the relay's leases and the reconciler's guarded transitions see
// to that.

/** After Redis comes back, the reconciler looks soon rather than at its next turn. */
const AFTER_RECONNECT_MS = 2_000;

/** Events recorded within this long share one quick fan-out pass. */
const FAN_OUT_DEBOUNCE_MS = 10;

/**
 * Runs the webhook relay at once when this process has just recorded an event: one pass at a
 * time, and one more after it when events came in meanwhile. Failures are left to the loop.
 */
function quickFanOut(): { nudge: () => void; stop: () => void } {
  let running = false;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  const pass = async () => {
    timer = null;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await relayWebhookEvents();
      } while (again);
    } catch (error) {
      getLogger().warn({ err: error }, 'quick webhook fan-out failed; the relay will take it');
    } finally {
      running = false;
    }
  };
  return {
    nudge: () => {
      timer ??= setTimeout(() => void pass(), FAN_OUT_DEBOUNCE_MS);
      timer.unref();
    },
    stop: () => {
      if (timer) clearTimeout(timer);
    },
  };
}

/** Starts the outbox relay, the webhook event relay and the reconciler; returns their stop. */
export function startDurabilityLoops(): () => void {
  const env = getEnv();
  watchRedisHealth();
  const relay = repeatPass('outbox relay', env.OUTBOX_RELAY_INTERVAL_MS, relayOutbox);
  const reconciler = repeatPass('reconciler', env.RECONCILE_INTERVAL_MS, reconcileTasks);
  // Webhook events are Postgres only until their delivery tasks exist: no need to wait for Redis.
  const webhooks = repeatPass('webhook relay', env.OUTBOX_RELAY_INTERVAL_MS, relayWebhookEvents);
  const quick = quickFanOut();
  onWebhookEventRecorded(quick.nudge);
  relay.soon(env.OUTBOX_RELAY_INTERVAL_MS);
  webhooks.soon(env.OUTBOX_RELAY_INTERVAL_MS);
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
    webhooks.stop();
    quick.stop();
    onWebhookEventRecorded(null);
    redis.off('close', onDown);
    redis.off('ready', onReady);
  };
}
