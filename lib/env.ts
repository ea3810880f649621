import { existsSync } from 'node:fs';
import { z } from 'zod';
import { SIGNUP_MODES } from './sign-up';

// The only module that reads process.env: everything else asks getEnv().
const booleanish = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

const envFields = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url().optional(),
  /**
   * Behind a reverse proxy (TLS terminated there): take the request's scheme and host from
   * X-Forwarded-Proto and X-Forwarded-Host. Off, anyone could send them, so they are ignored.
   */
  TRUST_PROXY_HEADERS: booleanish.default(false),
  DATABASE_URL: z.url().default('postgresql://postgres@127.0.0.1:5432/taskdeck'),
  /** Connections in this process's Postgres pool; every web and worker process has its own. */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(10),
  /**
   * How long a query or transaction waits for a free pool connection before it fails (503).
   * Long enough for a burst to drain through the pool, short enough to answer in an outage.
   */
  DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** The longest a transaction may run once it has its connection (Prisma's default is 5 s). */
  DATABASE_TX_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  REDIS_URL: z.url().default('redis://127.0.0.1:6379'),
  /**
   * host:port,host:port,… of some Redis Cluster nodes (the rest are discovered). Set, every
   * Redis client is a Cluster client and REDIS_URL is unused (server/infra/clients.ts).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^[^\s,:]+:\d{1,5}(,[^\s,:]+:\d{1,5})*$/, 'must look like host:port,host:port')
    .transform((value) =>
      value.split(',').map((node) => {
        const at = node.lastIndexOf(':');
        return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
      }),
    )
    .optional(),
  // Braced: the hash tag that keeps every key of a queue in one Redis Cluster slot (on a
  // cluster each queue gets a tag of its own from it: server/queues/queue-clients.ts).
  QUEUE_PREFIX: z
    .string()
    .regex(/^\{[a-z0-9-]+\}$/, 'must look like {name}')
    .default('{taskdeck}'),
  /** Where uploads and outputs live: local disk (STORAGE_DIR) or an S3-compatible bucket. */
  STORAGE_DRIVER: z.enum(['local', 's3']).default('local'),
  STORAGE_DIR: z.string().min(1).default('.data/storage'),
  /** The S3 API's address, e.g. https://s3.eu-west-1.amazonaws.com or a MinIO endpoint. */
  S3_ENDPOINT: z.url().optional(),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_REGION: z.string().min(1).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** true: the bucket goes in the path (endpoint/bucket/key), as most S3-compatible stores want. */
  S3_FORCE_PATH_STYLE: booleanish.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * pretty: coloured lines for people (pino-pretty); json: one JSON object per line, for log
   * collectors; auto: pretty when stdout is a terminal, else json.
   */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** Overrides every queue's own concurrency (server/queues/queue-config.ts) in this worker. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).optional(),
  WORKER_QUEUES: z.string().optional(),
  /**
   * Overrides queues' cluster-wide limits (server/queues/queue-config.ts), e.g. `reports=4,files=8`;
   * 0 removes a queue's limit. Applied by every web and worker process at start.
   */
  QUEUE_GLOBAL_CONCURRENCY: z
    .string()
    .regex(/^[a-z-]+=\d{1,4}(,[a-z-]+=\d{1,4})*$/, 'must look like queue=4,other=2')
    .transform((value) =>
      Object.fromEntries(
        value.split(',').map((pair) => {
          const [name = '', limit = '0'] = pair.split('=');
          return [name, Number(limit)];
        }),
      ),
    )
    .optional(),
  /**
   * Threads that profile a CSV of 8 MiB or more (server/files/csv-parallel-profile.ts); 0 = one
   * pass on the worker's own thread. Two on 2 vCPUs: ~1.45x the speed, ~45 MB more peak RSS.
   */
  CSV_PROFILE_THREADS: z.coerce.number().int().min(0).max(16).default(2),
  /** How long a cancelled task's processor has to stop before it is marked cancelled anyway. */
  CANCEL_DEADLINE_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  WORKER_HEARTBEAT_MS: z.coerce.number().int().min(100).default(5_000),
  /** How often a web process pushes the admin overview to the admins watching it. */
  ADMIN_OVERVIEW_INTERVAL_MS: z.coerce.number().int().min(250).max(60_000).default(2_000),
  /**
   * The longest one page of a task list may take in Postgres; past it the statement is
   * cancelled and the caller is asked to narrow the search (422 search_too_broad).
   */
  TASK_LIST_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  NEXT_DEV: booleanish.optional(),
  /** Signs session cookies. Required in production; `npm start` generates one. */
  AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Who may create an account: anyone (open, the quick start), only someone an admin invited
   * (invite), or no one (closed: admins make accounts some other way, e.g. ADMIN_EMAIL).
   */
  SIGNUP_MODE: z.enum(SIGNUP_MODES).default('open'),
  /** The first admin, created by the start command when missing. */
  ADMIN_EMAIL: z.email().optional(),
  ADMIN_PASSWORD: z.string().min(8).max(128).optional(),
  /** The largest upload request accepted (all its files together); larger ones get 413. */
  UPLOAD_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(1024 ** 3),
  /** The largest JSON request body (REST) or server action body; larger ones get 413. */
  JSON_BODY_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 ** 2),
  /** Files in one upload request. */
  UPLOAD_MAX_FILES: z.coerce.number().int().min(1).max(1000).default(20),
  /** maintenance.cleanup removes finished tasks, their uploads and outputs older than this. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * How often each web process checks that BullMQ's job schedulers match the schedules table,
   * healing a lost Redis or a change whose sync failed. Changes sync at once besides.
   */
  SCHEDULE_SYNC_INTERVAL_MS: z.coerce.number().int().min(1_000).default(60_000),
  /**
   * How often the reconciler (one process at a time) compares Postgres's unfinished tasks
   * with BullMQ, and how often each process relays outbox entries whose job was not added.
   */
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(1_000).max(30_000).default(15_000),
  OUTBOX_RELAY_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /** How often one web process at a time checks the admins' alert rules (server/alerts/). */
  ALERT_EVALUATE_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** smtp://user:pass@host:port (or smtps://). Unset: emails are written to storage instead. */
  SMTP_URL: z.url().optional(),
  EMAIL_FROM: z.string().min(3).default('Taskdeck <taskdeck@localhost>'),
  /**
   * Failed API key attempts per client address a window; wrong passwords per (email, address)
   * before sign-in backs off (the window, doubled each further failure, up to an hour); and, times
   * 5, sign-in attempts per address a window.
   */
  AUTH_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
  AUTH_RATE_LIMIT_WINDOW_S: z.coerce.number().int().min(1).default(60),
  /**
   * How long a web process may answer who an API key or session is without asking Postgres
   * (0: always ask). At most a second, so a revoked key stops working within a second even on a
   * node that missed the invalidation (server/auth/principal-cache.ts).
   */
  AUTH_CACHE_TTL_MS: z.coerce.number().int().min(0).max(1_000).default(1_000),
  /**
   * Write requests (create a task, upload, bulk action) one web process holds at once, running
   * or waiting for a database connection. Past it the next answers 503 with Retry-After at once,
   * instead of queueing without bound.
   */
  /**
   * The bearer token a Prometheus scraper sends to GET /metrics (every web process serves it).
   * Unset: /metrics answers 404. Its own secret, not an API key: a scraper is no user.
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * Webhook targets on loopback, private, link-local or unique-local addresses (or names that
   * resolve to them) are refused, at registration and at every delivery, so an endpoint cannot
   * reach inside the network (SSRF). True allows them, and plain http (tests, local receivers).
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS: booleanish.default(false),
  /** The longest one webhook request may take, connect to last body byte read. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** Webhook endpoints one user may have. */
  WEBHOOK_MAX_ENDPOINTS: z.coerce.number().int().min(1).max(1_000).default(20),
  API_ADMISSION_LIMIT: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  /** Server-Sent Events (GET /api/v1/tasks/{id}/events, /api/v1/events): a `: ping` comment this often. */
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(20).max(300_000).default(15_000),
  /** Open event streams per user and web process; past it 429. */
  SSE_MAX_STREAMS_PER_USER: z.coerce.number().int().min(1).max(10_000).default(8),
  /** Bytes an event stream may hold for a client that does not read; past it the stream ends. */
  SSE_BUFFER_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** Task snapshots a reconnect to /api/v1/events replays at most; past it a stream.reset. */
  SSE_REPLAY_MAX_TASKS: z.coerce.number().int().min(1).max(10_000).default(500),
});

const S3_REQUIRED = [
  'S3_ENDPOINT',
  'S3_BUCKET',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
] as const;

const envSchema = envFields.superRefine((env, context) => {
  if (env.STORAGE_DRIVER !== 's3') return;
  // Checked at start, so a half-configured bucket stops the process at once, not the first upload.
  for (const name of S3_REQUIRED) {
    if (env[name] === undefined) {
      context.addIssue({
        code: 'custom',
        path: [name],
        message: 'required when STORAGE_DRIVER=s3',
      });
    }
  }
});

export type Env = z.infer<typeof envSchema>;

let cached: Env | undefined;

function loadDotEnv(): void {
  // Next loads .env for its own code; the worker and scripts need the same values.
  if (existsSync('.env')) process.loadEnvFile('.env');
}

export function getEnv(): Env {
  if (cached) return cached;
  loadDotEnv();
  // `PORT=` in a .env file means "not set", not port 0.
  const given = Object.fromEntries(Object.entries(process.env).filter(([, value]) => value !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests and scripts that change the environment before the first getEnv(). */
export function resetEnvCache(): void {
  cached = undefined;
}
