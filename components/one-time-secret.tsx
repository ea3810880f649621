'use client';

import { ClientButton } from './client-button';
import { useRef, useState } from 'react';

/** A secret shown once (an API key, a webhook signing secret), with a copy button. */
export function OneTimeSecret({
  heading,
  label,
  inputId,
  value,
  onDismiss,
}: {
  heading: string;
  label: string;
  inputId: string;
  value: string;
  onDismiss: () => void;
}) {
  const inputRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('yes');
    } catch {
      // No clipboard access (permissions, insecure origin): select it for a manual copy.
      inputRef.current?.select();
      setCopied('failed');
    }
  }

  return (
    <section
      aria-labelledby={`${inputId}-heading`}
      className="rounded-lg border border-amber-300 bg-amber-50 p-4 shadow-sm"
    >
      <h2 id={`${inputId}-heading`} className="font-semibold text-amber-900">
        {heading}
      </h2>
      <p className="mt-1 text-sm text-amber-900">
        Copy it now and keep it somewhere safe: <strong>it will not be shown again.</strong>
      </p>
      <div className="mt-3 flex flex-wrap gap-2">
        <label className="sr-only" htmlFor={inputId}>
          {label}
        </label>
        <input
          id={inputId}
          ref={inputRef}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          className="min-w-0 flex-1 rounded-md border border-amber-300 bg-white px-3 py-2 font-mono text-sm"
        />
        <ClientButton
          type="button"
          onClick={copy}
          className="rounded-md bg-slate-900 px-3 py-2 text-sm font-semibold text-white hover:bg-slate-700"
        >
          {copied === 'yes' ? 'Copied' : 'Copy'}
        </ClientButton>
        <ClientButton
          type="button"
          onClick={onDismiss}
          className="rounded-md border border-amber-300 bg-white px-3 py-2 text-sm font-medium text-amber-900 hover:bg-amber-100"
        >
          Done
        </ClientButton>
      </div>
      <p aria-live="polite" className="mt-2 text-xs text-amber-900">
        {copied === 'yes' ? 'Copied to the clipboard.' : null}
        {copied === 'failed' ? 'Could not copy automatically: it is selected, copy it.' : null}
      </p>
    </section>
  );
}
