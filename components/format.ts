// Times on server-rendered pages: UTC, so every viewer and the audit log agree.

/** `2026-01-31 14:05`, in UTC; say so once on the page. */
export function formatUtc(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}
