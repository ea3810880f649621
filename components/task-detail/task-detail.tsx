'use client';

import Link from 'next/link';
import type { ReactNode } from 'react';
import type { TaskFileView } from '@/lib/files/task-file-view';
import type { TaskLogLine } from '@/lib/realtime/events';
import { hasTiming } from '@/lib/tasks/describe-timing';
import { formatRunDuration } from '@/lib/time/format-time';
import { isTerminalStatus, type TaskErrorDetail, type TaskView } from '@/lib/tasks/task-view';
import { ProgressBar } from '../progress-bar';
import { StatusBadge } from '../status-badge';
import { TaskActions } from '../task-actions';
import { TaskHistory } from '../task-history';
import { TaskTiming } from '../task-timing';
import { useNow } from '../use-now';
import { ConnectionStatus } from '../connection-status';
import { LocalTime } from '../time/local-time';
import type { EmailMessageView } from '@/lib/email/email-message';
import { EmailMessage } from './email-message';
import { ErrorDetail } from './error-detail';
import { InputFiles, OutputFiles } from './task-files-section';
import { ParentTaskLink, TaskFollowUps } from './task-follow-ups';
import { TaskLogView } from './task-log-view';
import { useLiveTask } from './use-live-task';

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section
      aria-label={title}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 className="mb-3 text-sm font-semibold uppercase text-slate-500">{title}</h2>
      {children}
    </section>
  );
}

function Timings({ task }: { task: TaskView }) {
  const running = task.status === 'running' || task.status === 'cancelling';
  const now = useNow();
  const duration = formatRunDuration(task.startedAt, task.finishedAt, running ? now : null);
  const rows: Array<[string, ReactNode]> = [
    ['Created', <LocalTime key="created" iso={task.createdAt} />],
    ['Started', <LocalTime key="started" iso={task.startedAt} />],
    ['Finished', <LocalTime key="finished" iso={task.finishedAt} />],
    ['Run time', duration ?? '—'],
    ['Attempts', `${task.attempts} of ${task.maxAttempts}`],
    ['Queue', task.queue],
    ['Priority', task.priority],
  ];
  return (
    <dl data-testid="task-timings" className="grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-slate-500">{term}</dt>
          <dd className="tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ErrorPanel({
  task,
  detail,
  showDetail,
}: {
  task: TaskView;
  detail: TaskErrorDetail | null;
  showDetail: boolean;
}) {
  if (!task.error || (task.status !== 'failed' && task.status !== 'retrying')) return null;
  return (
    <div
      role="alert"
      data-testid="task-error"
      className="rounded-lg border border-red-200 bg-red-50 p-4 text-sm"
    >
      <p className="font-semibold text-red-800">
        {task.status === 'failed' ? 'Failed' : 'The last attempt failed'}:{' '}
        <code className="font-mono">{task.error.code}</code>
      </p>
      <p className="mt-1 text-red-800">{task.error.message}</p>
      {task.error.cause ? <p className="mt-1 text-red-700">Cause: {task.error.cause}</p> : null}
      <ErrorDetail task={task} detail={detail} enabled={showDetail} />
    </div>
  );
}

export function TaskDetail({
  initialTask,
  initialLines,
  initialFiles,
  owner,
  followUps,
  followUpTargets,
  email,
  errorDetail = null,
  showErrorDetail = false,
}: {
  initialTask: TaskView;
  initialLines: TaskLogLine[];
  initialFiles: TaskFileView[];
  /** For admins looking at someone else's task. */
  owner: string | null;
  /** Its children: the completion email, the webhook deliveries of its events. */
  followUps: TaskView[];
  /** Where each webhook delivery among them went (its endpoint's URL), by task id. */
  followUpTargets: Record<string, string>;
  /** For an email task: the message it sends, decoded. */
  email: EmailMessageView | null;
  /** Admins: the last failed attempt's stack and cause chain. */
  errorDetail?: TaskErrorDetail | null;
  /** Whether the viewer is an admin, who sees error details. */
  showErrorDetail?: boolean;
}) {
  const { task, setTask, lines, files, connection } = useLiveTask(
    initialTask,
    initialLines,
    initialFiles,
  );
  const { label, summary: detail } = task;
  return (
    <div className="space-y-6" data-testid="task-detail" data-task-id={task.id}>
      <div>
        <Link href="/" className="text-sm text-blue-700 hover:underline">
          ← All tasks
        </Link>
        <div className="mt-2 flex flex-wrap items-center justify-between gap-3">
          <div className="min-w-0">
            <h1 className="text-xl font-semibold">
              {label}
              {detail ? (
                <span className="ml-2 text-base font-normal text-slate-500">{detail}</span>
              ) : null}
            </h1>
            <p className="font-mono text-xs text-slate-500">
              {task.id} · {task.type}
              {owner ? ` · owner ${owner}` : ''}
            </p>
            {task.parentTaskId ? <ParentTaskLink parentTaskId={task.parentTaskId} /> : null}
          </div>
          <div className="flex items-center gap-3">
            <ConnectionStatus connection={connection} />
            <StatusBadge status={task.status} />
            <TaskActions task={task} onChanged={setTask} />
          </div>
        </div>
        <div className="mt-3 flex items-center gap-3">
          <ProgressBar value={task.progress} status={task.status} label={`${label} progress`} />
          <span
            data-testid="task-progress"
            className="w-10 text-right text-xs tabular-nums text-slate-600"
          >
            {task.progress}%
          </span>
        </div>
        <p data-testid="task-message" className="mt-1 text-sm text-slate-600">
          {task.progressMessage ?? ''}
        </p>
        {hasTiming(task.status) ? <TaskTiming task={task} typicalMs={null} /> : null}
      </div>
      <ErrorPanel task={task} detail={errorDetail} showDetail={showErrorDetail} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Section title="Timings and attempts">
          <Timings task={task} />
          <TaskHistory taskId={task.id} revision={task.revision} />
        </Section>
        <Section title="Input">
          <InputFiles files={files} />
          <details className="mt-2 text-sm">
            <summary className="cursor-pointer text-slate-500">Payload</summary>
            <pre tabIndex={0} className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs">
              {JSON.stringify(task.payload, null, 2)}
            </pre>
          </details>
        </Section>
      </div>
      {email ? (
        <Section title="Message">
          <EmailMessage message={email} />
        </Section>
      ) : null}
      {task.parentTaskId === null ? (
        <Section title="Follow-ups">
          <TaskFollowUps followUps={followUps} targets={followUpTargets} />
        </Section>
      ) : null}
      <Section title="Outputs">
        <OutputFiles files={files} finished={isTerminalStatus(task.status)} />
        {task.result ? (
          <details className="mt-3 text-sm">
            <summary className="cursor-pointer text-slate-500">Result</summary>
            <pre
              data-testid="task-result"
              tabIndex={0}
              className="mt-2 overflow-x-auto rounded bg-slate-50 p-3 text-xs"
            >
              {JSON.stringify(task.result, null, 2)}
            </pre>
          </details>
        ) : null}
      </Section>
      <Section title="Log">
        <TaskLogView lines={lines} />
      </Section>
    </div>
  );
}
