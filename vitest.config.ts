import path from 'node:path';
import { defineConfig } from 'vitest/config';

// Four tiers, run one after the other by scripts/test.sh (`--project NAME`). Each tier that
// touches services has its own database and queue prefix, so none sees another's or dev data.

const root = path.resolve(import.meta.dirname);
// `server-only` throws unless resolved with the react-server condition, which Next uses for the
// server code of pages, routes and actions; tests load those modules in plain Node, so they get
// the package's empty module, as Next's own server compilers do.
const alias = [
  { find: /^@\//, replacement: `${root}/` },
  { find: /^server-only$/, replacement: `${root}/node_modules/server-only/empty.js` },
];

// Lets several checkouts or agents run tiers at once on one machine: each suffix gets its own
// databases, queue prefixes and storage (e.g. TASKDECK_TEST_SUFFIX=_b).
const suffix = /^[a-z0-9_]*$/.test(process.env.TASKDECK_TEST_SUFFIX ?? '')
  ? (process.env.TASKDECK_TEST_SUFFIX ?? '')
  : '';

function serviceEnv(tier: string): Record<string, string> {
  const name = `${tier}${suffix}`;
  return {
    NODE_ENV: 'test',
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/taskdeck_${name}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `{taskdeck-${name.replaceAll('_', '-')}}`,
    STORAGE_DIR: path.join(root, `.data/${name}-storage`),
    LOG_LEVEL: 'silent',
    WORKER_HEARTBEAT_MS: '1000',
    // The e2e web process evaluates alert rules this often; integration tests call the pass.
    ALERT_EVALUATE_MS: '500',
    // The e2e app runs in production mode, which requires a secret; tests sign cookies with it too.
    AUTH_SECRET: `taskdeck-${name}-secret-0123456789abcdef0123456789`,
    // /metrics is on in every tier's processes; tests scrape with this token.
    METRICS_TOKEN: `taskdeck-${name}-metrics-token`,
    // Small enough that the oversize tests need not send a gigabyte.
    UPLOAD_MAX_BYTES: String(8 * 1024 * 1024),
  };
}

// The chaos tier crashes and empties its services, so it starts its own PostgreSQL and Redis on
// free ports (scripts/chaos/services.ts): it takes only the app's settings from here.
function chaosEnv(): Record<string, string> {
  const {
    DATABASE_URL: _db,
    REDIS_URL: _redis,
    STORAGE_DIR: _storage,
    ...env
  } = serviceEnv('chaos');
  return env;
}

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts'],
          env: { NODE_ENV: 'test', LOG_LEVEL: 'silent' },
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          env: serviceEnv('test'),
          globalSetup: ['tests/integration/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // The webhook tests' receiver listens on loopback, which production refuses (SSRF).
          env: { ...serviceEnv('e2e'), WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' },
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 90_000,
          hookTimeout: 300_000,
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'chaos',
          include: ['tests/chaos/**/*.test.ts'],
          env: chaosEnv(),
          fileParallelism: false,
          testTimeout: 30_000,
          // One run of the short chaos suite: at most ~4 minutes on a 2-core machine.
          hookTimeout: 330_000,
        },
      },
    ],
  },
});
