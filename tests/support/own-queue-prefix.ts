import { afterAll, beforeAll, vi } from 'vitest';
import { getEnv, resetEnvCache } from '@/lib/env';
import { closeClients } from '@/server/infra/clients';
import { deleteRedisKeys } from './reset-services';

/**
 * Gives a test file queues of its own: jobs it leaves behind (a task it kept running or delayed
 * on purpose) never reach the workers of the files after it. Keys go when the file ends.
 */
export function withOwnQueuePrefix(name: string): void {
  const prefix = `{taskdeck-test-${name}}`;
  let redisUrl = '';
  beforeAll(async () => {
    await closeClients();
    vi.stubEnv('QUEUE_PREFIX', prefix);
    resetEnvCache();
    redisUrl = getEnv().REDIS_URL;
    await deleteRedisKeys(redisUrl, prefix);
  });
  afterAll(async () => {
    await closeClients();
    await deleteRedisKeys(redisUrl, prefix);
    vi.unstubAllEnvs();
    resetEnvCache();
  });
}
