// <input type="datetime-local"> speaks the browser's local time without an offset; payloads and
// runAt speak ISO 8601 instants. These convert between the two in the current time zone.

const pad = (value: number) => String(value).padStart(2, '0');

/** `2026-01-31T14:05` (seconds only when not zero) in local time; '' for an invalid instant. */
export function toLocalDateTimeInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const minutes = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
  return date.getSeconds() === 0 ? minutes : `${minutes}:${pad(date.getSeconds())}`;
}

/** The ISO instant (UTC, `Z`) of a datetime-local value; null when it is not one. */
export function fromLocalDateTimeInput(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(local)) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
