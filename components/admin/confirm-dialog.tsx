'use client';

import { ClientButton } from '../client-button';
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { primaryButtonClass } from '../styles';

const dangerButtonClass =
  'rounded-md bg-red-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-red-700 disabled:cursor-not-allowed disabled:opacity-60';

/**
 * A modal question with Confirm and Keep. The native dialog element brings the dialog role,
 * focus kept inside while open, and Escape, which closes it like Keep.
 */
export function ConfirmDialog({
  open,
  title,
  children,
  danger = false,
  pending = false,
  onConfirm,
  onClose,
}: {
  open: boolean;
  title: string;
  children: ReactNode;
  danger?: boolean;
  pending?: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const bodyId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={bodyId}
      // Escape fires `cancel`; the parent's state decides, so the two never disagree.
      onCancel={(event) => {
        event.preventDefault();
        if (!pending) onClose();
      }}
      // Set here: a dialog opened from a table cell would inherit its alignment, weight and colour.
      className="m-auto w-full max-w-md rounded-lg border border-slate-200 bg-white p-0 text-left font-normal text-slate-900 shadow-xl backdrop:bg-slate-900/40"
    >
      {open ? (
        <div className="p-5">
          <h2 id={titleId} className="text-lg font-semibold">
            {title}
          </h2>
          <div id={bodyId} className="mt-2 text-sm text-slate-600">
            {children}
          </div>
          <div className="mt-5 flex justify-end gap-2">
            <ClientButton
              type="button"
              onClick={onClose}
              disabled={pending}
              // The safe choice has the focus when the dialog opens.
              autoFocus
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50"
            >
              Keep
            </ClientButton>
            <ClientButton
              type="button"
              onClick={onConfirm}
              disabled={pending}
              className={danger ? dangerButtonClass : primaryButtonClass}
            >
              {pending ? 'Working…' : 'Confirm'}
            </ClientButton>
          </div>
        </div>
      ) : null}
    </dialog>
  );
}
