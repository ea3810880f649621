'use client';

import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import {
  CLIENT_EVENTS,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type ServerToClientEvents,
} from '@/lib/realtime/events';
import { createTaskList, reduceTaskList } from '@/lib/realtime/task-list';
import type { TaskView } from '@/lib/tasks/task-view';

export type ConnectionState = 'connecting' | 'live' | 'offline';

type TaskSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * The task list kept live over Socket.IO. On every (re)connect it asks for fresh snapshots of
 * what it shows, so nothing missed while offline stays missed; an update for a task it does
 * not know yet (created elsewhere, or older than the first page) fetches that task once.
 */
export function useLiveTasks(initialTasks: TaskView[]) {
  const [state, dispatch] = useReducer(reduceTaskList, initialTasks, createTaskList);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const socketRef = useRef<TaskSocket | null>(null);
  // The socket handlers outlive renders; they read the current ids through this ref.
  const knownIds = useRef(new Set(state.ids));
  const fetching = useRef(new Set<string>());
  useEffect(() => {
    knownIds.current = new Set(state.ids);
  }, [state.ids]);

  const subscribe = useCallback((ids: string[]) => {
    const socket = socketRef.current;
    if (!socket?.connected || ids.length === 0) return;
    socket.emit(CLIENT_EVENTS.subscribe, ids, (result) => {
      for (const id of ids) fetching.current.delete(id);
      if (result.ok) dispatch({ kind: 'snapshots', tasks: result.tasks });
    });
  }, []);

  useEffect(() => {
    const socket: TaskSocket = io({ path: '/socket.io/' });
    socketRef.current = socket;
    socket.on('connect', () => {
      setConnection('live');
      subscribe([...knownIds.current]);
    });
    socket.on('disconnect', () => setConnection('offline'));
    socket.io.on('reconnect_attempt', () => setConnection('connecting'));
    socket.on('connect_error', () => setConnection('offline'));
    socket.on(SERVER_EVENTS.taskCreated, (task) => dispatch({ kind: 'snapshots', tasks: [task] }));
    socket.on(SERVER_EVENTS.taskUpdated, (update) => {
      if (knownIds.current.has(update.id)) {
        dispatch({ kind: 'update', update });
      } else if (!fetching.current.has(update.id)) {
        fetching.current.add(update.id);
        subscribe([update.id]);
      }
    });
    return () => {
      socket.disconnect();
      socketRef.current = null;
    };
  }, [subscribe]);

  const addTasks = useCallback((tasks: TaskView[]) => dispatch({ kind: 'append-page', tasks }), []);

  return {
    tasks: state.ids.flatMap((id) => state.byId[id] ?? []),
    connection,
    addTasks,
  };
}
