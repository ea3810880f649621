'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { runTaskByHand } from '@/server/tasks/task-actions';
import { toFieldErrorMap } from '@/lib/errors';
import { defaultPayloadOf } from '@/lib/schema-form/field-values';
import { formatDuration } from '@/lib/tasks/eta';
import { toStartInput, type StartChoice } from '@/lib/tasks/run-start';
import type { TaskTypeForm } from '@/lib/tasks/task-type-form';
import type { TaskPriority, TaskView } from '@/lib/tasks/task-view';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';
import { PayloadEditor } from '../schema-form/payload-editor';
import { cardClass, inputClass, primaryButtonClass } from '../styles';
import { PrioritySelect } from './priority-select';
import { useHydrated } from '../use-hydrated';
import { StartTimeFields } from './start-time-fields';

// Runs any task type that is not internal, with its payload built from the type's schema, a
// priority and a start time. The form stays filled after a run, for another one.

const ID = 'run-task';

function defaultPayloadOfType(type: TaskTypeForm | undefined): Record<string, unknown> {
  return type ? defaultPayloadOf(type.jsonSchema) : {};
}

/** A control holding no valid value (setCustomValidity), found without native validation. */
function findInvalidControl(form: HTMLFormElement): HTMLElement | null {
  for (const element of Array.from(form.elements)) {
    const control = element as HTMLInputElement;
    if (control.validity?.customError) return control;
  }
  return null;
}

export function RunTaskForm({
  types,
  initialType,
}: {
  types: TaskTypeForm[];
  /** From ?type= in the URL, when it names a known type. */
  initialType: string | null;
}) {
  const firstRunnable = types.find((type) => type.runnableByHand)?.name ?? types[0]?.name ?? '';
  const [typeName, setTypeName] = useState(initialType ?? firstRunnable);
  const type = types.find((candidate) => candidate.name === typeName);
  const [payload, setPayload] = useState(() => defaultPayloadOfType(type));
  const [priority, setPriority] = useState<TaskPriority>('normal');
  const [start, setStart] = useState<StartChoice>({
    mode: 'now',
    delayAmount: '',
    delayUnit: 'minutes',
    at: '',
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const [ran, setRan] = useState<TaskView | null>(null);
  const { run, pending } = useAction();
  const hydrated = useHydrated();

  function chooseType(name: string) {
    setTypeName(name);
    setPayload(defaultPayloadOfType(types.find((candidate) => candidate.name === name)));
    setErrors({});
    setMessage(null);
    // The address names the type, so a reload or a shared link opens the same form.
    window.history.replaceState(null, '', `?type=${encodeURIComponent(name)}`);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!type?.runnableByHand) return;
    const invalid = findInvalidControl(event.currentTarget);
    if (invalid) {
      setMessage('Some settings hold no valid value: fix the marked fields first.');
      invalid.focus();
      return;
    }
    const when = toStartInput(start);
    if (!when.ok) {
      setErrors({ [when.path]: when.message });
      setMessage(null);
      return;
    }
    run(() => runTaskByHand({ type: type.name, payload, priority, ...when.input }), {
      onSuccess: (task) => {
        setRan(task);
        setErrors({});
        setMessage(null);
      },
      toast: (task) => `${task.label} queued`,
      onFailure: (failure) => {
        setRan(null);
        setErrors(toFieldErrorMap(failure.fieldErrors));
        setMessage(failure.message);
      },
    });
  }

  if (types.length === 0) {
    return <p className="text-sm text-slate-600">No task types are registered.</p>;
  }

  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Run a task"
      className={`${cardClass} max-w-2xl space-y-5 p-5`}
    >
      <div>
        <label htmlFor={`${ID}-type`} className="block text-sm font-medium text-slate-700">
          Task type
        </label>
        <select
          id={`${ID}-type`}
          value={typeName}
          disabled={pending}
          onChange={(event) => chooseType(event.target.value)}
          aria-invalid={errors.type ? true : undefined}
          aria-describedby={`${ID}-type-details${errors.type ? ` ${ID}-type-error` : ''}`}
          className={inputClass}
        >
          {types.map((option) => (
            <option key={option.name} value={option.name} disabled={!option.runnableByHand}>
              {`${option.title} (${option.name})${option.runnableByHand ? '' : `: not by hand, ${option.reason}`}`}
            </option>
          ))}
        </select>
        {errors.type ? (
          <span id={`${ID}-type-error`} className="mt-1 block text-xs text-red-700">
            {errors.type}
          </span>
        ) : null}
        {type ? <TypeDetails id={`${ID}-type-details`} type={type} /> : null}
      </div>

      {type?.runnableByHand ? (
        <>
          <section aria-labelledby={`${ID}-settings`} className="space-y-3">
            <h2 id={`${ID}-settings`} className="text-sm font-semibold text-slate-800">
              Settings
            </h2>
            <PayloadEditor
              jsonSchema={type.jsonSchema}
              value={payload}
              onChange={setPayload}
              errors={errors}
              idPrefix={`${ID}-payload`}
              disabled={pending}
            />
          </section>
          <div className="w-48">
            <PrioritySelect
              id={`${ID}-priority`}
              value={priority}
              disabled={pending}
              onChange={setPriority}
            />
          </div>
          <StartTimeFields
            idPrefix={`${ID}-start`}
            choice={start}
            errors={{ delayMs: errors.delayMs, runAt: errors.runAt }}
            disabled={pending}
            onChange={setStart}
          />
        </>
      ) : null}

      <ActionError
        message={message}
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
      />
      {ran ? <RunOutcome task={ran} /> : null}
      <button
        type="submit"
        disabled={!hydrated || pending || !type?.runnableByHand}
        className={primaryButtonClass}
      >
        {pending ? 'Running…' : 'Run task'}
      </button>
    </form>
  );
}

function TypeDetails({ id, type }: { id: string; type: TaskTypeForm }) {
  return (
    <div id={id} className="mt-2 space-y-1 text-sm">
      <p className="text-slate-700">{type.description}</p>
      <p className="text-xs text-slate-500">
        Queue <span className="font-mono">{type.queue}</span> · {type.attempts}{' '}
        {type.attempts === 1 ? 'attempt' : 'attempts'} · time limit {formatDuration(type.timeoutMs)}
        {type.access === 'admin' ? ' · admins only' : ''}
      </p>
      {type.runnableByHand ? null : (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-amber-900">
          Not runnable by hand: {type.reason}.
        </p>
      )}
    </div>
  );
}

function RunOutcome({ task }: { task: TaskView }) {
  const scheduled = task.status === 'delayed' && task.runAt !== null;
  return (
    <p
      role="status"
      data-testid="run-outcome"
      className="rounded-md bg-emerald-50 px-3 py-2 text-sm text-emerald-900"
    >
      {scheduled
        ? `Task scheduled for ${new Date(task.runAt as string).toLocaleString()}.`
        : 'Task queued.'}{' '}
      <Link href={`/tasks/${task.id}`} className="font-medium underline">
        Open the task
      </Link>
    </p>
  );
}
