'use client';

import {
  DELAY_UNIT_MS,
  type DelayUnit,
  type StartChoice,
  type StartMode,
} from '@/lib/tasks/run-start';
import { inputClass } from '../styles';

// When a task run by hand starts: now, after a delay, or at a date and time (browser time).

const MODE_LABELS: Record<StartMode, string> = {
  now: 'Now',
  delay: 'After a delay',
  at: 'At a set time',
};

const UNIT_LABELS: Record<DelayUnit, string> = {
  seconds: 'seconds',
  minutes: 'minutes',
  hours: 'hours',
};

export function StartTimeFields({
  idPrefix,
  choice,
  errors,
  disabled,
  onChange,
}: {
  idPrefix: string;
  choice: StartChoice;
  /** `delayMs` and `runAt` errors, from this form's checks or the server. */
  errors: Partial<Record<'delayMs' | 'runAt', string>>;
  disabled: boolean;
  onChange: (choice: StartChoice) => void;
}) {
  const delayErrorId = `${idPrefix}-delay-error`;
  const atErrorId = `${idPrefix}-at-error`;
  return (
    <fieldset className="space-y-2">
      <legend className="text-sm font-medium text-slate-700">When to start</legend>
      <div className="flex flex-wrap gap-x-5 gap-y-1">
        {(Object.keys(MODE_LABELS) as StartMode[]).map((mode) => (
          <div key={mode} className="flex items-center gap-1.5">
            <input
              id={`${idPrefix}-mode-${mode}`}
              type="radio"
              name={`${idPrefix}-mode`}
              value={mode}
              checked={choice.mode === mode}
              disabled={disabled}
              onChange={() => onChange({ ...choice, mode })}
              className="h-4 w-4 border-slate-300"
            />
            <label htmlFor={`${idPrefix}-mode-${mode}`} className="text-sm text-slate-700">
              {MODE_LABELS[mode]}
            </label>
          </div>
        ))}
      </div>
      {choice.mode === 'delay' ? (
        <div>
          <div className="flex gap-2">
            <div className="w-40">
              <label htmlFor={`${idPrefix}-delay-amount`} className="text-xs text-slate-600">
                Delay amount
              </label>
              <input
                id={`${idPrefix}-delay-amount`}
                type="number"
                min={0}
                step="any"
                inputMode="decimal"
                value={choice.delayAmount}
                disabled={disabled}
                aria-invalid={errors.delayMs ? true : undefined}
                aria-describedby={errors.delayMs ? delayErrorId : undefined}
                onChange={(event) => onChange({ ...choice, delayAmount: event.target.value })}
                className={inputClass}
              />
            </div>
            <div className="w-40">
              <label htmlFor={`${idPrefix}-delay-unit`} className="text-xs text-slate-600">
                Delay unit
              </label>
              <select
                id={`${idPrefix}-delay-unit`}
                value={choice.delayUnit}
                disabled={disabled}
                onChange={(event) =>
                  onChange({ ...choice, delayUnit: event.target.value as DelayUnit })
                }
                className={inputClass}
              >
                {(Object.keys(DELAY_UNIT_MS) as DelayUnit[]).map((unit) => (
                  <option key={unit} value={unit}>
                    {UNIT_LABELS[unit]}
                  </option>
                ))}
              </select>
            </div>
          </div>
          {errors.delayMs ? (
            <span id={delayErrorId} className="mt-1 block text-xs text-red-700">
              {errors.delayMs}
            </span>
          ) : null}
        </div>
      ) : null}
      {choice.mode === 'at' ? (
        <div className="w-64">
          <label htmlFor={`${idPrefix}-at`} className="text-xs text-slate-600">
            Start time (your time zone)
          </label>
          <input
            id={`${idPrefix}-at`}
            type="datetime-local"
            value={choice.at}
            disabled={disabled}
            aria-invalid={errors.runAt ? true : undefined}
            aria-describedby={errors.runAt ? atErrorId : undefined}
            onChange={(event) => onChange({ ...choice, at: event.target.value })}
            className={inputClass}
          />
          {errors.runAt ? (
            <span id={atErrorId} className="mt-1 block text-xs text-red-700">
              {errors.runAt}
            </span>
          ) : null}
        </div>
      ) : null}
    </fieldset>
  );
}
