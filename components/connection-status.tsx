import type { ConnectionState } from './hooks/use-socket-connection';

const CONNECTION_LABELS: Record<ConnectionState, { text: string; dot: string }> = {
  connecting: { text: 'Connecting…', dot: 'bg-amber-400' },
  live: { text: 'Live', dot: 'bg-emerald-500' },
  offline: { text: 'Offline: reconnecting', dot: 'bg-red-500' },
};

/** Whether a live page is receiving updates, the same on every page that has one. */
export function ConnectionStatus({ connection }: { connection: ConnectionState }) {
  const indicator = CONNECTION_LABELS[connection];
  return (
    <span
      data-testid="connection"
      data-state={connection}
      className="flex items-center gap-2 text-xs text-slate-600"
    >
      <span className={`h-2 w-2 rounded-full ${indicator.dot}`} aria-hidden />
      {indicator.text}
    </span>
  );
}
