'use server';

import { runAction } from '@/server/http/action';

/** The task as the form built it: { type, payload, priority, delayMs | runAt }. */
export async function runTaskByHand(input: unknown) {
  return runAction('runTaskByHand', input);
}
