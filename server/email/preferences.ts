import { NotFoundError } from '@/lib/errors';
import { requireUser, type Principal } from '@/server/auth/principal';
import { getPrisma } from '@/server/infra/clients';

// A user's own email settings. Each user changes only their own: there is no user id to pass.

export interface EmailPreferences {
  /** An email when one of the user's tasks succeeds or fails (server/email/completion-notice.ts). */
  completionEmails: boolean;
}

export async function getEmailPreferences(principal: Principal): Promise<EmailPreferences> {
  const user = requireUser(principal);
  const row = await getPrisma().user.findUnique({
    where: { id: user.userId },
    select: { notifyOnCompletion: true },
  });
  if (!row) throw new NotFoundError('No such user.');
  return { completionEmails: row.notifyOnCompletion };
}

export async function setCompletionEmails(
  principal: Principal,
  enabled: boolean,
): Promise<EmailPreferences> {
  const user = requireUser(principal);
  const { count } = await getPrisma().user.updateMany({
    where: { id: user.userId },
    data: { notifyOnCompletion: enabled },
  });
  if (count === 0) throw new NotFoundError('No such user.');
  return { completionEmails: enabled };
}
