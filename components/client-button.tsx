'use client';

import type { ButtonHTMLAttributes } from 'react';
import { useHydrated } from './use-hydrated';

/**
 * A button whose only effect is its click handler. The server renders it disabled and it turns on
 * once React has hydrated: a click before that would run no handler and be lost without a word
 * (a confirm dialog that never opens on a slow phone). Buttons mounted after hydration are enabled
 * from their first render. ESLint requires it for every `<button onClick>`.
 */
export function ClientButton({
  disabled,
  type = 'button',
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement>) {
  const hydrated = useHydrated();
  return <button type={type} disabled={!hydrated || disabled} {...props} />;
}
