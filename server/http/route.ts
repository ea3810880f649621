import type { z } from 'zod';
import { assertSameOriginUse } from '@/server/security/same-origin';
import { getEnv } from '@/lib/env';
import { PayloadTooLargeError, ValidationError, toFieldErrors } from '@/lib/errors';
import { rejectUnsafeInput } from '@/lib/validation/safe-input';
import { requireUser, type Principal } from '@/server/auth/principal';
import { errorToProblem } from './problem';

/**
 * What a handler reads of its request. A fetch Request is one (Next's routes); so is the lighter
 * one the web process builds for the routes it serves itself (server/http/direct-endpoints.ts).
 */
export type ApiRequest = Pick<Request, 'method' | 'url' | 'headers' | 'text'> & {
  /** A fetch Request's body, read here with a cap; without one, `text()` must cap itself. */
  body?: ReadableStream<Uint8Array> | null;
};

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

/**
 * The body as text, read only up to JSON_BODY_MAX_BYTES: a declared length over it is refused
 * before a byte is read, and the read stops (cancelling the stream) at the byte that passes it.
 */
async function readCappedText(request: ApiRequest, maxBytes: number): Promise<string> {
  const tooLarge = () => new PayloadTooLargeError(maxBytes, 'The request body');
  if (Number(request.headers.get('content-length')) > maxBytes) throw tooLarge();
  if (!request.body) return request.text();
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

/**
 * A JSON body parsed with the schema, for a caller already known: anonymous callers are
 * refused before a byte is read, so nobody unknown makes the process read anything.
 */
export async function readJsonBody<Schema extends z.ZodType>(
  request: ApiRequest,
  schema: Schema,
  caller: Principal,
): Promise<z.output<Schema>> {
  requireUser(caller);
  const text = await readCappedText(request, getEnv().JSON_BODY_MAX_BYTES);
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
  rejectUnsafeInput(input);
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('The request is not valid.', toFieldErrors(parsed.error.issues));
  }
  return parsed.data;
}

export function searchParamsObject(request: ApiRequest): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
