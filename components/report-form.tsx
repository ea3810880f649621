'use client';

import { useId, useState } from 'react';
import { requestReport } from '@/server/tasks/task-actions';
import type { FieldError } from '@/lib/errors';
import {
  REPORT_FORMATS,
  REPORT_KINDS,
  type ReportFormat,
  type ReportKind,
} from '@/lib/tasks/task-inputs';
import type { TaskPriority, TaskView } from '@/lib/tasks/task-view';
import { ActionError } from './action-error';
import { handleSubmit, toFailure, useAction } from './hooks/use-action';
import { inputClass, primaryButtonClass } from './styles';
import { PRIORITY_LABELS } from './task-labels';
import { useHydrated } from './use-hydrated';

const KIND_LABELS: Record<ReportKind, string> = {
  activity: 'Task activity',
  failures: 'Failures and their reasons',
  durations: 'Run durations per type',
};

const KIND_DESCRIPTIONS: Record<ReportKind, string> = {
  activity: 'Tasks per day by type and status, with run durations.',
  failures: 'Failed tasks grouped by type and error code, and the latest failures one by one.',
  durations: 'Run duration percentiles (p50, p90, p95, p99) of succeeded tasks, per task type.',
};

const FORMAT_LABELS: Record<ReportFormat, string> = {
  csv: 'CSV (spreadsheet)',
  pdf: 'PDF (chart and table)',
};

function fieldMessage(errors: FieldError[], field: string): string | undefined {
  return errors.find((error) => error.path === field || error.path === `payload.${field}`)?.message;
}

/** A fresh id for the next submission. randomUUID needs a secure context; plain-HTTP hosts fall back. */
function newSubmissionId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const hex = [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function ReportForm({
  defaultFrom,
  defaultTo,
  priorities,
  initialSubmissionId,
  onCreated,
}: {
  defaultFrom: string;
  defaultTo: string;
  /** The priorities this user may ask for (admins: all of them). */
  priorities: readonly TaskPriority[];
  /** Made by the page for this render, so server and browser agree on it. */
  initialSubmissionId: string;
  onCreated: (task: TaskView) => void;
}) {
  const { run, pending, failure } = useAction();
  // Until then a click would submit the form natively, away from the page.
  const hydrated = useHydrated();
  const fieldErrors = failure?.fieldErrors ?? [];
  // The duplicate-submit guard: every submit of this form sends the same id until one succeeds,
  // so a double click or a resend after a lost answer returns the same task, never a second one.
  const [submissionId, setSubmissionId] = useState(initialSubmissionId);
  const [kind, setKind] = useState<ReportKind>('activity');
  const descriptionId = useId();

  function submit(formData: FormData, form: HTMLFormElement) {
    run(() => requestReport(formData), {
      onSuccess: (task) => {
        setSubmissionId(newSubmissionId());
        form.reset();
        onCreated(task);
      },
      toast: 'Report queued',
      onFailure: (result) => {
        if (result.status !== 422) return;
        // The id was used for a different request (the fields changed after a lost answer):
        // this is a new request, so it gets a new id.
        setSubmissionId(newSubmissionId());
        return toFailure('The form changed since it was first sent. Submit it again.');
      },
    });
  }

  return (
    <form
      onSubmit={handleSubmit(submit)}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      aria-label="Request a report"
      // Reset after a successful submit; the description follows the select.
      onReset={() => setKind('activity')}
    >
      <input type="hidden" name="submissionId" value={submissionId} />
      <label className="block text-sm font-medium text-slate-700">
        Report
        <select
          name="kind"
          defaultValue="activity"
          onChange={(event) => setKind(event.target.value as ReportKind)}
          aria-describedby={descriptionId}
          aria-invalid={fieldMessage(fieldErrors, 'kind') ? true : undefined}
          className={inputClass}
        >
          {REPORT_KINDS.map((option) => (
            <option key={option} value={option}>
              {KIND_LABELS[option]}
            </option>
          ))}
        </select>
        <FieldMessage message={fieldMessage(fieldErrors, 'kind')} />
      </label>
      {/* Outside the label, so it describes the select without becoming part of its name. */}
      <p id={descriptionId} className="-mt-3 text-xs text-slate-600">
        {KIND_DESCRIPTIONS[kind]}
      </p>
      <label className="block text-sm font-medium text-slate-700">
        Format
        <select
          name="format"
          defaultValue="csv"
          aria-invalid={fieldMessage(fieldErrors, 'format') ? true : undefined}
          className={inputClass}
        >
          {REPORT_FORMATS.map((option) => (
            <option key={option} value={option}>
              {FORMAT_LABELS[option]}
            </option>
          ))}
        </select>
        <FieldMessage message={fieldMessage(fieldErrors, 'format')} />
      </label>
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
      <label className="block text-sm font-medium text-slate-700">
        Priority
        <select name="priority" defaultValue="normal" className={inputClass}>
          {priorities.map((priority) => (
            <option key={priority} value={priority}>
              {PRIORITY_LABELS[priority]}
            </option>
          ))}
        </select>
        {fieldMessage(fieldErrors, 'priority') ? (
          <span className="mt-1 block text-xs text-red-700">
            {fieldMessage(fieldErrors, 'priority')}
          </span>
        ) : null}
      </label>
      <ActionError
        message={fieldErrors.some(isShownAtField) ? null : failure?.message}
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
      />
      <button
        type="submit"
        disabled={!hydrated || pending}
        className={`w-full ${primaryButtonClass}`}
      >
        {pending ? 'Requesting…' : 'Generate report'}
      </button>
    </form>
  );
}

const FORM_FIELDS = new Set(['kind', 'format', 'from', 'to', 'priority']);

/** A field error the form shows under its field; then the general message would say it twice. */
function isShownAtField(error: FieldError): boolean {
  return FORM_FIELDS.has(error.path.replace(/^payload\./, ''));
}

function FieldMessage({ message }: { message: string | undefined }) {
  return message ? <span className="mt-1 block text-xs text-red-700">{message}</span> : null;
}
