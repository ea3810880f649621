import 'server-only';
import { revalidatePath } from 'next/cache';
import { headers } from 'next/headers';
import type { z } from 'zod';
import { isAppError, type FieldError } from '@/lib/errors';
import { rejectUnsafeInput } from '@/lib/validation/safe-input';
import { getLogger } from '@/lib/logger';
import { executeAction, type ActionDefinition } from '@/server/actions/action-definition';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { replaceOutage } from '@/server/infra/infra-errors';
import { assertSameOriginUse } from '@/server/security/same-origin';
import { replaceInputRefusal } from '@/server/infra/input-errors';
import { isClientDisconnect } from './client-disconnect';

export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; status: number; message: string; fieldErrors: FieldError[] };

/**
 * Turns any error into what a form can show: an outage of Postgres or Redis says so (503);
 * unexpected ones are logged, not shown.
 */
export function toActionFailure(thrown: unknown, action: string): ActionResult<never> {
  if (isClientDisconnect(thrown)) {
    getLogger().info({ action }, 'the client went away while its server action ran');
    return { ok: false, status: 400, message: 'The request was cut short.', fieldErrors: [] };
  }
  const error = replaceInputRefusal(replaceOutage(thrown, { action }), { action });
  if (isAppError(error)) {
    const fieldErrors = 'fieldErrors' in error ? (error.fieldErrors as FieldError[]) : [];
    return { ok: false, status: error.status, message: error.message, fieldErrors };
  }
  getLogger().error({ err: error, action }, 'server action failed');
  return {
    ok: false,
    status: 500,
    message: 'Something went wrong on our side. Try again.',
    fieldErrors: [],
  };
}

/** Resolves the caller from the request and runs the action as them (Next's entry). */
export async function runAction<Output>(
  definition: ActionDefinition<z.ZodType, Output>,
  ...args: unknown[]
): Promise<ActionResult<Output>> {
  let requestHeaders: Headers;
  try {
    requestHeaders = await headers();
  } catch (error) {
    return toActionFailure(error, definition.name);
  }
  const result = await runActionWithHeaders(requestHeaders, definition, ...args);
  if (result.ok && definition.revalidate) revalidatePath(definition.revalidate);
  return result;
}

/** runAction for the request with these headers (tests call it in-process). */
export async function runActionWithHeaders<Output>(
  requestHeaders: Headers,
  definition: ActionDefinition<z.ZodType, Output>,
  ...args: unknown[]
): Promise<ActionResult<Output>> {
  try {
    // Actions are POSTs that ride on the session cookie: only the app's own pages may send them.
    assertSameOriginUse({ method: 'POST', headers: requestHeaders }, 'action');
    const principal = await authenticateRequest(requestHeaders);
    // Every action's arguments pass one check for text no schema should have to think about.
    rejectUnsafeInput(args, 'Check the input.');
    const context = auditContextOf(requestHeaders);
    const data = await executeAction(definition, principal, context, args);
    getLogger().debug({ action: definition.name }, 'server action ran');
    return { ok: true, data };
  } catch (error) {
    const failure = toActionFailure(error, definition.name);
    if (!failure.ok)
      getLogger().debug(
        { action: definition.name, status: failure.status },
        'server action refused',
      );
    return failure;
  }
}
