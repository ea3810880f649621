// Task ids are UUIDv7: the first 12 hex digits are the creation time, so tasks made within a
// minute share their first 8 characters. The last 8 are random: those tell tasks apart at a
// glance (the whole id is on hover and in the address).

/** "9f3c01ab" for "0192…-…-…9f3c01ab". */
export function shortTaskId(id: string): string {
  return id.replaceAll('-', '').slice(-8);
}

/**
 * The accessible name of a link that shows the short id: the whole id for screen readers and
 * tests, and the short id it shows as a word of its own, so the visible text is part of the name
 * (axe's label-content-name-mismatch matches whole words and ignores text in parentheses).
 */
export function taskLinkLabel(id: string): string {
  return `Open task ${id} · ${shortTaskId(id)}`;
}
