'use client';

import { useCallback, useState, useTransition } from 'react';
import type { FieldError } from '@/lib/errors';

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
}

/** A failure made here in the browser, in the shape of a server's. */
export function toFailure(message: string): ActionFailure {
  return { ok: false, status: 0, message, fieldErrors: [] };
}

/**
 * Calling a server action from a component: pending while it runs, the last failure kept for
 * an alert (cleared when the next call starts), success handed to `onSuccess`.
 */
export function useAction(initialError: string | null = null) {
  const [pending, startTransition] = useTransition();
  const [failure, setFailure] = useState<ActionFailure | null>(
    initialError === null ? null : toFailure(initialError),
  );

  const run = useCallback(
    <T>(call: () => Promise<ActionOutcome<T>>, options: RunOptions<T> = {}) => {
      setFailure(null);
      startTransition(async () => {
        const result = await call();
        if (result.ok) options.onSuccess?.(result.data);
        else setFailure(options.onFailure?.(result) ?? result);
        options.onSettled?.();
      });
    },
    [],
  );

  const clear = useCallback(() => setFailure(null), []);

  return { run, pending, failure, error: failure?.message ?? null, setFailure, clear };
}
