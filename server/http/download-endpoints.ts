import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { getLogger } from '@/lib/logger';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { openTaskFile } from '@/server/files/task-files';
import { openTaskResult } from '@/server/tasks/task-service';
import { rangeChooser } from './download-range';
import { fileResponse } from './file-response';
import { withProblems, type ApiRequest } from './route';

// The two download routes, shared by Next's route files (app/api/v1/tasks/[id]/files/[fileId]/
// and app/api/v1/tasks/[id]/result/) and the web process, which answers them before Next does.
// Next drops a route handler's Content-Length (FORBIDDEN_HEADERS in
// node_modules/next/dist/server/send-response.js) and sends the body chunked: a browser then
// shows a download with no size and no time left, and a client cannot tell a body cut short
// from a whole one. Served here, the answer streams from the store with its length.

/** GET /api/v1/tasks/{id}/files/{fileId}: `?disposition=inline` shows safe types in the page. */
export const downloadTaskFileEndpoint = withProblems<{ id: string; fileId: string }, ApiRequest>(
  async (request, { id, fileId }) => {
    const principal = await authenticateRequest(request.headers);
    const file = await openTaskFile(
      principal,
      id,
      fileId,
      auditContextOf(request.headers),
      rangeChooser(request.headers),
    );
    const inline = new URL(request.url).searchParams.get('disposition') === 'inline';
    return fileResponse(file, inline);
  },
);

/** GET /api/v1/tasks/{id}/result: the task's main output. */
export const downloadTaskResultEndpoint = withProblems<{ id: string }, ApiRequest>(
  async (request, { id }) => {
    const principal = await authenticateRequest(request.headers);
    const file = await openTaskResult(
      principal,
      id,
      auditContextOf(request.headers),
      rangeChooser(request.headers),
    );
    return fileResponse(file, false);
  },
);

type Download = (request: ApiRequest, segments: string[]) => Promise<Response>;

const DOWNLOADS: Array<{ pattern: RegExp; answer: Download }> = [
  {
    pattern: /^\/api\/v1\/tasks\/([^/]+)\/files\/([^/]+)$/,
    answer: (request, [id = '', fileId = '']) => downloadTaskFileEndpoint(request, { id, fileId }),
  },
  {
    pattern: /^\/api\/v1\/tasks\/([^/]+)\/result$/,
    answer: (request, [id = '']) => downloadTaskResultEndpoint(request, { id }),
  },
];

/** The download a GET or HEAD names, with its decoded path segments; null leaves it to Next. */
export function matchDownload(
  method: string | undefined,
  path: string,
): { answer: Download; segments: string[] } | null {
  if (method !== 'GET' && method !== 'HEAD') return null;
  for (const { pattern, answer } of DOWNLOADS) {
    const match = pattern.exec(path);
    if (!match) continue;
    try {
      return { answer, segments: match.slice(1).map((segment) => decodeURIComponent(segment)) };
    } catch {
      return null; // a malformed escape: Next answers it as it answers any other bad path
    }
  }
  return null;
}

/**
 * Writes a download's Response to Node's response as it is read from the store, keeping the
 * Content-Length the handler set; a client that hangs up stops the read (pipeline destroys the
 * store's stream), and HEAD reads nothing.
 */
export async function streamResponse(
  req: IncomingMessage,
  res: ServerResponse,
  response: Response,
): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  if (!response.body || req.method === 'HEAD') {
    await response.body?.cancel();
    res.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
  } catch (error) {
    // The head is sent: a store failing mid-read can only cut the body short, which the
    // Content-Length lets the client see. A client gone away is logged by request-log.ts.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      getLogger().warn({ err: error, path: req.url?.split('?', 1)[0] }, 'a download broke off');
    }
    res.destroy();
  }
}
