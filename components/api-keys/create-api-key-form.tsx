'use client';

import { useRef, useState } from 'react';
import { createApiKey } from '@/server/auth/api-key-actions';
import type { FieldError } from '@/lib/errors';
import { ActionError } from '@/components/action-error';
import { handleSubmit, useAction } from '@/components/hooks/use-action';
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
    });
  }

  const fieldErrors = failure?.fieldErrors ?? [];
  const nameError = fieldMessage(fieldErrors, 'name');
  const expiryError = fieldMessage(fieldErrors, 'expiresInDays');
  return (
    <div className="space-y-4">
      {created ? (
        <NewKeyNotice
          name={created.name}
          keyValue={created.key}
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

function NewKeyNotice({
  name,
  keyValue,
  onDismiss,
}: {
  name: string;
  keyValue: string;
  onDismiss: () => void;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(keyValue);
      setCopied('yes');
    } catch {
      // No clipboard access (permissions, insecure origin): select it for a manual copy.
      inputRef.current?.select();
      setCopied('failed');
    }
  }

  return (
    <section
      aria-labelledby="new-key-heading"
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 shadow-sm"
    >
      <h2 id="new-key-heading" className="font-semibold text-amber-900">
        Your new API key “{name}”
      </h2>
      <p className="mt-1 text-sm text-amber-900">
        Copy it now and keep it somewhere safe: <strong>it will not be shown again.</strong>
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <label className="sr-only" htmlFor="new-api-key">
          New API key
        </label>
        <input
          id="new-api-key"
          ref={inputRef}
          readOnly
          value={keyValue}
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <button
          type="button"
          onClick={copy}
          className="rounded-md bg-slate-900 px-3 py-2 text-sm font-semibold text-white hover:bg-slate-700"
        >
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </button>
        <button
          type="button"
          onClick={onDismiss}
          className="rounded-md border border-amber-300 bg-white px-3 py-2 text-sm font-medium text-amber-900 hover:bg-amber-100"
        >
          Done
        </button>
      </div>
      <p aria-live="polite" className="mt-2 text-xs text-amber-900">
        {copied === 'yes' ? 'Copied to the clipboard.' : null}
        {copied === 'failed' ? 'Could not copy automatically: the key is selected, copy it.' : null}
      </p>
    </section>
  );
}
