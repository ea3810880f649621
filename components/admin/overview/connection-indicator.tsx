'use client';

import type { ConnectionState } from '@/components/use-live-tasks';
import { useNow } from '@/components/use-now';
import { formatAgo } from '@/lib/admin/overview-format';

const CONNECTION_LABELS: Record<ConnectionState, { text: string; dot: string }> = {
  connecting: { text: 'Connecting…', dot: 'bg-amber-400' },
  live: { text: 'Live', dot: 'bg-emerald-500' },
  offline: { text: 'Offline: reconnecting', dot: 'bg-red-500' },
};

/** Live or not, and how old the figures on screen are (they stop ageing only when live). */
export function ConnectionIndicator({
  connection,
  generatedAt,
}: {
  connection: ConnectionState;
  generatedAt: string;
}) {
  const now = useNow();
  const indicator = CONNECTION_LABELS[connection];
  return (
    <div className="flex items-center gap-4 text-xs text-slate-600">
      <span data-testid="overview-updated" data-generated-at={generatedAt}>
        {now === null ? null : `Updated ${formatAgo(Math.max(0, now - Date.parse(generatedAt)))}`}
      </span>
      <span data-testid="connection" data-state={connection} className="flex items-center gap-2">
        <span className={`h-2 w-2 rounded-full ${indicator.dot}`} aria-hidden />
        {indicator.text}
      </span>
    </div>
  );
}
