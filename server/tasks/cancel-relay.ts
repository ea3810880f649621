import type { RedisClient } from '@/server/infra/clients';
import { getLogger } from '@/lib/logger';
import { createRedisConnection, getRedis } from '@/server/infra/clients';
import { redisKey } from '@/server/queues/queue-clients';

// A cancel request travels from whichever web process received it to the worker process that
// holds the job: a pub/sub message for speed, and a key that outlives it, so a worker that was
// reconnecting when the message went out, or starts the job a moment later, still finds it.

export interface CancelRequest {
  taskId: string;
  /** The task's revision once it became `cancelling`. */
  revision: number;
  actorId: string | null;
  /** Epoch ms. */
  requestedAt: number;
  /** Epoch ms after which the task is marked cancelled whether or not the processor stopped. */
  deadlineAt: number;
}

const KEY_TTL_S = 86_400;

const controlChannel = () => redisKey('control');
const cancelKey = (taskId: string) => redisKey('cancel', taskId);

export async function publishCancelRequest(request: CancelRequest): Promise<void> {
  const raw = JSON.stringify(request);
  await getRedis()
    .multi()
    .set(cancelKey(request.taskId), raw, 'EX', KEY_TTL_S)
    .publish(controlChannel(), raw)
    .exec();
}

function parseRequest(raw: string | null): CancelRequest | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as CancelRequest;
    return typeof value.taskId === 'string' && typeof value.revision === 'number' ? value : null;
  } catch {
    return null;
  }
}

export async function readCancelRequests(taskIds: string[]): Promise<CancelRequest[]> {
  if (taskIds.length === 0) return [];
  const values = await getRedis().mget(taskIds.map(cancelKey));
  return values.flatMap((raw) => parseRequest(raw) ?? []);
}

/**
 * The backstop of a cancel is armed by one worker only: the first to claim it. If that worker
 * dies before it fires, the reconciler's sweep of abandoned cancels ends the task instead.
 */
export async function claimCancelBackstop(request: CancelRequest, ttlMs: number): Promise<boolean> {
  const key = redisKey('cancel-backstop', request.taskId, String(request.revision));
  const claimed = await getRedis().set(key, '1', 'PX', Math.max(1, Math.ceil(ttlMs)), 'NX');
  return claimed === 'OK';
}

export async function clearCancelRequest(taskId: string): Promise<void> {
  await getRedis().del(cancelKey(taskId));
}

/**
 * Calls onRequest for each cancel request published from now on, and onResync after every
 * (re)connection of the subscriber, when messages may have been missed.
 */
export async function subscribeCancelRequests(
  onRequest: (request: CancelRequest) => void,
  onResync: () => void,
): Promise<RedisClient> {
  const subscriber = createRedisConnection({ connectionName: 'taskdeck:control' });
  const channel = controlChannel();
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    const request = parseRequest(raw);
    if (request) onRequest(request);
    else getLogger().error({ raw: raw.slice(0, 200) }, 'dropped a malformed cancel request');
  });
  subscriber.on('ready', onResync);
  await subscriber.subscribe(channel);
  return subscriber;
}
