import { fromLocalDateTimeInput } from '@/lib/schema-form/local-date-time';

// "When to start" in the Run a task form: now, after a delay, or at a local date and time, as
// the delayMs or runAt a task submission takes.

export const START_MODES = ['now', 'delay', 'at'] as const;
export type StartMode = (typeof START_MODES)[number];

export const DELAY_UNIT_MS = { seconds: 1_000, minutes: 60_000, hours: 3_600_000 } as const;
export type DelayUnit = keyof typeof DELAY_UNIT_MS;

export interface StartChoice {
  mode: StartMode;
  /** As typed in the number input. */
  delayAmount: string;
  delayUnit: DelayUnit;
  /** A datetime-local value. */
  at: string;
}

export type StartInput = { delayMs?: number; runAt?: string };

export type StartResult =
  { ok: true; input: StartInput } | { ok: false; path: 'delayMs' | 'runAt'; message: string };

export function toStartInput(choice: StartChoice): StartResult {
  if (choice.mode === 'now') return { ok: true, input: {} };
  if (choice.mode === 'delay') {
    const amount = Number(choice.delayAmount.trim());
    if (choice.delayAmount.trim() === '' || !Number.isFinite(amount) || amount <= 0) {
      return { ok: false, path: 'delayMs', message: 'Enter a delay greater than 0.' };
    }
    return { ok: true, input: { delayMs: Math.round(amount * DELAY_UNIT_MS[choice.delayUnit]) } };
  }
  const runAt = fromLocalDateTimeInput(choice.at);
  if (runAt === null) return { ok: false, path: 'runAt', message: 'Enter a date and time.' };
  return { ok: true, input: { runAt } };
}
