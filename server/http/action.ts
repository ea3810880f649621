import 'server-only';
import { headers } from 'next/headers';
import { isAppError, type FieldError } from '@/lib/errors';
import { rejectUnsafeInput } from '@/lib/validation/safe-input';
import { getLogger } from '@/lib/logger';
import { actionHandlers, type ActionName } from '@/server/actions/action-handlers';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { replaceOutage } from '@/server/infra/infra-errors';
import { assertSameOriginUse } from '@/server/security/same-origin';
import { replaceInputRefusal } from '@/server/infra/input-errors';

export type ActionResult<T> =
  { ok: true; data: T } | { ok: false; status: number; message: string; fieldErrors: FieldError[] };

type Handler<Name extends ActionName> = (typeof actionHandlers)[Name];
type Args<Name extends ActionName> =
  Handler<Name> extends (p: never, c: never, ...rest: infer A) => unknown ? A : never;
type Output<Name extends ActionName> = Awaited<ReturnType<Handler<Name>>>;

/**
 * Turns any error into what a form can show: an outage of Postgres or Redis says so (503);
 * unexpected ones are logged, not shown.
 */
export function toActionFailure(thrown: unknown, action: string): ActionResult<never> {
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

/** Resolves the caller from the request and runs the named action as them. */
export async function runAction<Name extends ActionName>(
  name: Name,
  ...args: Args<Name>
): Promise<ActionResult<Output<Name>>> {
  let requestHeaders: Headers;
  try {
    requestHeaders = await headers();
  } catch (error) {
    return toActionFailure(error, name);
  }
  return runActionWithHeaders(requestHeaders, name, ...args);
}

/** runAction for the request with these headers (tests call it in-process). */
export async function runActionWithHeaders<Name extends ActionName>(
  requestHeaders: Headers,
  name: Name,
  ...args: Args<Name>
): Promise<ActionResult<Output<Name>>> {
  try {
    // Actions are POSTs that ride on the session cookie: only the app's own pages may send them.
    assertSameOriginUse({ method: 'POST', headers: requestHeaders }, 'action');
    const principal = await authenticateRequest(requestHeaders);
    // Every action's arguments pass one check for text no schema should have to think about.
    rejectUnsafeInput(args, 'Check the input.');
    const handler = actionHandlers[name] as (...all: unknown[]) => Promise<Output<Name>>;
    return { ok: true, data: await handler(principal, auditContextOf(requestHeaders), ...args) };
  } catch (error) {
    return toActionFailure(error, name);
  }
}
