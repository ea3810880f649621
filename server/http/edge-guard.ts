import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { getEnv } from '@/lib/env';
import { describeUnsafeText } from '@/lib/validation/safe-input';
import { formatBytes } from '@/lib/format-bytes';
import { chooseRequestId, problemInstanceOf } from '@/lib/log-context';
import { getLogger } from '@/lib/logger';
import { allowedMethods } from './rest-routes';
import { PROBLEM_TYPE_BASE, withRequestInstance, type ProblemBody } from './problem';
import { UPLOAD_PATH } from './upload-endpoint';

// What the web process checks before Next sees a request, because Next cannot be made to
// answer these with a clear 4xx: a request target that is not a path (`OPTIONS *`), a path
// that is not percent-encoded UTF-8 (Next's own decoding throws: 500), an unknown REST path or
// method (Next: an HTML 404, a 405 without Allow), and bodies past the cap (Next buffers a
// request body as fast as it arrives, whoever sends it, and a server action's 413 is a 500).

const LINGER_MS = 2_000;
const SERVER_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

function answer(
  req: IncomingMessage,
  res: ServerResponse,
  problem: Omit<ProblemBody, 'type'>,
  headers: Record<string, string> = {},
): true {
  const body = JSON.stringify(
    withRequestInstance({ type: PROBLEM_TYPE_BASE + problem.code, ...problem }),
  );
  res.writeHead(problem.status, {
    'content-type': 'application/problem+json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body, () => {
    // Refused before the body arrived: let the client read the answer, then hang up.
    if (req.complete) return;
    req.resume();
    setTimeout(() => req.destroy(), LINGER_MS).unref();
  });
  return true;
}

const badRequest = (detail: string) => ({
  status: 400,
  code: 'bad_request',
  title: 'Bad request',
  detail,
});

/** Why the path cannot be routed, or null. */
function describeBadPath(path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return 'The path is not valid percent-encoded UTF-8.';
  }
  const problem = describeUnsafeText(decoded);
  return problem ? `The path ${problem}.` : null;
}

/**
 * Passes every byte of the body on untouched, counting; past the cap the request is cut off,
 * so whatever buffers it (Next does) holds at most the cap. Handlers that read JSON stop at
 * the cap themselves and answer 413; this is the bound for everything else.
 */
function capBody(req: IncomingMessage, maxBytes: number): void {
  let size = 0;
  const count = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      req.off('data', count);
      req.destroy();
    }
  };
  // A 'data' listener alone would start the flow before Next reads; paused, it only observes
  // the chunks Next's own reads return.
  req.on('data', count);
  req.pause();
}

/**
 * A server action's own errors never leave runAction (server/http/action.ts answers them in its
 * result), so a 500 on an action request is Next or React refusing the request itself: a body
 * it cannot decode, too many arguments, a body past its limit. That is the client's 400.
 */
function answerActionRefusalsAs400(req: IncomingMessage, res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((statusCode: number, ...rest: unknown[]) => {
    if (statusCode !== 500) return writeHead(statusCode, ...rest);
    getLogger().warn({ url: req.url }, 'server action request refused by Next: answered 400');
    return writeHead(400, ...rest);
  }) as typeof res.writeHead;
}

/** Answers the request when it must go no further; false lets it through. */
export function guardRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  const method = req.method ?? 'GET';
  if (url === '*' && method === 'OPTIONS') {
    res.writeHead(204, { allow: SERVER_METHODS });
    res.end();
    return true;
  }
  if (!url.startsWith('/'))
    return answer(req, res, badRequest('The request target must be a path.'));
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const badPath = describeBadPath(path);
  if (badPath) return answer(req, res, badRequest(badPath));

  if (path === '/api/v1' || path.startsWith('/api/v1/')) {
    const allowed = allowedMethods(path);
    if (!allowed) {
      return answer(req, res, {
        status: 404,
        code: 'not_found',
        title: 'Not found',
        detail: 'No such REST route. See the README for the API.',
      });
    }
    if (method === 'OPTIONS') {
      res.writeHead(204, { allow: allowed.join(', ') });
      res.end();
      return true;
    }
    if (!allowed.includes(method)) {
      return answer(
        req,
        res,
        {
          status: 405,
          code: 'method_not_allowed',
          title: 'Method not allowed',
          detail: `${method} is not supported here. Use ${allowed.join(', ')}.`,
        },
        { allow: allowed.join(', ') },
      );
    }
  }

  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  // Uploads have their own, larger limit (server/http/multipart.ts).
  if (path === UPLOAD_PATH) return false;
  const maxBytes = getEnv().JSON_BODY_MAX_BYTES;
  if (Number(req.headers['content-length']) > maxBytes) {
    return answer(req, res, {
      status: 413,
      code: 'payload_too_large',
      title: 'Payload too large',
      detail: `The request body is larger than the limit of ${formatBytes(maxBytes)}.`,
    });
  }
  return false;
}

/** For a request Next will serve: its body is capped, and a refused server action is a 400. */
export function prepareForNext(req: IncomingMessage, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return;
  capBody(req, getEnv().JSON_BODY_MAX_BYTES);
  if (req.headers['next-action'] !== undefined) answerActionRefusalsAs400(req, res);
}

/**
 * Requests Node's HTTP parser refuses (a request line or headers past its size limit, bytes
 * that are not HTTP) never reach a handler; Node would answer them with an empty body. The same
 * status, as problem+json.
 */
export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    // The client hung up mid-request: nothing to answer, nothing wrong on our side.
    getLogger().debug({ code: error.code }, 'client connection closed before its request was read');
    socket.destroy();
    return;
  }
  // No request reached a handler, so none has an id yet: this answer gets its own.
  const requestId = chooseRequestId(undefined);
  // A client that stopped mid-request (the connection ended inside a body) gets the 400 in
  // case it still reads, but that is its doing, not news.
  const level = error.code === 'HPE_INVALID_EOF_STATE' ? 'debug' : 'info';
  const [status, title] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request header fields too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request timeout']
        : [400, 'Bad request'];
  getLogger()[level](
    { requestId, code: error.code, status },
    'refused a request Node could not parse',
  );
  const body = JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}bad_request`,
    title,
    status,
    detail:
      status === 431
        ? 'The request line or its headers are too large.'
        : 'The request is not valid HTTP.',
    code: 'bad_request',
    instance: problemInstanceOf(requestId),
  });
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\n` +
      `x-request-id: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}
