import { z } from 'zod';
import { FILTER_BULK_ACTIONS, FILTER_BULK_WORDS } from '@/lib/tasks/filter-bulk-inputs';
import { TASK_STATUSES } from '@/lib/tasks/task-view';
import { defineTaskType } from '../task-type';

// The list filter as the service parsed it (listTasksQuerySchema's output, its page fields
// left out), so the payload reads again as it was stored.
const storedFilterSchema = z
  .object({
    status: z.array(z.enum(TASK_STATUSES)).max(TASK_STATUSES.length).optional(),
    type: z.string().max(100).optional(),
    owner: z.string().max(320).optional(),
    queue: z.string().max(100).optional(),
    from: z.string().max(40).optional(),
    to: z.string().max(40).optional(),
    finishedFrom: z.string().max(40).optional(),
    finishedTo: z.string().max(40).optional(),
    q: z.string().max(200).optional(),
    include: z.enum(['children']).optional(),
    parent: z.uuid().optional(),
  })
  .strict();

export const tasksBulkPayloadSchema = z
  .object({ action: z.enum(FILTER_BULK_ACTIONS), filter: storedFilterSchema })
  .strict();

export type TasksBulkPayload = z.output<typeof tasksBulkPayloadSchema>;

/** "Retry · status failed · type report.generate": what the admin's list was filtered by. */
function summarizeBulk({ action, filter }: TasksBulkPayload): string {
  // A stored payload is read as it was kept (summarize's contract): fields may be missing.
  const parts = Object.entries(filter ?? {}).map(([name, value]) =>
    Array.isArray(value) ? `${name} ${value.join(', ')}` : `${name} ${String(value)}`,
  );
  return [
    FILTER_BULK_WORDS[action]?.verb ?? 'Act on',
    ...(parts.length > 0 ? parts : ['every task']),
  ].join(' · ');
}

export const tasksBulk = defineTaskType({
  name: 'tasks.bulk',
  title: 'Bulk action over a filter',
  description:
    'Cancels, retries or deletes every task a list filter matches, in batches of 500, with progress; goes on from its last batch after a lost worker.',
  schema: tasksBulkPayloadSchema,
  summarize: summarizeBulk,
  access: 'internal',
  origin: {
    byHand: 'started by “Act on all matching” on All tasks or Dead letters',
    submitHint: 'Use POST /api/v1/tasks/bulk-by-filter, or “Act on all matching” on All tasks.',
  },
  defaults: {
    // One at a time with retention, so a cleanup and a bulk never compete for the same rows.
    queue: 'maintenance',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5_000, maxDelayMs: 60_000 },
    // 10,000 tasks (the cap) take about a minute on a loaded 2-core machine.
    timeoutMs: 30 * 60_000,
  },
  processor: () => import('./tasks-bulk-processor'),
});
