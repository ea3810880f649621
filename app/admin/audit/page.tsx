import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import {
  FilterForm,
  FilterInput,
  FilterSelect,
} from '@/components/admin/filtered-list/filter-form';
import {
  hasAnyParam,
  listHref,
  parseListParams,
  readListParams,
  type ListParams,
  type SearchParams,
} from '@/components/admin/filtered-list/list-params';
import { FilterProblem, PageLinks } from '@/components/admin/filtered-list/list-notices';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { DataTable } from '@/components/data-table';
import { PageHeading } from '@/components/page-heading';
import { isAppError } from '@/lib/errors';
import { isAdmin } from '@/server/auth/principal';
import { LocalTime } from '@/components/time/local-time';
import {
  AUDIT_ACTIONS,
  listAuditEvents,
  listAuditQuerySchema,
  type AuditEventView,
  type ListAuditQuery,
} from '@/server/audit/audit-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Audit log · Taskdeck' };

const AUDIT_PATH = '/admin/audit';

const FILTER_NAMES = ['action', 'actor', 'from', 'to'] as const;

const FILTER_LABELS: Record<string, string> = {
  action: 'Action',
  actor: 'Actor email',
  from: 'From',
  to: 'To',
  cursor: 'Page',
  limit: 'Page size',
};

function parseFilters(
  input: ListParams,
): { ok: true; query: ListAuditQuery } | { ok: false; problems: string[] } {
  const parsed = parseListParams(listAuditQuerySchema, input, FILTER_LABELS);
  if (!parsed.ok) return parsed;
  const { from, to } = parsed.query;
  if (from && to && from > to) {
    return { ok: false, problems: ['From must be on or before To.'] };
  }
  return parsed;
}

function compactJson(value: unknown): string {
  if (value === null || value === undefined) return '';
  return JSON.stringify(value);
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();

  // Every parameter: the schema refuses unknown ones, so a mistyped name is said, not ignored.
  const input = readListParams(await searchParams);
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
  const filtered = hasAnyParam(input, FILTER_NAMES);

  return (
    <div>
      <PageHeading title="Audit log">Security-relevant actions, newest first.</PageHeading>

      <FilterForm
        path={AUDIT_PATH}
        params={input}
        filterNames={FILTER_NAMES}
        label="Filter the audit log"
        submitText="Filter"
        className="sm:grid-cols-2 lg:grid-cols-[12rem_1fr_10rem_10rem_auto] lg:items-end"
      >
        <FilterSelect
          label="Action"
          name="action"
          value={input.action}
          anyText="Any action"
          options={AUDIT_ACTIONS.map((action) => ({ value: action, label: action }))}
        />
        <FilterInput
          label="Actor email contains"
          name="actor"
          type="search"
          maxLength={320}
          defaultValue={input.actor ?? ''}
        />
        <FilterInput label="From" name="from" type="date" defaultValue={input.from ?? ''} />
        <FilterInput label="To" name="to" type="date" defaultValue={input.to ?? ''} />
      </FilterForm>

      {problems.length > 0 ? (
        <FilterProblem
          title="These filters cannot be used:"
          problems={problems}
          clearHref={AUDIT_PATH}
          clearText="Show the whole log"
        />
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
                  <LocalTime iso={event.createdAt} />
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
          <PageLinks
            firstHref={input.cursor ? listHref(AUDIT_PATH, { ...input, cursor: undefined }) : null}
            firstText="Newest entries"
            nextHref={nextCursor ? listHref(AUDIT_PATH, { ...input, cursor: nextCursor }) : null}
            nextText="Older entries →"
          />
        </>
      )}
    </div>
  );
}
