'use client';

import { useCallback, useState } from 'react';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@/lib/realtime/events';
import { useSocketConnection } from '@/components/hooks/use-socket-connection';
import type { TaskdeckClientSocket } from '@/components/socket-client';

function newer(a: AdminOverview | null, b: AdminOverview): AdminOverview {
  return a && a.generatedAt > b.generatedAt ? a : b;
}

/**
 * The admin overview kept live over Socket.IO: subscribes on every (re)connect (the ack is a
 * fresh snapshot), then takes each pushed one. The page's own snapshot counts too: after a
 * router refresh (a queue paused) it may be the newest.
 */
export function useAdminOverview(initial: AdminOverview) {
  const [live, setLive] = useState<AdminOverview | null>(null);
  const [refused, setRefused] = useState<string | null>(null);

  const wire = useCallback((socket: TaskdeckClientSocket) => {
    const take = (overview: AdminOverview) => setLive((current) => newer(current, overview));
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
  }, []);
  const connection = useSocketConnection(wire);

  return { overview: newer(live, initial), connection, refused };
}
