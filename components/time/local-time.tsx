'use client';

import { useSyncExternalStore } from 'react';
import { formatLocalTime, formatRelativeTime } from '@/lib/time/format-time';
import { useNow } from '../use-now';

// The server does not know the reader's zone, and the hydrating browser must render what the
// server did: both write the time in UTC and say so; once the page is live it switches to the
// reader's zone (and to "3 min ago" where asked), with the full time and zone on hover.

const noSubscription = () => () => {};
const readZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const serverZone = () => null;

/** The reader's time zone; null while server-rendering and hydrating. */
export function useBrowserZone(): string | null {
  return useSyncExternalStore(noSubscription, readZone, serverZone);
}

interface TimeProps {
  iso: string | null;
  className?: string;
  testId?: string;
}

function TimeElement({
  iso,
  text,
  zone,
  className,
  testId,
}: TimeProps & { iso: string; text: string; zone: string | null }) {
  return (
    <time
      dateTime={iso}
      title={formatLocalTime(iso, zone ?? 'UTC', { withZone: true })}
      className={className}
      data-testid={testId}
    >
      {text}
    </time>
  );
}

/** "3 Dec 2026, 14:05:09" (or "14:05:09") in the reader's zone; the zone on hover. */
export function LocalTime({ iso, timeOnly = false, ...rest }: TimeProps & { timeOnly?: boolean }) {
  const zone = useBrowserZone();
  if (!iso) return <span className={rest.className}>—</span>;
  const text =
    zone === null
      ? formatLocalTime(iso, 'UTC', { timeOnly, withZone: true })
      : formatLocalTime(iso, zone, { timeOnly });
  return <TimeElement iso={iso} text={text} zone={zone} {...rest} />;
}

/** "3 min ago", ticking with the page's one clock; the exact time and zone on hover. */
export function RelativeTime({ iso, ...rest }: TimeProps) {
  const zone = useBrowserZone();
  const now = useNow();
  if (!iso) return <span className={rest.className}>—</span>;
  const text =
    zone === null || now === null
      ? formatLocalTime(iso, 'UTC', { withZone: true })
      : formatRelativeTime(iso, now);
  return <TimeElement iso={iso} text={text} zone={zone} {...rest} />;
}
