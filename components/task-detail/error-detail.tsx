'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef } from 'react';
import type { TaskErrorDetail, TaskView } from '@/lib/tasks/task-view';

/**
 * Admins: the failed attempt's stack and cause chain, folded. Shown for the attempt the panel
 * is about; when an attempt fails while the page is open, the page is read again once to
 * fetch its detail (the live event carries only the code and message everyone sees).
 */
export function ErrorDetail({
  task,
  detail,
  enabled,
}: {
  task: TaskView;
  detail: TaskErrorDetail | null;
  /** Whether the viewer may see details (an admin): only then is anything fetched. */
  enabled: boolean;
}) {
  const router = useRouter();
  const askedFor = useRef<number | null>(null);
  const failed = task.status === 'failed' || task.status === 'retrying';
  const current = detail !== null && detail.attempt === task.attempts;
  useEffect(() => {
    if (!enabled || !failed || current || askedFor.current === task.revision) return;
    askedFor.current = task.revision;
    router.refresh();
  }, [enabled, failed, current, task.revision, router]);

  if (!enabled || !current || !detail) return null;
  return (
    <details className="mt-3" data-testid="task-error-detail">
      <summary className="cursor-pointer text-sm font-medium text-red-800">
        Stack and cause (admins only)
      </summary>
      <pre
        tabIndex={0}
        aria-label="Error stack and cause"
        className="mt-2 max-h-96 overflow-auto whitespace-pre rounded-md bg-white p-3 font-mono text-xs text-slate-900 ring-1 ring-red-200"
      >
        {detail.text}
      </pre>
    </details>
  );
}
