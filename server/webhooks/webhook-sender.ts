import http from 'node:http';
import https from 'node:https';
import { assertLiteralAllowed, checkedLookup, parseTargetUrl } from './webhook-target';

// One webhook request: POST the body with the signed headers to a checked address, no redirect
// followed (a 3xx is an answer like any other non-2xx), the whole exchange bounded by a
// timeout, and at most RESPONSE_SNIPPET_BYTES of the answer read before the socket is closed.

export const RESPONSE_SNIPPET_BYTES = 4 * 1024;

export interface WebhookResponse {
  statusCode: number;
  durationMs: number;
  /** The first bytes of the body, as text. */
  snippet: string;
}

export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** The task's own signal: cancel, its hard limit, a worker shutdown. */
  signal?: AbortSignal;
}

export async function sendWebhookRequest(request: WebhookRequest): Promise<WebhookResponse> {
  const url = parseTargetUrl(request.url);
  await assertLiteralAllowed(url);
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const client = url.protocol === 'https:' ? https : http;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = client.request(
      url,
      {
        method: 'POST',
        lookup: checkedLookup,
        signal,
        // No pooled socket: each delivery resolves and checks its target again.
        agent: false,
        headers: {
          ...request.headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(request.body)),
          'user-agent': 'Taskdeck-Webhooks/1',
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () => {
          response.removeAllListeners('data');
          resolve({
            statusCode: response.statusCode ?? 0,
            durationMs: Math.round(performance.now() - started),
            snippet: Buffer.concat(chunks, size).toString('utf8').slice(0, RESPONSE_SNIPPET_BYTES),
          });
        };
        response.on('data', (chunk: Buffer) => {
          const room = RESPONSE_SNIPPET_BYTES - size;
          if (room > 0) {
            const kept = chunk.subarray(0, room);
            chunks.push(kept);
            size += kept.byteLength;
          }
          if (size >= RESPONSE_SNIPPET_BYTES) {
            // Enough read: a receiver streaming without end must not hold the worker.
            finish();
            response.destroy();
          }
        });
        response.on('end', finish);
        response.on('error', (error) => {
          if (size >= RESPONSE_SNIPPET_BYTES) return;
          reject(error);
        });
      },
    );
    outgoing.on('error', (error) => {
      if (timeout.aborted && !request.signal?.aborted) {
        reject(new Error(`No answer within ${request.timeoutMs} ms`));
      } else {
        reject(error);
      }
    });
    outgoing.end(request.body);
  });
}
