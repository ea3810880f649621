'use client';

import { useCallback, useEffect, useRef, useState } from 'react';
import type { TaskFileView } from '@/lib/files/task-file-view';
import { CLIENT_EVENTS, SERVER_EVENTS, type TaskLogLine } from '@/lib/realtime/events';
import { mergeTaskSnapshot, mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import { isTerminalStatus, type TaskView } from '@/lib/tasks/task-view';
import { useSocketConnection } from '../hooks/use-socket-connection';
import type { TaskdeckClientSocket } from '../socket-client';

/** Lines kept in the page; the oldest go first. */
const MAX_LINES = 1_000;

function mergeLines(current: TaskLogLine[], incoming: TaskLogLine[]): TaskLogLine[] {
  const byId = new Map(current.map((line) => [line.id, line]));
  for (const line of incoming) byId.set(line.id, line);
  // uuid7 ids sort in the order the worker made them.
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : 1)).slice(-MAX_LINES);
}

async function fetchJson<T>(url: string): Promise<T | null> {
  const response = await fetch(url, { cache: 'no-store' });
  return response.ok ? ((await response.json()) as T) : null;
}

/**
 * One task kept live: its state, its log lines and its files. On every (re)connect it takes a
 * fresh snapshot and refetches the log, so nothing missed while offline stays missed; files are
 * fetched again whenever the task reaches a final status.
 */
export function useLiveTask(
  initialTask: TaskView,
  initialLines: TaskLogLine[],
  initialFiles: TaskFileView[],
) {
  const [task, setTask] = useState(initialTask);
  const [lines, setLines] = useState(initialLines);
  const [files, setFiles] = useState(initialFiles);
  const taskId = initialTask.id;
  const status = useRef(initialTask.status);

  const refreshLines = useCallback(async () => {
    const body = await fetchJson<{ lines: TaskLogLine[] }>(`/api/v1/tasks/${taskId}/logs`);
    if (body) setLines((current) => mergeLines(current, body.lines));
  }, [taskId]);

  const refreshFiles = useCallback(async () => {
    const body = await fetchJson<{ files: TaskFileView[] }>(`/api/v1/tasks/${taskId}/files`);
    if (body) setFiles(body.files);
  }, [taskId]);

  const wire = useCallback(
    (socket: TaskdeckClientSocket) => {
      socket.on(SERVER_EVENTS.taskUpdated, (update) => {
        if (update.id === taskId) setTask((current) => mergeTaskUpdate(current, update));
      });
      socket.on(SERVER_EVENTS.taskLog, (line) => {
        if (line.taskId === taskId) setLines((current) => mergeLines(current, [line]));
      });
      return {
        onConnect: () => {
          socket.emit(CLIENT_EVENTS.subscribe, [taskId], (result) => {
            const snapshot = result.ok ? result.tasks[0] : undefined;
            if (snapshot) setTask((current) => mergeTaskSnapshot(current, snapshot));
          });
          void refreshLines();
        },
      };
    },
    [taskId, refreshLines],
  );
  const connection = useSocketConnection(wire);

  useEffect(() => {
    const finished = isTerminalStatus(task.status) && !isTerminalStatus(status.current);
    status.current = task.status;
    if (finished) {
      void refreshFiles();
      void refreshLines();
    }
  }, [task.status, refreshFiles, refreshLines]);

  return { task, setTask, lines, files, connection };
}
