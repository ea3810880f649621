import type { Metadata } from 'next';
import { cache } from 'react';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import { notFound, redirect } from 'next/navigation';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { TaskDetail } from '@/components/task-detail/task-detail';
import { ReplayLinks, ReplayWithChanges } from '@/components/task-detail/replay-with-changes';
import { isAppError } from '@/lib/errors';
import { readEmailMessage } from '@/server/email/email-preview';
import { findDeliveryTargets } from '@/server/webhooks/webhook-follow-ups';
import { listTaskFiles, listTaskLogs } from '@/server/files/task-files';
import { findReplayLinks, readReplayForm } from '@/server/tasks/replay-with-changes';
import { isAdmin } from '@/server/auth/principal';
import { getTaskErrorDetail } from '@/server/tasks/task-error-detail';
import { findOtherOwnerEmail, getTask, listTaskFollowUps } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

// One read per request for the title and the page.
const loadTask = cache(async (id: string) => {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect(`/sign-in`);
  try {
    return { principal, task: await getTask(principal, id) };
  } catch (error) {
    // Someone else's task is as missing as one that never existed.
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  }
});

/** "Report · activity, 1–30 Nov · 9f3c01ab · Taskdeck": tabs and history tell tasks apart. */
export async function generateMetadata({
  params,
}: {
  params: Promise<{ id: string }>;
}): Promise<Metadata> {
  const { task } = await loadTask((await params).id);
  const parts = [task.label, task.summary, shortTaskId(task.id), 'Taskdeck'];
  return { title: parts.filter(Boolean).join(' · ') };
}

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { principal, task } = await loadTask(id);
  const [lines, files, owner, followUps, replayForm, replayLinks, errorDetail] = await Promise.all([
    listTaskLogs(principal, id),
    listTaskFiles(principal, id),
    findOtherOwnerEmail(principal, task),
    listTaskFollowUps(principal, task),
    readReplayForm(principal, id),
    findReplayLinks(principal, id),
    // Null for anyone but an admin: the owner sees the error's code and message only.
    getTaskErrorDetail(principal, id),
  ]);
  const targets = await findDeliveryTargets(followUps);
  return (
    <div className="space-y-4">
      <TaskDetail
        initialTask={task}
        initialLines={lines}
        initialFiles={files}
        owner={owner}
        followUps={followUps}
        followUpTargets={targets}
        email={readEmailMessage(task)}
        errorDetail={errorDetail}
        showErrorDetail={isAdmin(principal)}
      />
      <ReplayLinks {...replayLinks} />
      {replayForm ? (
        <ReplayWithChanges taskId={task.id} type={replayForm.type} payload={replayForm.payload} />
      ) : null}
    </div>
  );
}
