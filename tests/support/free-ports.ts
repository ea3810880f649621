import { createServer } from 'node:net';

// Port probes for the private services tests start (Redis, a Redis Cluster, an S3 server), on
// loopback, so none of them lands on a port another tier's service already holds.

/** Whether nothing listens on `port` on 127.0.0.1 right now. */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** The first free port in [from, to]. */
export async function findFreePortIn(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port += 1) if (await isPortFree(port)) return port;
  throw new Error(`No free port in ${from}-${to}`);
}
