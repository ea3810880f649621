'use client';

import { ClientButton } from '../client-button';
import Link from 'next/link';
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { TOAST_MS, type ToastInput } from './toast-types';

// One place that acknowledges mutations: useAction's success path calls showToast, so every
// server action a component runs is confirmed without its caller remembering. Failures are not
// toasted: they stay inline, beside the form or button that failed.

interface ShownToast extends ToastInput {
  id: number;
}

/** Outside a provider (a test rendering one component), toasts go nowhere. */
const ToastContext = createContext<(toast: ToastInput) => void>(() => {});

export const useToast = () => useContext(ToastContext);

/** At most this many at once: the oldest goes when another comes. */
const MAX_TOASTS = 3;

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ShownToast[]>([]);
  const nextId = useRef(0);
  const show = useCallback((toast: ToastInput) => {
    nextId.current += 1;
    const id = nextId.current;
    setToasts((shown) => [...shown.slice(1 - MAX_TOASTS), { ...toast, id }]);
  }, []);
  const dismiss = useCallback(
    (id: number) => setToasts((shown) => shown.filter((toast) => toast.id !== id)),
    [],
  );
  return (
    <ToastContext.Provider value={show}>
      {children}
      {/* Always rendered: a live region announces what is added to it, not itself. */}
      <div
        role="status"
        aria-live="polite"
        data-testid="toasts"
        className="pointer-events-none fixed inset-x-0 bottom-0 z-50 flex flex-col items-center gap-2 p-4 sm:items-end"
      >
        {toasts.map((toast) => (
          <Toast key={toast.id} toast={toast} onDismiss={() => dismiss(toast.id)} />
        ))}
      </div>
    </ToastContext.Provider>
  );
}

function Toast({ toast, onDismiss }: { toast: ShownToast; onDismiss: () => void }) {
  // Held while the pointer or keyboard focus is on it, so its link can be reached in time.
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(onDismiss, TOAST_MS);
    return () => clearTimeout(timer);
  }, [held, onDismiss]);
  return (
    <div
      data-testid="toast"
      className="pointer-events-auto flex w-full max-w-sm items-center gap-3 rounded-md bg-slate-900 px-4 py-3 text-sm text-white shadow-lg"
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setHeld(false);
      }}
      onKeyDown={(event) => {
        if (event.key === 'Escape') onDismiss();
      }}
    >
      <p className="min-w-0 flex-1 wrap-anywhere">
        {toast.message}
        {toast.href ? (
          <>
            {' · '}
            <Link
              href={toast.href}
              onClick={onDismiss}
              className="font-semibold text-sky-200 underline hover:text-white"
            >
              {toast.linkText ?? 'view task'}
            </Link>
          </>
        ) : null}
      </p>
      <ClientButton
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss notification"
        className="rounded px-1 text-lg leading-none text-slate-300 hover:text-white"
      >
        ×
      </ClientButton>
    </div>
  );
}
