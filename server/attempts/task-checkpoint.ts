import type { Prisma, Task } from '@/lib/generated/prisma/client';
import { getPrisma } from '@/server/infra/clients';

/**
 * Saves a processor's checkpoint (TaskContext.saveCheckpoint) while its attempt still owns the
 * task: running, under this job and this attempt. An attempt whose task has moved on (cancelled
 * and forced, or taken over after its worker was thought lost) writes nothing.
 */
export async function saveTaskCheckpoint(
  task: Pick<Task, 'id' | 'jobId' | 'attempts'>,
  state: Record<string, unknown>,
): Promise<void> {
  await getPrisma().task.updateMany({
    where: { id: task.id, status: 'running', jobId: task.jobId, attempts: task.attempts },
    data: { checkpoint: state as Prisma.InputJsonObject },
  });
}
