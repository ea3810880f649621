'use client';

import { useCallback, useState, useTransition, type FormEvent } from 'react';
import type { FieldError } from '@/lib/errors';
import { useToast } from '../toast/toast-provider';
import { defaultToast, type ToastInput } from '../toast/toast-types';

/** What a failed server action answers (server/http/action.ts's ActionResult, its `ok: false` half). */
export interface ActionFailure {
  ok: false;
  status: number;
  message: string;
  fieldErrors: FieldError[];
}

/** What every server action answers: server/http/action.ts's ActionResult, the same shape. */
export type ActionOutcome<T> = { ok: true; data: T } | ActionFailure;

export interface RunOptions<T> {
  onSuccess?: (data: T) => void;
  /** Runs on a failure; what it returns (if anything) is kept in place of the failure. */
  onFailure?: (failure: ActionFailure) => ActionFailure | void;
  /** Runs after either, once the answer is handled. */
  onSettled?: () => void;
  /**
   * The toast acknowledging success: a message (linked to the answer's task if it names one),
   * a toast made from the answer, or false for a call that changes nothing (loading a page).
   * Left out, it says "Done", with the link where there is a task.
   */
  toast?: string | ((data: T) => ToastInput | string) | false;
}

function toastFor<T>(toast: RunOptions<T>['toast'], data: T): ToastInput | null {
  if (toast === false) return null;
  if (typeof toast === 'function') {
    const made = toast(data);
    return typeof made === 'string' ? defaultToast(data, made) : made;
  }
  return defaultToast(data, toast);
}

/** A failure made here in the browser, in the shape of a server's. */
export function toFailure(message: string): ActionFailure {
  return { ok: false, status: 0, message, fieldErrors: [] };
}

/**
 * The call never got an answer of ours: the browser is offline, the connection dropped, or
 * something between answered with a page that is not an action's result. Next throws then;
 * left alone, that replaces the whole page with the error boundary and loses what was typed.
 */
function unreachedFailure(error: unknown): ActionFailure {
  console.error('server action failed without an answer', error);
  const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
  return toFailure(
    offline
      ? 'You are offline. Nothing was sent; what you entered is kept. Try again once you are back online.'
      : 'Taskdeck could not be reached. What you entered is kept: try again in a moment.',
  );
}

/**
 * A form's submit as a call with its data, without React's form actions: those reset every
 * field once the action returns, which wiped the input of a submit the server refused.
 */
export function handleSubmit(
  handler: (data: FormData, form: HTMLFormElement) => void,
): (event: FormEvent<HTMLFormElement>) => void {
  return (event) => {
    event.preventDefault();
    handler(new FormData(event.currentTarget), event.currentTarget);
  };
}

/**
 * Calling a server action from a component: pending while it runs, the last failure kept for
 * an alert (cleared when the next call starts), success acknowledged by a toast and handed to
 * `onSuccess`. Failures are never toasted: the caller shows them inline.
 */
export function useAction(initialError: string | null = null) {
  const [pending, startTransition] = useTransition();
  const showToast = useToast();
  const [failure, setFailure] = useState<ActionFailure | null>(
    initialError === null ? null : toFailure(initialError),
  );

  const run = useCallback(
    <T>(call: () => Promise<ActionOutcome<T>>, options: RunOptions<T> = {}) => {
      setFailure(null);
      startTransition(async () => {
        let result: ActionOutcome<T>;
        try {
          result = await call();
        } catch (error) {
          result = unreachedFailure(error);
        }
        if (result.ok) {
          options.onSuccess?.(result.data);
          const toast = toastFor(options.toast, result.data);
          if (toast) showToast(toast);
        } else setFailure(options.onFailure?.(result) ?? result);
        options.onSettled?.();
      });
    },
    [showToast],
  );

  const clear = useCallback(() => setFailure(null), []);

  return { run, pending, failure, error: failure?.message ?? null, setFailure, clear };
}
