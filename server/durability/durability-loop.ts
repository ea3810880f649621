import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { rejectAfter } from '@/lib/time-limit';
import { getRedis } from '@/server/infra/clients';
import { watchRedisHealth } from '@/server/infra/redis-health';
import { onWebhookEventRecorded } from '@/server/webhooks/webhook-nudge';
import { relayWebhookEvents } from '@/server/webhooks/webhook-relay';
import { relayOutbox } from './outbox-relay';
import { reconcileTasks } from './reconciler';

// Every web and worker process runs both loops: the relay claims its own entries, the
// reconciler runs in one process at a time. Neither stops the process when a pass fails
// (Postgres or Redis down); the next pass tries again.

/** After Redis comes back, the reconciler looks soon rather than at its next turn. */
const AFTER_RECONNECT_MS = 2_000;

/**
 * A pass that hangs (a Redis call waiting for a connection that never comes) must not stop
 * the loop: past this the next pass may start. A late one changes nothing twice: the relay's
 * leases and the reconciler's guarded transitions see to that.
 */
const PASS_TIMEOUT_MS = 2 * 60_000;

function repeat(name: string, intervalMs: number, pass: () => Promise<unknown>) {
  let running = false;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const run = async () => {
    if (running || stopped) return;
    running = true;
    try {
      await rejectAfter(pass(), PASS_TIMEOUT_MS, `the ${name} pass timed out`);
    } catch (error) {
      getLogger().warn({ err: error }, `${name} pass failed; trying again later`);
    } finally {
      running = false;
    }
  };
  const schedule = (ms: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      void run().finally(() => schedule(intervalMs));
    }, ms);
    timer.unref();
  };
  return {
    soon: (ms: number) => schedule(ms),
    stop: () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}

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
  const relay = repeat('outbox relay', env.OUTBOX_RELAY_INTERVAL_MS, relayOutbox);
  const reconciler = repeat('reconciler', env.RECONCILE_INTERVAL_MS, reconcileTasks);
  // Webhook events are Postgres only until their delivery tasks exist: no need to wait for Redis.
  const webhooks = repeat('webhook relay', env.OUTBOX_RELAY_INTERVAL_MS, relayWebhookEvents);
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
