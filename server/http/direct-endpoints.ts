import type { IncomingMessage, ServerResponse } from 'node:http';
import { getEnv } from '@/lib/env';
import { getLogger } from '@/lib/logger';
import { PayloadTooLargeError } from '@/lib/errors';
import { toWebHeaders } from './node-headers';
import { matchDownload, streamResponse } from './download-endpoints';
import type { ApiRequest } from './route';
import { createTaskEndpoint, listTasksEndpoint } from './task-endpoints';

// The busiest REST routes, answered by the web process before Next. Next's pipeline (routing,
// web streams for the body and the answer, compression) cost about 1.5 ms of CPU per create,
// several times the create itself; here it is Node's request, the shared handler, and the
// answer written as one buffer. The handler is the same one Next's route runs
// (server/http/task-endpoints.ts), so both answer alike. The downloads are served here too, for
// their Content-Length (server/http/download-endpoints.ts), streamed rather than buffered.

const LINGER_MS = 2_000;

type Endpoint = (request: ApiRequest) => Promise<Response>;

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /api/v1/tasks': createTaskEndpoint,
  // The list's first page is one statement of a few milliseconds; Next's pipeline added more.
  'GET /api/v1/tasks': listTasksEndpoint,
};

/** Read up to JSON_BODY_MAX_BYTES; past it the answer is 413 and reading stops. */
function readBody(req: IncomingMessage): Promise<string> {
  const maxBytes = getEnv().JSON_BODY_MAX_BYTES;
  const declared = Number(req.headers['content-length']);
  if (declared > maxBytes) {
    return Promise.reject(new PayloadTooLargeError(maxBytes, 'The request body'));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        req.pause();
        reject(new PayloadTooLargeError(maxBytes, 'The request body'));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size).toString('utf8'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

function toApiRequest(req: IncomingMessage, path: string): ApiRequest {
  let body: Promise<string> | null = null;
  return {
    method: req.method ?? 'GET',
    url: `http://${req.headers.host ?? 'localhost'}${path}`,
    headers: toWebHeaders(req.headers),
    text: () => (body ??= readBody(req)),
  };
}

/** Writes a fetch Response to Node's response as one buffer. */
export async function writeResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  headers['content-length'] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body, () => {
    // Answered before the whole body arrived (413, 401): let the client read the answer, then
    // hang up rather than read the rest.
    if (req.complete) return;
    req.resume();
    setTimeout(() => req.destroy(), LINGER_MS).unref();
  });
}

/** Serves the request when it is one of ours; false leaves it to Next. */
export function serveDirectEndpoint(req: IncomingMessage, res: ServerResponse): boolean {
  const url = req.url ?? '';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  const download = matchDownload(req.method, path);
  if (download) {
    const request = toApiRequest(req, url);
    void download
      .answer(request, download.segments)
      .then((response) => streamResponse(req, res, response))
      .catch((error: unknown) => {
        getLogger().error({ err: error, path }, 'a download could not be answered');
        res.destroy();
      });
    return true;
  }
  const endpoint = ENDPOINTS[`${req.method} ${path}`];
  if (!endpoint) return false;
  void endpoint(toApiRequest(req, url)).then((response) => writeResponse(req, res, response));
  return true;
}
