import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { getEnv } from '@/lib/env';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { requireUser } from '@/server/auth/principal';
import { uploadFiles } from '@/server/files/upload-service';
import { assertSameOriginUse } from '@/server/security/same-origin';
import { withAdmission } from './admission';
import { readMultipartFiles } from './multipart';
import { toWebHeaders } from './node-headers';
import { errorToProblem } from './problem';
import { jsonBody, uploadResultSchema } from './api-schemas';

/**
 * POST /api/v1/files is served by the web process itself, in front of Next. Next hands route
 * handlers a request body it fills as fast as the network delivers, whatever the reader
 * takes (node_modules/next/dist/server/body-streams.js): an upload faster than the disk would
 * pile up in memory. Here the multipart parser reads Node's own request stream, so a slow disk
 * slows the client instead, and the web process's memory stays flat however large the upload.
 */
export const UPLOAD_PATH = '/api/v1/files';

export function isUploadRequest(req: IncomingMessage): boolean {
  if (req.method !== 'POST' || !req.url) return false;
  return new URL(req.url, 'http://localhost').pathname === UPLOAD_PATH;
}

/** multipart/form-data, one or more file parts: each file becomes a `file.process` task. */
export const handleUpload = withAdmission(
  async (headers: Headers, body: Readable): Promise<Response> => {
    try {
      // Authenticated before a byte of the body is read.
      assertSameOriginUse({ method: 'POST', headers });
      const principal = await authenticateRequest(headers);
      requireUser(principal);
      const env = getEnv();
      const files = readMultipartFiles(
        { headers, body },
        { maxBytes: env.UPLOAD_MAX_BYTES, maxFiles: env.UPLOAD_MAX_FILES },
      );
      const tasks = await uploadFiles(principal, files);
      return jsonBody(uploadResultSchema, { tasks }, { status: 201 });
    } catch (error) {
      return errorToProblem(error, { method: 'POST', url: UPLOAD_PATH });
    }
  },
);

export async function serveUpload(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const response = await handleUpload(toWebHeaders(req.headers), req);
  const body = Buffer.from(await response.arrayBuffer());
  const headers: Record<string, string> = Object.fromEntries(response.headers);
  headers['content-length'] = String(body.length);
  // Refused before the whole body arrived (too large, not signed in): answer, then discard
  // what is still coming for a moment so the client gets to read the answer (hanging up at
  // once, or with Connection: close, makes most clients report a broken pipe instead), then
  // hang up.
  res.writeHead(response.status, headers);
  res.end(body, () => {
    if (req.complete) return;
    req.resume();
    setTimeout(() => req.destroy(), LINGER_MS).unref();
  });
}

const LINGER_MS = 2_000;
