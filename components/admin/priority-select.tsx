'use client';

import { TASK_PRIORITIES, type TaskPriority } from '@/lib/tasks/task-view';
import { inputClass } from '../styles';
import { PRIORITY_LABELS } from '../task-labels';

/** The priority of a task an admin starts (all four levels), labelled "Priority". */
export function PrioritySelect({
  id,
  value,
  disabled = false,
  onChange,
}: {
  id: string;
  value: TaskPriority;
  disabled?: boolean;
  onChange: (priority: TaskPriority) => void;
}) {
  return (
    <>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Priority
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value as TaskPriority)}
        className={inputClass}
      >
        {TASK_PRIORITIES.map((option) => (
          <option key={option} value={option}>
            {PRIORITY_LABELS[option]}
          </option>
        ))}
      </select>
    </>
  );
}
