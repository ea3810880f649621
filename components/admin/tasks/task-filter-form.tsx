import { TASK_STATUSES } from '@/lib/tasks/task-view';
import { FilterForm, FilterInput, FilterSelect } from '../filtered-list/filter-form';
import {
  FILTER_NAMES,
  TASK_LIST_PATH,
  toDateTimeLocal,
  type TaskListParams,
} from './task-list-params';

/** Status choices beyond single statuses: the groups an admin looks for most. */
const STATUS_GROUPS = [
  { value: 'succeeded,failed,cancelled', label: 'Finished (succeeded, failed, cancelled)' },
  { value: 'queued,delayed,running,retrying,cancelling', label: 'Not finished' },
  { value: 'failed,cancelled', label: 'Failed or cancelled' },
];

/** The task list's filters (see FilterForm: submitting navigates to a link holding them). */
export function TaskFilterForm({
  params,
  types,
  queues,
}: {
  params: TaskListParams;
  types: Array<{ name: string; title: string }>;
  queues: string[];
}) {
  const status = params.status ?? '';
  const knownStatus =
    status === '' ||
    (TASK_STATUSES as readonly string[]).includes(status) ||
    STATUS_GROUPS.some((group) => group.value === status);

  return (
    <FilterForm
      path={TASK_LIST_PATH}
      params={params}
      filterNames={FILTER_NAMES}
      label="Filter tasks"
      submitText="Apply filters"
      className="sm:grid-cols-2 lg:grid-cols-4"
    >
      <FilterInput
        label="Search id or payload"
        name="q"
        type="search"
        maxLength={200}
        defaultValue={params.q ?? ''}
        placeholder="A task id, or 3+ characters"
      />
      <FilterSelect label="Status" name="status" value={status} anyText="Any status">
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
      </FilterSelect>
      <FilterSelect
        label="Type"
        name="type"
        value={params.type}
        anyText="Any type"
        options={types.map((type) => ({ value: type.name, label: `${type.title} (${type.name})` }))}
      />
      <FilterSelect
        label="Queue"
        name="queue"
        value={params.queue}
        anyText="Any queue"
        options={queues.map((queue) => ({ value: queue, label: queue }))}
      />
      <FilterInput
        label="Owner email"
        name="owner"
        type="text"
        inputMode="email"
        maxLength={320}
        defaultValue={params.owner ?? ''}
        placeholder="Exact email, or a user id"
      />
      <FilterInput
        label="Created after (UTC)"
        name="from"
        type="datetime-local"
        defaultValue={toDateTimeLocal(params.from)}
      />
      <FilterInput
        label="Created before (UTC)"
        name="to"
        type="datetime-local"
        defaultValue={toDateTimeLocal(params.to)}
      />
      <FilterInput
        label="Finished after (UTC)"
        name="finishedFrom"
        type="datetime-local"
        defaultValue={toDateTimeLocal(params.finishedFrom)}
      />
      <FilterInput
        label="Finished before (UTC)"
        name="finishedTo"
        type="datetime-local"
        defaultValue={toDateTimeLocal(params.finishedTo)}
      />
    </FilterForm>
  );
}
