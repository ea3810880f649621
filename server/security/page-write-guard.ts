import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWebHeaders } from '@/server/http/node-headers';
import { errorToProblem } from '@/server/http/problem';
import { isPagePath } from './security-headers';
import { assertSameOriginUse } from './same-origin';

// Server actions are POSTs to a page. runAction checks their origin (server/http/action.ts),
// but Next checks it first and answers a foreign one with a bare 500; this answers it with the
// same problem as everywhere else, before Next sees the request. REST routes and uploads check
// where they resolve their caller (server/http/route.ts, upload-endpoint.ts).

async function writeProblem(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, {
    'content-type': response.headers.get('content-type') ?? 'application/problem+json',
    'content-length': String(body.length),
  });
  res.end(body);
}

/** Answers a cookie write to a page that another origin sent; true when it did. */
export function refuseForeignPageWrite(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'GET' || req.method === 'HEAD') return false;
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  if (!isPagePath(path)) return false;
  try {
    const headers = toWebHeaders(req.headers);
    assertSameOriginUse({ method: req.method ?? 'GET', headers }, 'action');
    return false;
  } catch (error) {
    void writeProblem(res, errorToProblem(error, { method: req.method, url: path }));
    return true;
  }
}
