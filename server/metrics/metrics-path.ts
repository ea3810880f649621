/** Where every web process serves its Prometheus metrics (server/metrics/metrics-endpoint.ts). */
export const METRICS_PATH = '/metrics';
