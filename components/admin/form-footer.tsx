'use client';

import { ClientButton } from '../client-button';
import { useRouter } from 'next/navigation';
import { ActionError } from '../action-error';
import { primaryButtonClass } from '../styles';

/** The end of an admin's create-or-edit form: its failure, save, and discard (back). */
export function FormFooter({
  message,
  pending,
  disabled = false,
  label,
}: {
  message: string | null;
  pending: boolean;
  disabled?: boolean;
  /** The submit button's label when not saving, e.g. "Create schedule". */
  label: string;
}) {
  const router = useRouter();
  return (
    <>
      <ActionError
        message={message}
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
      />
      <div className="flex gap-3">
        <button type="submit" disabled={pending || disabled} className={primaryButtonClass}>
          {pending ? 'Saving…' : label}
        </button>
        <ClientButton
          type="button"
          onClick={() => router.back()}
          className="rounded-md border border-slate-300 px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50"
        >
          Discard
        </ClientButton>
      </div>
    </>
  );
}
