'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { FormEvent } from 'react';
import { TASK_STATUSES } from '@/lib/tasks/task-view';
import { inputClass, primaryButtonClass } from '../../styles';
import {
  FILTER_NAMES,
  TASK_LIST_PATH,
  hasFilters,
  taskListHref,
  toDateTimeLocal,
  type TaskListParams,
} from './task-list-params';

/** Status choices beyond single statuses: the groups an admin looks for most. */
const STATUS_GROUPS = [
  { value: 'succeeded,failed,cancelled', label: 'Finished (succeeded, failed, cancelled)' },
  { value: 'queued,delayed,running,retrying,cancelling', label: 'Not finished' },
  { value: 'failed,cancelled', label: 'Failed or cancelled' },
];

const labelClass = 'block text-sm font-medium text-slate-700';

/**
 * The filters, as a GET form: submitting navigates to a URL holding them (blank ones left out),
 * so a filtered view is a link. Works as a plain form before the page's script loads.
 */
export function TaskFilterForm({
  params,
  types,
  queues,
}: {
  params: TaskListParams;
  types: Array<{ name: string; title: string }>;
  queues: string[];
}) {
  const router = useRouter();
  const status = params.status ?? '';
  const knownStatus =
    status === '' ||
    (TASK_STATUSES as readonly string[]).includes(status) ||
    STATUS_GROUPS.some((group) => group.value === status);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next: TaskListParams = {};
    for (const name of FILTER_NAMES) {
      const value = data.get(name);
      if (typeof value === 'string' && value.trim() !== '') next[name] = value.trim();
    }
    // New filters start at the first page.
    router.push(taskListHref(next));
  }

  return (
    <form
      // Remounts with the URL, so the fields show the filters of the page being looked at.
      key={taskListHref(params)}
      method="get"
      action={TASK_LIST_PATH}
      onSubmit={submit}
      aria-label="Filter tasks"
      className="mb-6 grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-4"
    >
      <label className={labelClass}>
        Search id or payload
        <input
          name="q"
          type="search"
          maxLength={200}
          defaultValue={params.q ?? ''}
          placeholder="A task id, or 3+ characters"
          className={inputClass}
        />
      </label>
      <label className={labelClass}>
        Status
        <select name="status" defaultValue={status} className={inputClass}>
          <option value="">Any status</option>
          {knownStatus ? null : <option value={status}>{status.replaceAll(',', ', ')}</option>}
          <optgroup label="Several">
            {STATUS_GROUPS.map((group) => (
              <option key={group.value} value={group.value}>
                {group.label}
              </option>
            ))}
          </optgroup>
          <optgroup label="One">
            {TASK_STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </optgroup>
        </select>
      </label>
      <label className={labelClass}>
        Type
        <select name="type" defaultValue={params.type ?? ''} className={inputClass}>
          <option value="">Any type</option>
          {types.map((type) => (
            <option key={type.name} value={type.name}>
              {type.title} ({type.name})
            </option>
          ))}
        </select>
      </label>
      <label className={labelClass}>
        Queue
        <select name="queue" defaultValue={params.queue ?? ''} className={inputClass}>
          <option value="">Any queue</option>
          {queues.map((queue) => (
            <option key={queue} value={queue}>
              {queue}
            </option>
          ))}
        </select>
      </label>
      <label className={labelClass}>
        Owner email
        <input
          name="owner"
          type="text"
          inputMode="email"
          maxLength={320}
          defaultValue={params.owner ?? ''}
          placeholder="Exact email, or a user id"
          className={inputClass}
        />
      </label>
      <label className={labelClass}>
        Created after (UTC)
        <input
          name="from"
          type="datetime-local"
          defaultValue={toDateTimeLocal(params.from)}
          className={inputClass}
        />
      </label>
      <label className={labelClass}>
        Created before (UTC)
        <input
          name="to"
          type="datetime-local"
          defaultValue={toDateTimeLocal(params.to)}
          className={inputClass}
        />
      </label>
      <div className="flex items-end gap-2">
        <button type="submit" className={primaryButtonClass}>
          Apply filters
        </button>
        {hasFilters(params) || params.cursor ? (
          <Link
            href={TASK_LIST_PATH}
            className="rounded-md px-2 py-2 text-sm font-medium text-slate-600 hover:text-slate-900"
          >
            Clear
          </Link>
        ) : null}
      </div>
    </form>
  );
}
