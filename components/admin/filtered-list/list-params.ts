import type { z } from 'zod';
import { toFieldErrors, type FieldError } from '@/lib/errors';

// A filtered list page (all tasks, the audit log, the dead letters) keeps its filters and its
// page cursor in the URL, so a view is a link. These read that query string, check it with the
// list's schema, and write links back, on the server page and in the browser alike.

export type SearchParams = Record<string, string | string[] | undefined>;

export type ListParams = Record<string, string | undefined>;

/**
 * One value per parameter, trimmed, blank ones left out. `names` keeps only those (otherwise
 * every parameter is kept, for a schema that refuses unknown ones); `join` names parameters
 * whose several values join into one comma-separated list, as a multiple select sends them.
 */
export function readListParams(
  searchParams: SearchParams,
  { names, join = [] }: { names?: readonly string[]; join?: readonly string[] } = {},
): ListParams {
  const params: ListParams = {};
  for (const name of names ?? Object.keys(searchParams)) {
    const raw = searchParams[name];
    const values = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw])
      .map((value) => value.trim())
      .filter((value) => value !== '');
    if (values.length === 0) continue;
    params[name] = join.includes(name) ? values.join(',') : values[0];
  }
  return params;
}

/** Whether any of these filters is set (the cursor is not a filter). */
export function hasAnyParam(params: ListParams, names: readonly string[]): boolean {
  return names.some((name) => params[name] !== undefined);
}

/** The list's URL with these parameters, blank ones dropped. */
export function listHref(path: string, params: ListParams): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value) query.set(name, value);
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/** "Owner email: …": a field error named by the label of its field (`status.1` is `status`). */
export function describeFieldErrors(
  errors: readonly FieldError[],
  labels: Readonly<Record<string, string>>,
): string[] {
  return errors.map((error) => {
    const field = error.path.split('.')[0] ?? '';
    const label = labels[field];
    return label ? `${label}: ${error.message}` : error.message;
  });
}

/** The parameters as the list's schema reads them, or what is wrong with them, labelled. */
export function parseListParams<Schema extends z.ZodType>(
  schema: Schema,
  input: Record<string, unknown>,
  labels: Readonly<Record<string, string>>,
): { ok: true; query: z.infer<Schema> } | { ok: false; problems: string[] } {
  const parsed = schema.safeParse(input);
  if (parsed.success) return { ok: true, query: parsed.data };
  return { ok: false, problems: describeFieldErrors(toFieldErrors(parsed.error.issues), labels) };
}
