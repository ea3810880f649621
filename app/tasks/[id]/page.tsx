import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { TaskDetail } from '@/components/task-detail/task-detail';
import { isAppError } from '@/lib/errors';
import { listTaskFiles, listTaskLogs } from '@/server/files/task-files';
import { findOtherOwnerEmail, getTask } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Task · Taskdeck' };

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect(`/sign-in`);
  let task;
  try {
    task = await getTask(principal, id);
  } catch (error) {
    // Someone else's task is as missing as one that never existed.
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  }
  const [lines, files, owner] = await Promise.all([
    listTaskLogs(principal, id),
    listTaskFiles(principal, id),
    findOtherOwnerEmail(principal, task),
  ]);
  return <TaskDetail initialTask={task} initialLines={lines} initialFiles={files} owner={owner} />;
}
