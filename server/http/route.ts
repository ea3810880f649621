import type { z } from 'zod';
import { ValidationError, toFieldErrors } from '@/lib/errors';
import { assertSameOriginUse } from '@/server/security/same-origin';
import { errorToProblem } from './problem';

/**
 * What a handler reads of its request. A fetch Request is one (Next's routes); so is the lighter
 * one the web process builds for the routes it serves itself (server/http/direct-endpoints.ts).
 */
export type ApiRequest = Pick<Request, 'method' | 'url' | 'headers' | 'text'>;

type Handler<Req, Context> = (request: Req, context: Context) => Promise<Response>;

/**
 * Wraps a route handler so every thrown error leaves as application/problem+json, and a write
 * riding on the session cookie is answered only when it comes from the app's own pages.
 */
export function withProblems<Context, Req extends ApiRequest = Request>(
  handler: Handler<Req, Context>,
): Handler<Req, Context> {
  return async (request, context) => {
    try {
      assertSameOriginUse(request);
      return await handler(request, context);
    } catch (error) {
      return errorToProblem(error, { method: request.method, url: request.url });
    }
  };
}

export async function readJsonBody<Schema extends z.ZodType>(
  request: ApiRequest,
  schema: Schema,
): Promise<z.output<Schema>> {
  const text = await request.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('The request body is not valid JSON.', [
      { path: '', message: error instanceof Error ? error.message : 'Malformed JSON' },
    ]);
  }
  return parseInput(schema, json);
}

export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('The request is not valid.', toFieldErrors(parsed.error.issues));
  }
  return parsed.data;
}

export function searchParamsObject(request: ApiRequest): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
