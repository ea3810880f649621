import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { CLIENT_IP_HEADER } from '@/server/auth/principal';
import { toWebHeaders } from '@/server/http/node-headers';
import { discoverRoutes, paramsOf } from './route-discovery';

// A web node without Next: the app's real route files on a real HTTP port, answered as Next
// answers them (the handler's Response, its body piped to the socket with backpressure, the
// body cancelled when the client goes away), for tests that need a real HTTP client (an
// EventSource) but not the production build.

type RouteHandler = (request: Request, context: { params: Promise<unknown> }) => Promise<Response>;

export interface RouteServer {
  url: string;
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
  const server: Server = createServer((req, res) => {
    req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? 'unknown';
    const url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`);
    const route = routes.find((candidate) => candidate.pattern.test(url.pathname));
    const handler = route?.module[req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET')];
    if (!route || !handler) {
      res.writeHead(404).end();
      return;
    }
    const request = new Request(url, { method: req.method, headers: toWebHeaders(req.headers) });
    const params = Promise.resolve(paramsOf(route.route, url.pathname));
    void handler(request, { params }).then(async (response) => {
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
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
