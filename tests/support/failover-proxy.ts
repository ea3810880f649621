import net from 'node:net';
import type { AddressInfo } from 'node:net';

// A TCP load balancer without stickiness, as small as it gets: each new connection goes to the
// first backend that accepts it, so when a node dies its clients' reconnects land on the next.
// WebSocket upgrades pass through untouched (it never looks inside).

export interface FailoverProxy {
  url: string;
  close(): Promise<void>;
}

function connectFirst(backends: URL[], index = 0): Promise<net.Socket> {
  const backend = backends[index];
  if (!backend) return Promise.reject(new Error('no backend accepted the connection'));
  return new Promise((resolve, reject) => {
    const upstream = net.connect(Number(backend.port), backend.hostname);
    upstream.once('connect', () => resolve(upstream));
    upstream.once('error', () => {
      upstream.destroy();
      connectFirst(backends, index + 1).then(resolve, reject);
    });
  });
}

export async function startFailoverProxy(backendUrls: string[]): Promise<FailoverProxy> {
  const backends = backendUrls.map((url) => new URL(url));
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    connectFirst(backends).then(
      (upstream) => {
        open.add(upstream);
        upstream.once('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      },
      () => client.destroy(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
