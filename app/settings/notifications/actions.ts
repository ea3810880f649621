'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/server/http/action';

export async function setCompletionEmails(enabled: boolean) {
  const result = await runAction('setCompletionEmails', enabled);
  if (result.ok) revalidatePath('/settings/notifications');
  return result;
}
