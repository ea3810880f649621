import {
  hasAnyParam,
  listHref,
  readListParams,
  type SearchParams,
} from '../filtered-list/list-params';

// The admin task list's filters live in the URL, so a filtered view is a link to share. These
// read and write that query string, on the server page and in the browser alike.

export const TASK_LIST_PATH = '/admin/tasks';

export const FILTER_NAMES = [
  'status',
  'type',
  'owner',
  'queue',
  'from',
  'to',
  'finishedFrom',
  'finishedTo',
  'q',
] as const;
export type FilterName = (typeof FILTER_NAMES)[number];

export type TaskListParams = Partial<Record<FilterName | 'cursor', string>>;

/** What the labels call each parameter, for error messages. */
export const FILTER_LABELS: Record<FilterName | 'cursor', string> = {
  status: 'Status',
  type: 'Type',
  owner: 'Owner email',
  queue: 'Queue',
  from: 'Created after',
  to: 'Created before',
  finishedFrom: 'Finished after',
  finishedTo: 'Finished before',
  q: 'Search',
  cursor: 'Page',
};

/**
 * The known parameters, one value each (several `status` values join into one list, as a
 * multiple select sends them), blank ones left out.
 */
export function readTaskListParams(searchParams: SearchParams): TaskListParams {
  return readListParams(searchParams, { names: [...FILTER_NAMES, 'cursor'], join: ['status'] });
}

export function hasFilters(params: TaskListParams): boolean {
  return hasAnyParam(params, FILTER_NAMES);
}

/** The list's URL with these parameters, blank ones dropped. */
export function taskListHref(params: TaskListParams): string {
  return listHref(TASK_LIST_PATH, params);
}

/**
 * A `from`/`to` value as a datetime-local field shows it (UTC, minutes): the URL may hold a full
 * ISO time with an offset, written by hand or by a script.
 */
export function toDateTimeLocal(value: string | undefined): string {
  if (!value) return '';
  const hasOffset = /(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const date = new Date(hasOffset ? value : `${value}Z`);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 16);
}
