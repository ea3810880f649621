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

/** Why a page of live figures is not live (the server refused its subscription), if it is not. */
export function LiveRefusal({
  refused,
  className = '',
}: {
  refused: string | null;
  className?: string;
}) {
  if (!refused) return null;
  return (
    <p role="alert" className={`rounded-md bg-red-50 p-3 text-sm text-red-800 ${className}`}>
      Live updates are off: {refused} The figures below are from when the page loaded.
    </p>
  );
}
