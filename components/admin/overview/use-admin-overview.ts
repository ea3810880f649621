'use client';

import { useEffect, useState } from 'react';
import type { AdminOverview } from '@/lib/admin/admin-overview';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@/lib/realtime/events';
import { createSocketClient } from '@/components/socket-client';
import type { ConnectionState } from '@/components/use-live-tasks';

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
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const [refused, setRefused] = useState<string | null>(null);

  useEffect(() => {
    const socket = createSocketClient();
    const take = (overview: AdminOverview) => setLive((current) => newer(current, overview));
    socket.on('connect', () => {
      setConnection('live');
      socket.emit(CLIENT_EVENTS.adminOverviewSubscribe, (result) => {
        if (result.ok) {
          setRefused(null);
          take(result.overview);
        } else {
          setRefused(result.error);
        }
      });
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.io.on('reconnect_attempt', () => setConnection('connecting'));
    socket.on('connect_error', () => setConnection('offline'));
    socket.on(SERVER_EVENTS.adminOverview, take);
    return () => {
      socket.disconnect();
    };
  }, []);

  return { overview: newer(live, initial), connection, refused };
}
