'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent, type ReactNode } from 'react';
import { ALERT_KINDS, ALERT_KIND_LABELS, type AlertKind } from '@/lib/alerts/alert-spec';
import type { AlertRuleView } from '@/lib/alerts/alert-view';
import { toFieldErrorMap } from '@/lib/errors';
import { createAlertRule, updateAlertRule } from '@/server/alerts/alert-actions';
import { useAction } from '../../hooks/use-action';
import { cardClass, inputClass } from '../../styles';
import { FormFooter } from '../form-footer';

// Creates or edits an alert rule: what it watches (kind and its figures), where its notices go
// and how often it may repeat one. The server checks it whole; its field errors show here.

const ID = 'alert-rule';

type Draft = Record<
  'name' | 'taskType' | 'queue' | 'windowMinutes' | 'threshold' | 'minTasks' | 'cooldownMinutes',
  string
>;

function toDraft(rule: AlertRuleView | null, types: string[], queues: string[]): Draft {
  const text = (value: number | null | undefined, fallback: string) =>
    value === null || value === undefined ? fallback : String(value);
  return {
    name: rule?.name ?? '',
    taskType: rule?.taskType ?? types[0] ?? '',
    queue: rule?.queue ?? queues[0] ?? '',
    windowMinutes: text(rule?.windowMinutes, '15'),
    threshold: text(rule?.threshold, rule?.kind === 'oldest_waiting' ? '300' : '20'),
    minTasks: text(rule?.minTasks, '5'),
    cooldownMinutes: text(rule?.cooldownMinutes, '30'),
  };
}

/** What the form sends: numbers as numbers, an empty box as missing (the schema names it). */
function toInput(kind: AlertKind, draft: Draft, extra: Record<string, unknown>) {
  const number = (value: string) => (value.trim() === '' ? undefined : Number(value));
  const common = { name: draft.name, cooldownMinutes: number(draft.cooldownMinutes), ...extra };
  switch (kind) {
    case 'failure_rate':
      return {
        kind,
        taskType: draft.taskType,
        windowMinutes: number(draft.windowMinutes),
        thresholdPercent: number(draft.threshold),
        minTasks: number(draft.minTasks),
        ...common,
      };
    case 'oldest_waiting':
      return { kind, queue: draft.queue, thresholdSeconds: number(draft.threshold), ...common };
    case 'no_worker':
      return { kind, queue: draft.queue, ...common };
  }
}

function Field({
  id,
  label,
  error,
  hint,
  children,
}: {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      {children}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-xs text-red-700">
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-slate-500">{hint}</p>
      ) : null}
    </div>
  );
}

