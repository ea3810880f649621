'use client';

import { useCallback, useState } from 'react';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@/lib/realtime/events';
import { useSocketConnection } from '@/components/hooks/use-socket-connection';
import type { TaskdeckClientSocket } from '@/components/socket-client';

interface Snapshot {
  generatedAt: string;
}

function newer<T extends Snapshot>(a: T | null, b: T): T {
  return a && a.generatedAt > b.generatedAt ? a : b;
}

function whole(overview: AdminOverview): AdminOverview {
  return overview;
}

/**
 * The part of the admin overview a page shows (`select`, a stable function), kept live over
 * Socket.IO: subscribes on every (re)connect (the ack is a fresh snapshot), then takes each
 * pushed one. The page's own snapshot counts too: after a router refresh (a queue paused) it
 * may be the newest. Every admin page watching shares its node's one snapshot per interval.
 */
export function useOverviewFeed<T extends Snapshot>(
  initial: T,
  select: (overview: AdminOverview) => T,
) {
  const [live, setLive] = useState<T | null>(null);
  const [refused, setRefused] = useState<string | null>(null);

  const wire = useCallback(
    (socket: TaskdeckClientSocket) => {
      const take = (overview: AdminOverview) =>
        setLive((current) => newer(current, select(overview)));
      socket.on(SERVER_EVENTS.adminOverview, take);
      return {
        onConnect: () =>
          socket.emit(CLIENT_EVENTS.adminOverviewSubscribe, (result) => {
            if (result.ok) {
              setRefused(null);
              take(result.overview);
            } else {
              setRefused(result.error);
            }
          }),
      };
    },
    [select],
  );
  const connection = useSocketConnection(wire);

  return { snapshot: newer(live, initial), connection, refused };
}

/** The whole admin overview, live. */
export function useAdminOverview(initial: AdminOverview) {
  const { snapshot, connection, refused } = useOverviewFeed(initial, whole);
  return { overview: snapshot, connection, refused };
}
