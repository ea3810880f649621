// The quick path of the webhook fan-out, as the request path is for the task outbox: a process
// that has just committed a webhook event asks its own relay to run now instead of at its next
// turn. Best effort only: the periodic relay (and any other process's) still takes every event.

let handler: (() => void) | null = null;

/** Set by the process's durability loop (server/durability/durability-loop.ts). */
export function onWebhookEventRecorded(next: (() => void) | null): void {
  handler = next;
}

/** Called after a statement that recorded a webhook event has committed. */
export function noteWebhookEventRecorded(): void {
  handler?.();
}