export function AlertRuleForm({
  types,
  queues,
  rule = null,
}: {
  types: string[];
  queues: string[];
  /** The rule to edit; a new one when null. */
  rule?: AlertRuleView | null;
}) {
  const router = useRouter();
  const [kind, setKind] = useState<AlertKind>(rule?.kind ?? 'failure_rate');
  const [draft, setDraft] = useState<Draft>(() => toDraft(rule, types, queues));
  const [email, setEmail] = useState(rule?.channels.email ?? true);
  const [webhook, setWebhook] = useState(rule?.channels.webhook ?? false);
  const [enabled, setEnabled] = useState(rule?.enabled ?? true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const { run, pending } = useAction();

  const change = (field: keyof Draft) => (value: string) =>
    setDraft((current) => ({ ...current, [field]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setMessage(null);
    const input = toInput(kind, draft, { channels: { email, webhook }, enabled });
    run(() => (rule ? updateAlertRule(rule.id, input) : createAlertRule(input)), {
      onSuccess: () => {
        router.push('/admin/alerts');
        router.refresh();
      },
      toast: rule ? 'Alert rule saved' : 'Alert rule created',
      onFailure: (failure) => {
        setErrors(toFieldErrorMap(failure.fieldErrors));
        setMessage(failure.message);
      },
    });
  }

  const input = (field: keyof Draft, path: string, props: Record<string, unknown> = {}) => (
    <input
      id={`${ID}-${path}`}
      name={path}
      value={draft[field]}
      onChange={(event) => change(field)(event.target.value)}
      aria-invalid={errors[path] ? true : undefined}
      aria-describedby={errors[path] ? `${ID}-${path}-error` : undefined}
      className={inputClass}
      {...props}
    />
  );
  const numberInput = (field: keyof Draft, path: string) =>
    input(field, path, { type: 'number', inputMode: 'decimal', min: 0 });
  const select = (field: 'taskType' | 'queue', options: string[]) => (
    <select
      id={`${ID}-${field}`}
      name={field}
      value={draft[field]}
      onChange={(event) => change(field)(event.target.value)}
      aria-invalid={errors[field] ? true : undefined}
      className={inputClass}
    >
      {options.map((option) => (
        <option key={option} value={option}>
          {option}
        </option>
      ))}
    </select>
  );

  return (
    <form onSubmit={submit} noValidate className={`${cardClass} space-y-6 p-6`}>
      <Field id={`${ID}-name`} label="Name" error={errors.name}>
        {input('name', 'name', { maxLength: 100, required: true })}
      </Field>

      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-slate-800">What it watches</legend>
        <Field id={`${ID}-kind`} label="Kind" error={errors.kind}>
          <select
            id={`${ID}-kind`}
            name="kind"
            value={kind}
            onChange={(event) => {
              setKind(event.target.value as AlertKind);
              setErrors({});
            }}
            className={inputClass}
          >
            {ALERT_KINDS.map((value) => (
              <option key={value} value={value}>
                {ALERT_KIND_LABELS[value]}
              </option>
            ))}
          </select>
        </Field>
        {kind === 'failure_rate' ? (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={`${ID}-taskType`} label="Task type" error={errors.taskType}>
              {select('taskType', types)}
            </Field>
            <Field
              id={`${ID}-windowMinutes`}
              label="Window (minutes)"
              error={errors.windowMinutes}
              hint="The rate counts tasks that ended this far back."
            >
              {numberInput('windowMinutes', 'windowMinutes')}
            </Field>
            <Field
              id={`${ID}-thresholdPercent`}
              label="Fires at a failure rate of (%)"
              error={errors.thresholdPercent}
            >
              {numberInput('threshold', 'thresholdPercent')}
            </Field>
            <Field
              id={`${ID}-minTasks`}
              label="Fewest finished tasks"
              error={errors.minTasks}
              hint="With fewer in the window it never fires: one failure of one is no rate."
            >
              {numberInput('minTasks', 'minTasks')}
            </Field>
          </div>
        ) : (
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id={`${ID}-queue`} label="Queue" error={errors.queue}>
              {select('queue', queues)}
            </Field>
            {kind === 'oldest_waiting' ? (
              <Field
                id={`${ID}-thresholdSeconds`}
                label="Fires when a job has waited (seconds)"
                error={errors.thresholdSeconds}
              >
                {numberInput('threshold', 'thresholdSeconds')}
              </Field>
            ) : (
              <p className="self-end text-xs text-slate-500">
                Fires while no worker with a live heartbeat serves the queue.
              </p>
            )}
          </div>
        )}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-800">Notices</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="channels.email"
            checked={email}
            onChange={(event) => setEmail(event.target.checked)}
          />
          Email every admin
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="channels.webhook"
            checked={webhook}
            onChange={(event) => setWebhook(event.target.checked)}
          />
          Webhook (events <code>alert.firing</code> and <code>alert.resolved</code>)
        </label>
        <Field
          id={`${ID}-cooldownMinutes`}
          label="Cool-down (minutes)"
          error={errors.cooldownMinutes}
          hint="No second firing notice within this time; a reminder after it while still firing."
        >
          {numberInput('cooldownMinutes', 'cooldownMinutes')}
        </Field>
      </fieldset>

      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="enabled"
          checked={enabled}
          onChange={(event) => setEnabled(event.target.checked)}
        />
        Enabled
      </label>

      <FormFooter
        message={message}
        pending={pending}
        label={rule ? 'Save changes' : 'Create rule'}
      />
    </form>
  );
}
