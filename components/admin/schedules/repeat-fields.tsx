'use client';

import { useMemo } from 'react';
import { checkCronPattern, describeRepeat, isTimeZone, listNextRuns } from '@/lib/schedules/cron';
import { formatRunTime } from '@/lib/schedules/format-run-time';
import { INTERVAL_UNITS, type IntervalUnit, type RepeatDraft } from '@/lib/schedules/repeat-draft';
import { MIN_EVERY_MS, type RepeatSpec } from '@/lib/schedules/schedule-spec';
import { inputClass } from '../../styles';
import { useNow } from '../../use-now';

export { toRepeatDraft, toRepeatSpec, type RepeatDraft } from '@/lib/schedules/repeat-draft';

// "When" of the schedule form: a cron pattern in a time zone, or a fixed interval, checked as
// it is typed, with the sentence it means and its next five run times.

function listTimeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/** What is wrong with the "when" as typed, before the server says so. */
function checkDraft(draft: RepeatDraft, spec: RepeatSpec | null): Record<string, string> {
  if (draft.kind === 'cron') {
    const problems: Record<string, string> = {};
    const cron = checkCronPattern(draft.cron);
    if (cron) problems['repeat.cron'] = cron;
    if (!isTimeZone(draft.timezone.trim())) {
      problems['repeat.timezone'] = 'Unknown time zone: use an IANA name like Europe/Berlin';
    }
    return problems;
  }
  if (!spec || spec.kind !== 'interval') {
    return { 'repeat.everyMs': 'Enter the interval as a number' };
  }
  if (spec.everyMs < MIN_EVERY_MS) {
    return { 'repeat.everyMs': 'The interval must be at least 1 second' };
  }
  return {};
}

function FieldMessage({ id, text }: { id: string; text: string | undefined }) {
  return text ? (
    <p id={id} className="mt-1 text-xs text-red-700">
      {text}
    </p>
  ) : null;
}

export function RepeatFields({
  idPrefix,
  draft,
  spec,
  errors,
  onChange,
}: {
  idPrefix: string;
  draft: RepeatDraft;
  spec: RepeatSpec | null;
  /** The server's field errors by path (repeat.cron, repeat.timezone, repeat.everyMs). */
  errors: Record<string, string>;
  onChange: (draft: RepeatDraft) => void;
}) {
  const now = useNow();
  const problems = useMemo(() => checkDraft(draft, spec), [draft, spec]);
  const shown = { ...errors, ...problems };
  // Only once live: the server's and the browser's lists of zones may differ.
  const mounted = now !== null;
  const zones = useMemo(() => (mounted ? listTimeZones() : []), [mounted]);
  const valid = Object.keys(problems).length === 0 && spec !== null;
  const nextRuns = valid && now !== null ? listNextRuns(spec, new Date(now)) : [];
  const zone = draft.kind === 'cron' ? draft.timezone.trim() : 'UTC';
  const set = (changes: Partial<RepeatDraft>) => onChange({ ...draft, ...changes });

  return (
    <fieldset className="space-y-4">
      <legend className="text-sm font-semibold text-slate-800">When it runs</legend>
      <div className="flex gap-4 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${idPrefix}-kind`}
            checked={draft.kind === 'cron'}
            onChange={() => set({ kind: 'cron' })}
          />
          Cron schedule
        </label>
        <label className="flex items-center gap-2">
          <input
            type="radio"
            name={`${idPrefix}-kind`}
            checked={draft.kind === 'interval'}
            onChange={() => set({ kind: 'interval' })}
          />
          Fixed interval
        </label>
      </div>

      {draft.kind === 'cron' ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <label htmlFor={`${idPrefix}-cron`} className="block text-sm font-medium">
              Cron pattern
            </label>
            <input
              id={`${idPrefix}-cron`}
              value={draft.cron}
              onChange={(event) => set({ cron: event.target.value })}
              spellCheck={false}
              aria-invalid={shown['repeat.cron'] ? true : undefined}
              aria-describedby={`${idPrefix}-cron-help ${idPrefix}-cron-error`}
              className={`${inputClass} font-mono`}
            />
            <p id={`${idPrefix}-cron-help`} className="mt-1 text-xs text-slate-500">
              minute hour day month weekday, or six fields with seconds first (*/5 * * * * *).
            </p>
            <FieldMessage id={`${idPrefix}-cron-error`} text={shown['repeat.cron']} />
          </div>
          <div>
            <label htmlFor={`${idPrefix}-timezone`} className="block text-sm font-medium">
              Time zone
            </label>
            <input
              id={`${idPrefix}-timezone`}
              value={draft.timezone}
              onChange={(event) => set({ timezone: event.target.value })}
              list={`${idPrefix}-zones`}
              spellCheck={false}
              aria-invalid={shown['repeat.timezone'] ? true : undefined}
              aria-describedby={`${idPrefix}-timezone-error`}
              className={inputClass}
            />
            <datalist id={`${idPrefix}-zones`}>
              {zones.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
            <FieldMessage id={`${idPrefix}-timezone-error`} text={shown['repeat.timezone']} />
          </div>
        </div>
      ) : (
        <div>
          <label htmlFor={`${idPrefix}-every`} className="block text-sm font-medium">
            Every
          </label>
          <div className="mt-1 flex max-w-sm gap-2">
            <input
              id={`${idPrefix}-every`}
              type="number"
              min={1}
              step="any"
              value={draft.everyValue}
              onChange={(event) => set({ everyValue: event.target.value })}
              aria-invalid={shown['repeat.everyMs'] ? true : undefined}
              aria-describedby={`${idPrefix}-every-error`}
              className={`${inputClass} mt-0`}
            />
            <select
              aria-label="Interval unit"
              value={draft.everyUnit}
              onChange={(event) => set({ everyUnit: event.target.value as IntervalUnit })}
              className={`${inputClass} mt-0`}
            >
              {INTERVAL_UNITS.map((unit) => (
                <option key={unit} value={unit}>
                  {unit}
                </option>
              ))}
            </select>
          </div>
          <FieldMessage id={`${idPrefix}-every-error`} text={shown['repeat.everyMs']} />
        </div>
      )}

      <div
        data-testid="schedule-preview"
        aria-live="polite"
        className="rounded-md bg-slate-50 px-4 py-3 text-sm"
      >
        {valid ? (
          <>
            <p className="font-medium text-slate-800">{describeRepeat(spec)}</p>
            {spec.kind === 'interval' ? (
              <p className="text-xs text-slate-500">The first run is when it is saved.</p>
            ) : null}
            <ol className="mt-2 space-y-0.5 text-xs text-slate-600">
              {nextRuns.map((run) => (
                <li key={run.toISOString()} className="tabular-nums">
                  {formatRunTime(run, zone)} ({zone})
                </li>
              ))}
            </ol>
          </>
        ) : (
          <p className="text-slate-500">The next runs show here once the schedule is valid.</p>
        )}
      </div>
    </fieldset>
  );
}
