'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/server/http/action';

export async function setUserRole(userId: string, role: string) {
  const result = await runAction('setUserRole', userId, role);
  if (result.ok) revalidatePath('/admin/users');
  return result;
}

export async function setUserBanned(userId: string, banned: boolean) {
  const result = await runAction('setUserBanned', userId, banned);
  if (result.ok) revalidatePath('/admin/users');
  return result;
}

export async function revokeUserApiKeys(userId: string) {
  const result = await runAction('revokeUserApiKeys', userId);
  if (result.ok) revalidatePath('/admin/users');
  return result;
}

export async function createInvitation(email: string) {
  const result = await runAction('createInvitation', email);
  if (result.ok) revalidatePath('/admin/users');
  return result;
}
