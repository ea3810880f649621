'use server';

import { z } from 'zod';
import { defineAction } from '@/server/actions/define-action';
import { requireUser } from '@/server/auth/principal';
import { setCompletionEmails as setEmails } from './preferences';

// The notification settings page (/settings/notifications): completion emails on or off.

export const setCompletionEmails = defineAction({
  name: 'setCompletionEmails',
  args: ['enabled'],
  input: z.object({ enabled: z.boolean() }),
  guard: requireUser,
  revalidate: '/settings/notifications',
  run: async (principal, _context, { enabled }) => setEmails(principal, enabled),
});
