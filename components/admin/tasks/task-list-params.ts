// The admin task list's filters live in the URL, so a filtered view is a link to share. These
// read and write that query string, on the server page and in the browser alike.

export const TASK_LIST_PATH = '/admin/tasks';

export const FILTER_NAMES = ['status', 'type', 'owner', 'queue', 'from', 'to', 'q'] as const;
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
  q: 'Search',
  cursor: 'Page',
};

type SearchParams = Record<string, string | string[] | undefined>;

/**
 * The known parameters, one value each (several `status` values join into one list, as a
 * multiple select sends them), blank ones left out.
 */
export function readTaskListParams(searchParams: SearchParams): TaskListParams {
  const params: TaskListParams = {};
  for (const name of [...FILTER_NAMES, 'cursor'] as const) {
    const raw = searchParams[name];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (values.length === 0) continue;
    params[name] = name === 'status' ? values.join(',') : (values[0] as string);
  }
  return params;
}

export function hasFilters(params: TaskListParams): boolean {
  return FILTER_NAMES.some((name) => params[name] !== undefined);
}

/** The list's URL with these parameters, blank ones dropped. */
export function taskListHref(params: TaskListParams): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value) query.set(name, value);
  }
  const text = query.toString();
  return text ? `${TASK_LIST_PATH}?${text}` : TASK_LIST_PATH;
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
