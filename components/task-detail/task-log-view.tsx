'use client';

import { useEffect, useRef } from 'react';
import type { TaskLogLine } from '@/lib/realtime/events';
import { LocalTime } from '../time/local-time';

const LEVEL_STYLES: Record<TaskLogLine['level'], string> = {
  info: 'text-slate-100',
  warn: 'text-amber-300',
  error: 'text-red-300',
};

/** The processor's lines as they arrive; keeps the newest in view unless the user scrolled up. */
export function TaskLogView({ lines }: { lines: TaskLogLine[] }) {
  const box = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const element = box.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [lines]);
  if (lines.length === 0) {
    return <p className="text-sm text-slate-500">No log lines yet.</p>;
  }
  return (
    <ol
      ref={box}
      data-testid="task-log"
      aria-live="polite"
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
      }}
      className="max-h-72 overflow-y-auto rounded bg-slate-950 p-3 font-mono text-xs"
    >
      {lines.map((line) => (
        <li key={line.id} data-level={line.level} className="whitespace-pre-wrap">
          <LocalTime iso={line.at} timeOnly className="text-slate-400" />{' '}
          <span className="text-slate-400">#{line.attempt} </span>
          <span className={LEVEL_STYLES[line.level]}>{line.message}</span>
        </li>
      ))}
    </ol>
  );
}
