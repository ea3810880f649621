'use client';

import { useEffect, useState } from 'react';
import { createSocketClient, type TaskdeckClientSocket } from '../socket-client';

export type ConnectionState = 'connecting' | 'live' | 'offline';

/**
 * One socket for the life of the component (or until `wire` changes), and whether it is live.
 * `wire` adds the page's own event handlers; the `onConnect` it returns runs on every
 * (re)connect, where a page asks for fresh snapshots of what it shows.
 */
export function useSocketConnection(
  wire: (socket: TaskdeckClientSocket) => { onConnect?: () => void } | void,
): ConnectionState {
  const [connection, setConnection] = useState<ConnectionState>('connecting');

  useEffect(() => {
    const socket = createSocketClient();
    const onConnect = wire(socket)?.onConnect;
    socket.on('connect', () => {
      setConnection('live');
      onConnect?.();
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.on('connect_error', () => setConnection('offline'));
    socket.io.on('reconnect_attempt', () => setConnection('connecting'));
    return () => {
      socket.disconnect();
    };
  }, [wire]);

  return connection;
}
