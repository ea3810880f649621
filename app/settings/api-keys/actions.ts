'use server';

import { revalidatePath } from 'next/cache';
import { runAction } from '@/server/http/action';

export async function createApiKey(formData: FormData) {
  const result = await runAction('createApiKey', formData);
  if (result.ok) revalidatePath('/settings/api-keys');
  return result;
}

export async function revokeApiKey(id: string) {
  const result = await runAction('revokeApiKey', id);
  if (result.ok) revalidatePath('/settings/api-keys');
  return result;
}
