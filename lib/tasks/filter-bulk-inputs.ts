import { z } from 'zod';
import { listTasksQuerySchema } from './task-inputs';
import type { TaskStatus } from './task-view';

// Bulk actions over every task a filter matches, not only a selection: the filter is the admin
// list's own query (the same schema parses it), its page fields ignored.

/** Tasks one request may act on; a filter matching more is refused (narrow it, or repeat). */
export const FILTER_BULK_CAP = 10_000;

export const FILTER_BULK_ACTIONS = ['cancel', 'retry', 'delete'] as const;
export type FilterBulkAction = (typeof FILTER_BULK_ACTIONS)[number];

/** How each action is named ("Retry 240 matching") and what a task is once done ("240 retried"). */
export const FILTER_BULK_WORDS: Record<FilterBulkAction, { verb: string; done: string }> = {
  cancel: { verb: 'Cancel', done: 'cancelled' },
  retry: { verb: 'Retry', done: 'retried' },
  delete: { verb: 'Delete', done: 'deleted' },
};

/** The statuses each action applies to; any other matching task is left as it is. */
export const FILTER_BULK_ELIGIBLE: Record<FilterBulkAction, readonly TaskStatus[]> = {
  // A cancelling task is on its way already.
  cancel: ['queued', 'delayed', 'retrying', 'running'],
  retry: ['failed', 'cancelled'],
  delete: ['succeeded', 'failed', 'cancelled'],
};

const filterSchema = listTasksQuerySchema.meta({
  description:
    'The task list filters (as `GET /api/v1/tasks` takes them); `cursor` and `limit` are ignored.',
});

export const filterBulkPreviewSchema = z.object({ filter: filterSchema }).strict();
export type FilterBulkPreviewInput = z.infer<typeof filterBulkPreviewSchema>;

export const filterBulkActionSchema = z
  .object({ action: z.enum(FILTER_BULK_ACTIONS), filter: filterSchema })
  .strict();
export type FilterBulkActionInput = z.infer<typeof filterBulkActionSchema>;

export const filterBulkPreviewResultSchema = z
  .object({
    matching: z
      .number()
      .int()
      .meta({ description: 'Tasks the filter matches (counted up to a bound).' }),
    exact: z.boolean().meta({ description: 'False when there are more than `matching`.' }),
    actionable: z
      .object({ cancel: z.number().int(), retry: z.number().int(), delete: z.number().int() })
      .meta({ description: 'Of those, how many each action would change.' }),
    cap: z.number().int().meta({ description: 'The most one request acts on.' }),
  })
  .meta({ id: 'FilterBulkPreview' });
export type FilterBulkPreview = z.infer<typeof filterBulkPreviewResultSchema>;

export const filterBulkResultSchema = z
  .object({
    action: z.enum(FILTER_BULK_ACTIONS),
    matched: z.number().int().meta({ description: 'Tasks the action applied to when it started.' }),
    succeeded: z.number().int(),
    skipped: z
      .number()
      .int()
      .meta({ description: 'Changed by someone else meanwhile, or refused.' }),
    reasons: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    batches: z.number().int(),
  })
  .meta({ id: 'FilterBulkResult' });
export type FilterBulkResult = z.infer<typeof filterBulkResultSchema>;

/** REST: the action over the filter, or with `dryRun` only the preview's counts. */
export const filterBulkRequestSchema = z
  .object({
    action: z.enum(FILTER_BULK_ACTIONS).optional(),
    dryRun: z
      .boolean()
      .optional()
      .meta({ description: 'Count only: answers a FilterBulkPreview.' }),
    filter: filterSchema,
  })
  .strict()
  .refine((body) => body.dryRun === true || body.action !== undefined, {
    message: 'Give an action, or dryRun: true to count only.',
    path: ['action'],
  })
  .meta({ id: 'FilterBulkRequest' });
