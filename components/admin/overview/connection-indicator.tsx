'use client';

import type { ConnectionState } from '@/components/hooks/use-socket-connection';
import { useNow } from '@/components/use-now';
import { formatAgo } from '@/lib/admin/overview-format';
import { ConnectionStatus } from '@/components/connection-status';

/** Live or not, and how old the figures on screen are (they stop ageing only when live). */
export function ConnectionIndicator({
  connection,
  generatedAt,
}: {
  connection: ConnectionState;
  generatedAt: string;
}) {
  const now = useNow();
  return (
    <div className="flex items-center gap-4 text-xs text-slate-600">
      <span data-testid="overview-updated" data-generated-at={generatedAt}>
        {now === null ? null : `Updated ${formatAgo(Math.max(0, now - Date.parse(generatedAt)))}`}
      </span>
      <ConnectionStatus connection={connection} />
    </div>
  );
}
