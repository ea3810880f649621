'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/server/http/action';

export async function setUserRole(userId: string, role: string) {
  const result = await runAction('setUserRole', userId, role);
  if (result.ok) revalidatePath('/admin/users');
  return result;
}
