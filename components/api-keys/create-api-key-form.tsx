'use client';

import { useState } from 'react';
import { createApiKey } from '@/server/auth/api-key-actions';
import type { FieldError } from '@/lib/errors';
import { ActionError } from '@/components/action-error';
import { handleSubmit, useAction } from '@/components/hooks/use-action';
import { OneTimeSecret } from '@/components/one-time-secret';
import { inputClass } from '@/components/styles';
import { useHydrated } from '@/components/use-hydrated';

function fieldMessage(errors: FieldError[], field: string): string | undefined {
  return errors.find((error) => error.path === field)?.message;
}

export function CreateApiKeyForm() {
  const { run, pending, failure } = useAction();
  // Until then a click would submit the form natively, away from the page.
  const hydrated = useHydrated();
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);

  function submit(formData: FormData, form: HTMLFormElement) {
    run(() => createApiKey(formData), {
      onSuccess: (made) => {
        setCreated({ name: made.apiKey.name, key: made.key });
        form.reset();
      },
      toast: (made) => `API key “${made.apiKey.name}” created`,
    });
  }

  const fieldErrors = failure?.fieldErrors ?? [];
  const nameError = fieldMessage(fieldErrors, 'name');
  const expiryError = fieldMessage(fieldErrors, 'expiresInDays');
  return (
    <div className="space-y-4">
      {created ? (
        <OneTimeSecret
          heading={`Your new API key “${created.name}”`}
          label="New API key"
          inputId="new-api-key"
          value={created.key}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      <form
        onSubmit={handleSubmit(submit)}
        aria-label="Create an API key"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-[1fr_12rem_auto] sm:items-start"
      >
        <label className="block text-sm font-medium text-slate-700">
          Key name
          <input
            name="name"
            type="text"
            required
            maxLength={100}
            placeholder="e.g. CI pipeline"
            aria-invalid={nameError ? true : undefined}
            className={inputClass}
          />
          {nameError ? (
            <span className="mt-1 block text-xs font-normal text-red-700">{nameError}</span>
          ) : null}
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Expires in (days)
          <input
            name="expiresInDays"
            type="number"
            min={1}
            max={3650}
            step={1}
            placeholder="Never"
            aria-invalid={expiryError ? true : undefined}
            className={inputClass}
          />
          {expiryError ? (
            <span className="mt-1 block text-xs font-normal text-red-700">{expiryError}</span>
          ) : (
            <span className="mt-1 block text-xs font-normal text-slate-500">
              Leave empty for no expiry.
            </span>
          )}
        </label>
        <button
          type="submit"
          disabled={!hydrated || pending}
          className="rounded-md bg-blue-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-700 disabled:cursor-not-allowed disabled:opacity-60 sm:mt-6"
        >
          {pending ? 'Creating…' : 'Create key'}
        </button>
        <ActionError
          message={nameError || expiryError ? null : failure?.message}
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-3"
        />
      </form>
    </div>
  );
}
