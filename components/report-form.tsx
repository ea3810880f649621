'use client';

import { useState, useTransition } from 'react';
import { requestReport } from '@/app/actions';
import type { FieldError } from '@/lib/errors';
import type { TaskView } from '@/lib/tasks/task-view';
import { inputClass, primaryButtonClass } from './styles';

function fieldMessage(errors: FieldError[], field: string): string | undefined {
  return errors.find((error) => error.path === field || error.path === `payload.${field}`)?.message;
}

export function ReportForm({
  defaultFrom,
  defaultTo,
  onCreated,
}: {
  defaultFrom: string;
  defaultTo: string;
  onCreated: (task: TaskView) => void;
}) {
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldError[]>([]);

  function submit(formData: FormData) {
    startTransition(async () => {
      const result = await requestReport(formData);
      if (result.ok) {
        setMessage(null);
        setFieldErrors([]);
        onCreated(result.data);
      } else {
        setMessage(result.message);
        setFieldErrors(result.fieldErrors);
      }
    });
  }

  return (
    <form
      action={submit}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      aria-label="Request a report"
    >
      <p className="text-sm text-slate-600">
        Tasks per day by type and status, with run durations, as a CSV file.
      </p>
      {(['from', 'to'] as const).map((field) => {
        const error = fieldMessage(fieldErrors, field);
        return (
          <label key={field} className="block text-sm font-medium text-slate-700">
            {field === 'from' ? 'From' : 'To'}
            <input
              type="date"
              name={field}
              defaultValue={field === 'from' ? defaultFrom : defaultTo}
              required
              aria-invalid={error ? true : undefined}
              className={inputClass}
            />
            {error ? <span className="mt-1 block text-xs text-red-700">{error}</span> : null}
          </label>
        );
      })}
      {message ? (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
          {message}
        </p>
      ) : null}
      <button type="submit" disabled={pending} className={`w-full ${primaryButtonClass}`}>
        {pending ? 'Requesting…' : 'Generate report'}
      </button>
    </form>
  );
}
