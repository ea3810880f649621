/** UUIDv7s made close together share their first characters (the time): show the end too. */
export function shortTaskId(id: string): string {
  return `${id.slice(0, 8)}…${id.slice(-4)}`;
}
