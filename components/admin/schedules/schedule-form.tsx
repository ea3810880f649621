'use client';

import { useRouter } from 'next/navigation';
import { useMemo, useState, type FormEvent } from 'react';
import { createSchedule, updateSchedule } from '@/server/schedules/schedule-actions';
import { toFieldErrorMap } from '@/lib/errors';
import {
  MISSED_RUN_LABELS,
  MISSED_RUN_POLICIES,
  type MissedRunPolicy,
  type RepeatSpec,
} from '@/lib/schedules/schedule-spec';
import type { ScheduleView } from '@/lib/schedules/schedule-view';
import { defaultPayloadOf } from '@/lib/schema-form/field-values';
import type { TaskTypeForm } from '@/lib/tasks/task-type-form';
import type { TaskPriority } from '@/lib/tasks/task-view';
import { useAction } from '../../hooks/use-action';
import { PayloadEditor } from '../../schema-form/payload-editor';
import { cardClass, inputClass } from '../../styles';
import { FormFooter } from '../form-footer';
import { PrioritySelect } from '../priority-select';
import { RepeatFields, toRepeatDraft, toRepeatSpec, type RepeatDraft } from './repeat-fields';

// Creates or edits a schedule: what runs (a task type and its payload, built from the type's
// schema), when (cron or interval, with a live preview of the next runs) and what happens to
// runs missed while the system was down.

const ID = 'schedule';

const POLICY_HELP: Record<MissedRunPolicy, string> = {
  run_once:
    'When Taskdeck comes back after missing one or more runs, it makes one run at once (however many were missed).',
  skip: 'Runs missed while Taskdeck was down are skipped and counted; the schedule goes on at its next time.',
};

function defaultPayloadOfType(type: TaskTypeForm | undefined): Record<string, unknown> {
  return type ? defaultPayloadOf(type.jsonSchema) : {};
}

export function ScheduleForm({
  types,
  schedule = null,
}: {
  /** The types a schedule may run (not internal ones). */
  types: TaskTypeForm[];
  /** The schedule to edit; a new one when null. */
  schedule?: ScheduleView | null;
}) {
  const router = useRouter();
  const [name, setName] = useState(schedule?.name ?? '');
  const [typeName, setTypeName] = useState(schedule?.taskType ?? types[0]?.name ?? '');
  const type = types.find((candidate) => candidate.name === typeName);
  const [payload, setPayload] = useState<Record<string, unknown>>(
    () => schedule?.payload ?? defaultPayloadOfType(type),
  );
  const [priority, setPriority] = useState<TaskPriority>(schedule?.priority ?? 'normal');
  const [repeat, setRepeat] = useState<RepeatDraft>(() => toRepeatDraft(schedule?.repeat));
  const [policy, setPolicy] = useState<MissedRunPolicy>(schedule?.missedRunPolicy ?? 'run_once');
  const [enabled, setEnabled] = useState(schedule?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const { run, pending } = useAction();
  const repeatSpec: RepeatSpec | null = useMemo(() => toRepeatSpec(repeat), [repeat]);

  function chooseType(next: string) {
    setTypeName(next);
    setPayload(defaultPayloadOfType(types.find((candidate) => candidate.name === next)));
    setErrors({});
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    if (!repeatSpec) {
      setErrors({ 'repeat.everyMs': 'Enter the interval as a whole number' });
      return;
    }
    const input = {
      name,
      taskType: typeName,
      payload,
      priority,
      repeat: repeatSpec,
      enabled,
      missedRunPolicy: policy,
    };
    run(() => (schedule ? updateSchedule(schedule.id, input) : createSchedule(input)), {
      onSuccess: (saved) => {
        router.push(`/admin/schedules/${saved.id}`);
        router.refresh();
      },
      toast: schedule ? 'Schedule saved' : 'Schedule created',
      onFailure: (failure) => {
        setErrors(toFieldErrorMap(failure.fieldErrors));
        setMessage(failure.message);
      },
    });
  }

  const nameError = errors.name;
  const typeError = errors.taskType;
  return (
    <form onSubmit={submit} noValidate className={`${cardClass} space-y-6 p-6`}>
      <div>
        <label htmlFor={`${ID}-name`} className="block text-sm font-medium">
          Name
        </label>
        <input
          id={`${ID}-name`}
          value={name}
          onChange={(event) => setName(event.target.value)}
          maxLength={100}
          required
          aria-invalid={nameError ? true : undefined}
          aria-describedby={nameError ? `${ID}-name-error` : undefined}
          className={inputClass}
        />
        {nameError ? (
          <p id={`${ID}-name-error`} className="mt-1 text-xs text-red-700">
            {nameError}
          </p>
        ) : null}
      </div>

      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-800">What runs</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${ID}-type`} className="block text-sm font-medium">
              Task type
            </label>
            <select
              id={`${ID}-type`}
              value={typeName}
              onChange={(event) => chooseType(event.target.value)}
              aria-invalid={typeError ? true : undefined}
              className={inputClass}
            >
              {types.map((candidate) => (
                <option key={candidate.name} value={candidate.name}>
                  {candidate.title} ({candidate.name})
                </option>
              ))}
            </select>
            {typeError ? <p className="mt-1 text-xs text-red-700">{typeError}</p> : null}
            {type ? <p className="mt-1 text-xs text-slate-500">{type.description}</p> : null}
          </div>
          <div>
            <PrioritySelect
              id={`${ID}-priority`}
              value={priority}
              disabled={pending}
              onChange={setPriority}
            />
          </div>
        </div>
        {type ? (
          <PayloadEditor
            jsonSchema={type.jsonSchema}
            value={payload}
            onChange={setPayload}
            errors={errors}
            idPrefix={`${ID}-payload`}
            disabled={pending}
          />
        ) : null}
      </fieldset>

      <RepeatFields
        idPrefix={`${ID}-repeat`}
        draft={repeat}
        spec={repeatSpec}
        errors={errors}
        onChange={setRepeat}
      />

      <fieldset>
        <legend className="text-sm font-semibold text-slate-800">Missed runs</legend>
        <div className="mt-2 space-y-2">
          {MISSED_RUN_POLICIES.map((value) => (
            <label key={value} className="flex items-start gap-2 text-sm">
              <input
                type="radio"
                name={`${ID}-policy`}
                value={value}
                checked={policy === value}
                onChange={() => setPolicy(value)}
                className="mt-1"
              />
              <span>
                <span className="font-medium">{MISSED_RUN_LABELS[value]}</span>
                <span className="block text-xs text-slate-500">{POLICY_HELP[value]}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
        />
        Enabled (runs on its schedule; paused schedules can still be run by hand)
      </label>

      <FormFooter
        message={message}
        pending={pending}
        disabled={!type}
        label={schedule ? 'Save changes' : 'Create schedule'}
      />
    </form>
  );
}
