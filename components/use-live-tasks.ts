'use client';

import { useCallback, useEffect, useReducer, useRef } from 'react';
import { CLIENT_EVENTS, SERVER_EVENTS } from '@/lib/realtime/events';
import { createTaskList, reduceTaskList } from '@/lib/realtime/task-list';
import type { TaskView } from '@/lib/tasks/task-view';
import type { TaskdeckClientSocket } from './socket-client';
import { useSocketConnection } from './hooks/use-socket-connection';

/**
 * The task list kept live over Socket.IO. On every (re)connect it asks for fresh snapshots of
 * what it shows, so nothing missed while offline stays missed; an update for a task it does
 * not know yet (created elsewhere, or older than the first page) fetches that task once.
 */
export function useLiveTasks(
  initialTasks: TaskView[],
  /** Which tasks the list is about (say, one schedule's runs); others are left out. */
  accept?: (task: TaskView) => boolean,
) {
  const [state, dispatch] = useReducer(reduceTaskList, initialTasks, createTaskList);
  // The socket handlers outlive renders; they read the current ids through this ref.
  const knownIds = useRef(new Set(state.ids));
  const fetching = useRef(new Set<string>());
  // Tasks found not to belong are remembered, so their updates do not fetch them again.
  const rejected = useRef(new Set<string>());
  const acceptRef = useRef((tasks: TaskView[]) =>
    accept
      ? tasks.filter((task) => {
          const belongs = accept(task);
          if (!belongs) rejected.current.add(task.id);
          return belongs;
        })
      : tasks,
  );
  useEffect(() => {
    knownIds.current = new Set(state.ids);
  }, [state.ids]);

  const subscribe = useCallback((socket: TaskdeckClientSocket, ids: string[]) => {
    if (!socket.connected || ids.length === 0) return;
    socket.emit(CLIENT_EVENTS.subscribe, ids, (result) => {
      for (const id of ids) fetching.current.delete(id);
      if (result.ok) dispatch({ kind: 'snapshots', tasks: acceptRef.current(result.tasks) });
    });
  }, []);

  const wire = useCallback(
    (socket: TaskdeckClientSocket) => {
      socket.on(SERVER_EVENTS.taskCreated, (task) =>
        dispatch({ kind: 'snapshots', tasks: acceptRef.current([task]) }),
      );
      socket.on(SERVER_EVENTS.taskUpdated, (update) => {
        if (knownIds.current.has(update.id)) {
          dispatch({ kind: 'update', update });
        } else if (!fetching.current.has(update.id) && !rejected.current.has(update.id)) {
          fetching.current.add(update.id);
          subscribe(socket, [update.id]);
        }
      });
      return { onConnect: () => subscribe(socket, [...knownIds.current]) };
    },
    [subscribe],
  );
  const connection = useSocketConnection(wire);

  const addTasks = useCallback((tasks: TaskView[]) => dispatch({ kind: 'append-page', tasks }), []);

  return {
    tasks: state.ids.flatMap((id) => state.byId[id] ?? []),
    connection,
    addTasks,
  };
}
