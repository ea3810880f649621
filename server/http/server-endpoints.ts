import type { IncomingMessage, ServerResponse } from 'node:http';
import { handleMetricsRequest } from '@/server/metrics/metrics-endpoint';
import { METRICS_PATH } from '@/server/metrics/metrics-path';
import { writeResponse } from './direct-endpoints';
import { toWebHeaders } from './node-headers';
import { isUploadRequest, serveUpload, UPLOAD_PATH } from './upload-endpoint';

// The endpoints the web process answers itself, outside Next's app/ routes: server/main.ts
// serves them only through this table, and the authorization matrix and the edge fuzz suite
// read the same table (tests/support/route-discovery.ts), so an endpoint added here is covered
// by both, and one served any other way is not served at all.

export interface ServerEndpoint {
  path: string;
  /** What it answers besides HEAD and OPTIONS, for the tests' tables. */
  methods: readonly string[];
  /** The module that answers it: the authorization matrix names its case after it. */
  source: string;
  takes(req: IncomingMessage): boolean;
  serve(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

function pathnameOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

export const SERVER_ENDPOINTS: readonly ServerEndpoint[] = [
  {
    // Streamed to storage as it arrives, which Next's route handlers cannot do.
    path: UPLOAD_PATH,
    methods: ['POST'],
    source: 'server/http/upload-endpoint.ts',
    takes: isUploadRequest,
    serve: serveUpload,
  },
  {
    // Outside Next: a scrape must not depend on Next's routing, and answers every method itself.
    path: METRICS_PATH,
    methods: ['GET'],
    source: 'server/metrics/metrics-endpoint.ts',
    takes: (req) => pathnameOf(req) === METRICS_PATH,
    serve: async (req, res) => {
      const response = await handleMetricsRequest({
        method: req.method ?? 'GET',
        headers: toWebHeaders(req.headers),
      });
      await writeResponse(req, res, response);
    },
  },
];

/** Serves the request when one of the endpoints above takes it; false leaves it to Next. */
export function serveServerEndpoint(req: IncomingMessage, res: ServerResponse): boolean {
  const endpoint = SERVER_ENDPOINTS.find((candidate) => candidate.takes(req));
  if (!endpoint) return false;
  void endpoint.serve(req, res);
  return true;
}
