// Times on server-rendered pages: UTC, so every viewer and the audit log agree.

export function formatUtc(iso: string | null): string {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function formatUtcSeconds(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}
