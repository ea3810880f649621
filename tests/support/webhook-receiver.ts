import http from 'node:http';
import { Webhook } from 'standardwebhooks';

// A real webhook receiver on loopback that verifies every request with the standardwebhooks
// package, as an integrator would. Each path's answers are scripted: `answer(path, [500, 200])`
// makes the first request to it get 500 and the rest 200; `/slow…` never answers, `/stream…`
// answers 200 with a body that does not end.

export interface ReceivedWebhook {
  path: string;
  /** Date.now() when the whole body had arrived. */
  at: number;
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  /** What standardwebhooks' verify returned (the parsed body), or the error it threw. */
  verified: unknown;
  verifyError: string | null;
}

export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly secrets = new Map<string, string>();
  private readonly answers = new Map<string, number[]>();
  private server = http.createServer((request, response) => this.handle(request, response));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The secret requests to this path must be signed with. */
  expectSecret(path: string, secret: string): void {
    this.secrets.set(path, secret);
  }

  answer(path: string, statuses: number[]): void {
    this.answers.set(path, [...statuses]);
  }

  at(path: string): ReceivedWebhook[] {
    return this.received.filter((entry) => entry.path === path);
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const path = request.url ?? '/';
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = {
        'webhook-id': String(request.headers['webhook-id'] ?? ''),
        'webhook-timestamp': String(request.headers['webhook-timestamp'] ?? ''),
        'webhook-signature': String(request.headers['webhook-signature'] ?? ''),
      };
      let verified: unknown = null;
      let verifyError: string | null = null;
      try {
        verified = new Webhook(this.secrets.get(path) ?? 'whsec_AAAA').verify(body, headers);
      } catch (error) {
        verifyError = error instanceof Error ? error.message : String(error);
      }
      this.received.push({
        path,
        at: Date.now(),
        id: headers['webhook-id'],
        timestamp: headers['webhook-timestamp'],
        signature: headers['webhook-signature'],
        body,
        verified,
        verifyError,
      });
      if (path.startsWith('/slow')) return; // never answers
      if (path.startsWith('/stream')) {
        response.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = 'x'.repeat(16 * 1024);
        const pump = () => {
          while (!response.destroyed && response.write(chunk));
          if (!response.destroyed) response.once('drain', pump);
        };
        pump();
        return;
      }
      const queue = this.answers.get(path);
      const status = (queue && queue.length > 1 ? queue.shift() : queue?.[0]) ?? 200;
      response.writeHead(status, { 'content-type': 'text/plain' });
      response.end(verifyError ? `bad signature: ${verifyError}` : `ok ${status}`);
    });
  }
}
