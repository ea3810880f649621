'use client';

import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState, useTransition } from 'react';
import {
  isStatusChange,
  matchTask,
  mayEnterList,
  type LiveListFilter,
} from '@/lib/realtime/admin-list-filter';
import { SERVER_EVENTS } from '@/lib/realtime/events';
import { mergeTaskSnapshot, mergeTaskUpdate } from '@/lib/realtime/merge-task-update';
import type { TaskView } from '@/lib/tasks/task-view';
import { useSocketConnection } from '../../hooks/use-socket-connection';
import type { TaskdeckClientSocket } from '../../socket-client';

/** A burst of events waits this long, so it costs one re-read. */
const SETTLE_MS = 300;
/** At most one re-read of the page per this, however many events arrive. */
const MIN_GAP_MS = 2_000;
/** Past this many remembered rows, those no longer on the page are forgotten. */
const OVERLAY_LIMIT = 500;

/**
 * An admin task list kept live. The admin's socket is in the `admins` room, so it hears of
 * every task. A listed row takes each change at once (merged by revision and seq). An event
 * that may change which rows the filtered page holds (a new task that passes the filter on the
 * first page, a row whose status leaves the filter, a task whose status enters it) re-reads
 * the page from the server (router.refresh), coalesced: one re-read per burst, at most one per
 * MIN_GAP_MS, so a busy system costs each open page a page read every two seconds at most.
 */
export function useLiveAdminTasks(
  tasks: TaskView[],
  filter: LiveListFilter,
  /** The first page: the only one new tasks can appear on (newest first). */
  firstPage: boolean,
) {
  const router = useRouter();
  const [refreshing, startTransition] = useTransition();
  const [overlay, setOverlay] = useState<ReadonlyMap<string, TaskView>>(new Map());
  const listed = useRef(new Map<string, TaskView>());
  const filterRef = useRef({ filter, firstPage });
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRead = useRef(0);

  useEffect(() => {
    listed.current = new Map(tasks.map((task) => [task.id, task]));
  }, [tasks]);
  useEffect(() => {
    filterRef.current = { filter, firstPage };
  }, [filter, firstPage]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  const requestRead = useCallback(() => {
    if (timer.current) return;
    const wait = Math.max(SETTLE_MS, lastRead.current + MIN_GAP_MS - Date.now());
    timer.current = setTimeout(() => {
      timer.current = null;
      lastRead.current = Date.now();
      startTransition(() => router.refresh());
    }, wait);
  }, [router]);

  const wire = useCallback(
    (socket: TaskdeckClientSocket) => {
      let connectedBefore = false;
      socket.on(SERVER_EVENTS.taskCreated, (task) => {
        const { filter: current, firstPage: first } = filterRef.current;
        if (first && matchTask(current, task) !== 'no') requestRead();
      });
      socket.on(SERVER_EVENTS.taskUpdated, (update) => {
        const { filter: current } = filterRef.current;
        const row = listed.current.get(update.id);
        if (!row) {
          if (mayEnterList(current, update)) requestRead();
          return;
        }
        setOverlay((previous) => {
          const base = previous.get(update.id);
          const next = mergeTaskUpdate(base ? mergeTaskSnapshot(base, row) : row, update);
          const map = new Map(previous);
          if (map.size >= OVERLAY_LIMIT) {
            for (const id of map.keys()) if (!listed.current.has(id)) map.delete(id);
          }
          map.set(update.id, next);
          return map;
        });
        // A row whose new status leaves the filter goes at the next read, not silently stays.
        if (isStatusChange(update) && matchTask(current, mergeTaskUpdate(row, update)) === 'no') {
          requestRead();
        }
      });
      return {
        // What happened while the socket was down is read again, once.
        onConnect: () => {
          if (connectedBefore) requestRead();
          connectedBefore = true;
        },
      };
    },
    [requestRead],
  );
  const connection = useSocketConnection(wire);

  const rows = tasks.map((task) => {
    const live = overlay.get(task.id);
    return live ? mergeTaskSnapshot(live, task) : task;
  });
  return { rows, connection, refreshing };
}
