/** A queue's state as a badge: running, or paused (starts no new jobs). */
export function QueueState({ paused }: { paused: boolean }) {
  return (
    <span
      data-testid="queue-state"
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
        paused
          ? 'bg-amber-100 text-amber-900 ring-amber-400'
          : 'bg-emerald-50 text-emerald-800 ring-emerald-300'
      }`}
    >
      {paused ? 'paused' : 'running'}
    </span>
  );
}
