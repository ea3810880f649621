import 'server-only';
import { listQueueConfigs } from '@/server/queues/queue-config';
import { listTaskTypes } from '@/server/tasks/registry';

/** The task types and queues a rule may watch, for the form's choices. */
export function listRuleFormOptions(): { types: string[]; queues: string[] } {
  return {
    types: listTaskTypes()
      .map((type) => type.name)
      .sort(),
    queues: listQueueConfigs().map((queue) => queue.name),
  };
}
