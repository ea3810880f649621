import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { toWebHeaders } from '@/server/http/node-headers';
import { discoverRoutes, paramsOf } from './route-discovery';

// A web node without Next: the app's real route files on a real HTTP port, answered as Next
// answers them (the request's signal aborted when the client goes, the handler's Response
// piped to the socket with backpressure, its body cancelled when the client goes away, nothing
// piped to a client already gone), for tests that need a real HTTP client (an
// EventSource) but not the production build.

type RouteHandler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

export interface RouteServer {
  url: string;
  /** Requests whose handler has returned its answer (or thrown). */
  readonly answered: number;
  close(): Promise<void>;
}

export async function startRouteServer(routeFiles: string[]): Promise<RouteServer> {
  const routes = await Promise.all(
    discoverRoutes()
      .filter((route) => routeFiles.includes(route.route))
      .map(async (route) => ({
        route: route.route,
        pattern: new RegExp(`^${route.urlPath.replace(/\[[^\]]+\]/g, '[^/]+')}$`),
        module: (await import(route.file)) as Record<string, RouteHandler | undefined>,
      })),
  );
  let answered = 0;
  const server: Server = createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? 'unknown';
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const route = routes.find((candidate) => candidate.pattern.test(url.pathname));
    const handler = route?.module[req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')];
    if (!route || !handler) {
      res.writeHead(404).end();
      return;
    }
    // As Next's request: its signal aborts when the client goes before the answer is done.
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const request = new Request(url, {
      method: req.method,
      headers: toWebHeaders(req.headers),
      signal: gone.signal,
    });
    const params = Promise.resolve(paramsOf(route.route, url.pathname));
    void handler(request, { params }).then(async (response) => {
      answered += 1;
      // As Next's pipe: nothing is written to a response already closed (nor its body read).
      if (res.destroyed) return;
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.flushHeaders();
      if (!response.body) return void res.end();
      const body = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
      // Ends with the stream, or cancels it when the client hangs up.
      await pipeline(body, res).catch(() => undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get answered() {
      return answered;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
