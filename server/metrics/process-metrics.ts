import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { labelRoute } from './route-label';

// What only this web process knows, kept in prom-client's own instruments: its requests, its
// sockets, its Node runtime. Each web node reports its own (Prometheus adds `instance`); the
// shared figures (tasks, queues, workers, outbox) are read at scrape time (shared-metrics.ts).

const registry = new Registry();

// prom-client's defaults name three gauges `*_total`, which Prometheus's lint refuses (only
// counters end in _total); their per-type twins (nodejs_active_handles{type}...) stay.
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];
collectDefaultMetrics({ register: registry });
for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);

const httpDuration = new Histogram({
  name: 'taskdeck_http_request_duration_seconds',
  help: 'HTTP requests this web process answered, by route pattern (never the raw path), method and status, from the request to the last byte of the answer.',
  labelNames: ['route', 'method', 'status'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

let countOpenSockets: () => number = () => 0;

new Gauge({
  name: 'taskdeck_socket_connections',
  help: 'Socket.IO connections open on this web process.',
  registers: [registry],
  collect() {
    this.set(countOpenSockets());
  },
});

/** The Socket.IO server of this process, once it is attached. */
export function watchOpenSockets(count: () => number): void {
  countOpenSockets = count;
}

const realtimeReceived = new Counter({
  name: 'taskdeck_realtime_messages_received_total',
  help: "Task events this web process's Socket.IO server received from Redis: only those of the audiences (owners, admins) it holds sockets of.",
  registers: [registry],
});

/** One task event arrived for this process's sockets (the fan-out figure of npm run bench:fanout). */
export function countRealtimeMessage(): void {
  realtimeReceived.inc();
}

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** Times the request until its answer is sent (or the client goes away: status "aborted"). */
export function observeHttpRequest(req: IncomingMessage, res: ServerResponse): void {
  const started = process.hrtime.bigint();
  // Before anything rewrites req.url; any method a client makes up counts as OTHER.
  const route = labelRoute(req.url ?? '/');
  const method = KNOWN_METHODS.has(req.method ?? '') ? req.method! : 'OTHER';
  res.once('close', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const status = res.writableFinished ? String(res.statusCode) : 'aborted';
    httpDuration.observe({ route, method, status }, seconds);
  });
}

export function renderProcessMetrics(): Promise<string> {
  return registry.metrics();
}

export const METRICS_CONTENT_TYPE = registry.contentType;
