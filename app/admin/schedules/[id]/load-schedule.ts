import 'server-only';
import { notFound } from 'next/navigation';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { isAppError } from '@/lib/errors';
import type { ScheduleView } from '@/lib/schedules/schedule-view';
import { isAdmin, type UserPrincipal } from '@/server/auth/principal';
import { getSchedule } from '@/server/schedules/schedule-service';

/** The page's admin and schedule; anyone else, or an unknown schedule, gets the 404 page. */
export async function loadScheduleForPage(
  id: string,
): Promise<{ principal: UserPrincipal; schedule: ScheduleView }> {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const schedule = await getSchedule(principal, id).catch((error: unknown) => {
    if (isAppError(error) && error.status === 404) notFound();
    throw error;
  });
  return { principal, schedule };
}
