import { z } from 'zod';
import { isAppError, type FieldError } from '@/lib/errors';
import { currentLogContext, problemInstanceOf } from '@/lib/log-context';
import { getLogger } from '@/lib/logger';
import { replaceOutage } from '@/server/infra/infra-errors';
import { replaceInputRefusal } from '@/server/infra/input-errors';
import { isClientDisconnect } from './client-disconnect';

// RFC 9457 problem details for every REST error.

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'urn:taskdeck:problem:<code>' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z
      .array(
        z.object({
          path: z
            .string()
            .meta({ description: "Dotted path of the field, '' for the whole input." }),
          message: z.string(),
        }),
      )
      .optional()
      .meta({ description: 'For bad input: what is wrong with which field.' }),
    instance: z.string().optional().meta({
      description:
        'urn:taskdeck:request:<id>: the X-Request-Id of the answer and the requestId of its log lines.',
    }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details.' });
export type ProblemBody = z.infer<typeof problemSchema>;

// A URN rather than a URL: no documentation host to keep alive, still a stable identifier.
export const PROBLEM_TYPE_BASE = 'urn:taskdeck:problem:';

/** The body as sent: with the `instance` of the request being answered, when there is one. */
export function withRequestInstance<Body extends object>(body: Body): Body & { instance?: string } {
  const context = currentLogContext();
  return context ? { ...body, instance: problemInstanceOf(context.requestId) } : body;
}

export function problemResponse(body: ProblemBody, headers?: HeadersInit): Response {
  return new Response(JSON.stringify(withRequestInstance(body)), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/**
 * Expected errors become their own problem; an outage of Postgres or Redis a 503 with
 * Retry-After (a warning in the log, not a bug); anything else is logged and reported as a 500.
 */
export function errorToProblem(thrown: unknown, context: Record<string, unknown> = {}): Response {
  if (isClientDisconnect(thrown)) {
    getLogger().info(
      { reason: thrown instanceof Error ? thrown.message : String(thrown), ...context },
      'the client went away before the request was read; nobody to answer',
    );
    return problemResponse({
      type: PROBLEM_TYPE_BASE + 'request_aborted',
      title: 'Request aborted',
      status: 400,
      detail: 'The request ended before its body was complete.',
      code: 'request_aborted',
    });
  }
  const error = replaceInputRefusal(replaceOutage(thrown, context), context);
  if (isAppError(error)) {
    const headers: Record<string, string> = {};
    if ('retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number') {
      headers['retry-after'] = String(error.retryAfterSeconds);
    }
    if (error.status === 401) headers['www-authenticate'] = 'Bearer realm="taskdeck"';
    // RFC 9110 §15.5.17: a 416 names the size, so the client can ask for what exists.
    if (error.code === 'range_not_satisfiable' && 'size' in error) {
      headers['content-range'] = `bytes */${String(error.size)}`;
    }
    // Which problem a request got, under the same requestId as its `instance`.
    getLogger().debug({ status: error.status, code: error.code, ...context }, 'answered a problem');
    return problemResponse(
      {
        type: PROBLEM_TYPE_BASE + error.code,
        title: error.title,
        status: error.status,
        detail: error.message,
        code: error.code,
        ...('fieldErrors' in error &&
        Array.isArray(error.fieldErrors) &&
        error.fieldErrors.length > 0
          ? { errors: error.fieldErrors as FieldError[] }
          : {}),
      },
      headers,
    );
  }
  getLogger().error({ err: error, ...context }, 'unexpected error in a route handler');
  return problemResponse({
    type: PROBLEM_TYPE_BASE + 'internal_error',
    title: 'Internal error',
    status: 500,
    detail: 'Something went wrong on our side. It has been logged.',
    code: 'internal_error',
  });
}
