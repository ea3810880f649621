import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { DataTable } from '@/components/data-table';
import { PageHeading } from '@/components/page-heading';
import { inputClass, primaryButtonClass } from '@/components/styles';
import { isAppError } from '@/lib/errors';
import { isAdmin } from '@/server/auth/principal';
import {
  AUDIT_ACTIONS,
  listAuditEvents,
  listAuditQuerySchema,
  type AuditEventView,
  type ListAuditQuery,
} from '@/server/audit/audit-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Audit log · Taskdeck' };

type SearchParams = Record<string, string | string[] | undefined>;

const FILTER_LABELS: Record<string, string> = {
  action: 'Action',
  actor: 'Actor email',
  from: 'From',
  to: 'To',
  cursor: 'Page',
  limit: 'Page size',
};

/** The query string as the schema expects it: one value per name, empty fields left out. */
function filterInput(params: SearchParams): Record<string, string> {
  const input: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined && first.trim() !== '') input[name] = first;
  }
  return input;
}

function parseFilters(
  input: Record<string, string>,
): { ok: true; query: ListAuditQuery } | { ok: false; problems: string[] } {
  const parsed = listAuditQuerySchema.safeParse(input);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const field = issue.path.length > 0 ? String(issue.path[0]) : '';
        const label = FILTER_LABELS[field] ?? field;
        return label ? `${label}: ${issue.message}` : issue.message;
      }),
    };
  }
  const { from, to } = parsed.data;
  if (from && to && from > to) {
    return { ok: false, problems: ['From must be on or before To.'] };
  }
  return { ok: true, query: parsed.data };
}

function hrefWith(input: Record<string, string>, changes: Record<string, string | null>): string {
  const params = new URLSearchParams(input);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) params.delete(name);
    else params.set(name, value);
  }
  const query = params.toString();
  return query ? `/admin/audit?${query}` : '/admin/audit';
}

function compactJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();

  const input = filterInput(await searchParams);
  const filters = parseFilters(input);
  let events: AuditEventView[] = [];
  let nextCursor: string | null = null;
  let problems: string[] = filters.ok ? [] : filters.problems;
  if (filters.ok) {
    try {
      ({ data: events, nextCursor } = await listAuditEvents(principal, filters.query));
    } catch (error) {
      // A tampered cursor and the like: say so, like any other bad filter.
      if (!isAppError(error) || error.status !== 400) throw error;
      problems = [error.message];
    }
  }
  const filtered = ['action', 'actor', 'from', 'to'].some((name) => name in input);

  return (
    <div>
      <PageHeading title="Audit log">
        Security-relevant actions, newest first. Times are UTC.
      </PageHeading>

      <form
        method="get"
        action="/admin/audit"
        aria-label="Filter the audit log"
        className="mb-6 grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[12rem_1fr_10rem_10rem_auto] lg:items-end"
      >
        <label className="block text-sm font-medium text-slate-700">
          Action
          <select name="action" defaultValue={input.action ?? ''} className={inputClass}>
            <option value="">Any action</option>
            {AUDIT_ACTIONS.map((action) => (
              <option key={action} value={action}>
                {action}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Actor email contains
          <input
            name="actor"
            type="search"
            maxLength={320}
            defaultValue={input.actor ?? ''}
            className={inputClass}
          />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          From
          <input name="from" type="date" defaultValue={input.from ?? ''} className={inputClass} />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          To
          <input name="to" type="date" defaultValue={input.to ?? ''} className={inputClass} />
        </label>
        <div className="flex items-center gap-2">
          <button type="submit" className={primaryButtonClass}>
            Filter
          </button>
          {filtered || input.cursor ? (
            <Link
              href="/admin/audit"
              className="rounded-md px-2 py-2 text-sm font-medium text-slate-600 hover:text-slate-900"
            >
              Clear
            </Link>
          ) : null}
        </div>
      </form>

      {problems.length > 0 ? (
        <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-4 text-red-900">
          <p className="font-medium">These filters cannot be used:</p>
          <ul className="mt-1 list-inside list-disc text-sm">
            {problems.map((problem) => (
              <li key={problem}>{problem}</li>
            ))}
          </ul>
          <Link href="/admin/audit" className="mt-2 inline-block text-sm font-medium underline">
            Show the whole log
          </Link>
        </div>
      ) : events.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium">{filtered ? 'No matching entries' : 'No entries yet'}</p>
          <p className="mt-1 text-sm text-slate-500">
            {filtered
              ? 'Try other filters, or clear them.'
              : 'Key changes, role changes, downloads of others’ results and rate limits show up here.'}
          </p>
        </div>
      ) : (
        <>
          <DataTable columns={['Time', 'Actor', 'Action', 'Target', 'Details', 'IP']} alignTop>
            {events.map((event) => (
              <tr key={event.id} data-testid="audit-row" data-action={event.action}>
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">
                  <time dateTime={event.createdAt} className="block">
                    {event.createdAt.slice(0, 10)}
                    <span className="block">{event.createdAt.slice(11, 19)}</span>
                  </time>
                </td>
                <td className="whitespace-nowrap px-3 py-2">{event.actorEmail ?? '—'}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-xs">
                    {event.action}
                  </span>
                </td>
                <td className="min-w-40 break-all px-3 py-2 font-mono text-xs text-slate-600">
                  {event.targetType ? (
                    <span title={event.targetId ?? undefined}>
                      {event.targetType}:{event.targetId}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
                <td className="min-w-48 px-3 py-2">
                  <code className="block font-mono text-xs text-slate-700 wrap-anywhere">
                    {compactJson(event.details)}
                  </code>
                </td>
                <td className="whitespace-nowrap px-3 py-2 font-mono text-xs text-slate-600">
                  {event.ip ?? '—'}
                </td>
              </tr>
            ))}
          </DataTable>
          <div className="mt-3 flex justify-between text-sm">
            {input.cursor ? (
              <Link
                href={hrefWith(input, { cursor: null })}
                className="font-medium text-blue-700 hover:underline"
              >
                Newest entries
              </Link>
            ) : (
              <span />
            )}
            {nextCursor ? (
              <Link
                href={hrefWith(input, { cursor: nextCursor })}
                className="font-medium text-blue-700 hover:underline"
              >
                Older entries →
              </Link>
            ) : null}
          </div>
        </>
      )}
    </div>
  );
}
