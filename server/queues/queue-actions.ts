'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import { setQueuePaused as setPaused } from './queue-service';

// The queues page's server action: pause or resume a queue.

export const setQueuePaused = defineAction({
  name: 'setQueuePaused',
  args: ['name', 'paused'],
  input: z.object({ name: z.string().min(1).max(100), paused: z.boolean() }),
  run: (principal, context, { name, paused }) => setPaused(principal, name, paused, context),
});
