import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { getEnv, resetEnvCache } from '@/lib/env';

// Every variable the schema reads, cleared before each test so the machine's own environment
// cannot leak in. The test's process.env is restored afterwards.
const VARIABLES = [
  'NODE_ENV',
  'HOST',
  'PORT',
  'PUBLIC_URL',
  'TRUST_PROXY_HEADERS',
  'DATABASE_URL',
  'REDIS_URL',
  'REDIS_CLUSTER_NODES',
  'QUEUE_PREFIX',
  'STORAGE_DIR',
  'STORAGE_DRIVER',
  'S3_ENDPOINT',
  'S3_BUCKET',
  'S3_REGION',
  'S3_ACCESS_KEY_ID',
  'S3_SECRET_ACCESS_KEY',
  'S3_FORCE_PATH_STYLE',
  'LOG_LEVEL',
  'LOG_FORMAT',
  'WORKER_CONCURRENCY',
  'CANCEL_DEADLINE_MS',
  'WORKER_QUEUES',
  'CSV_PROFILE_THREADS',
  'SHUTDOWN_TIMEOUT_MS',
  'WORKER_HEARTBEAT_MS',
  'ADMIN_OVERVIEW_INTERVAL_MS',
  'TASK_LIST_STATEMENT_TIMEOUT_MS',
  'NEXT_DEV',
  'AUTH_SECRET',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'AUTH_RATE_LIMIT_MAX',
  'AUTH_RATE_LIMIT_WINDOW_S',
  'AUTH_CACHE_TTL_MS',
  'SIGNUP_MODE',
  'JSON_BODY_MAX_BYTES',
  'METRICS_TOKEN',
  'WEBHOOK_ALLOW_PRIVATE_TARGETS',
  'WEBHOOK_TIMEOUT_MS',
  'WEBHOOK_MAX_ENDPOINTS',
];

let savedEnv: NodeJS.ProcessEnv;
let savedCwd: string;
let tmpDir: string;

beforeEach(async () => {
  savedEnv = { ...process.env };
  savedCwd = process.cwd();
  // getEnv() loads ./.env when there is one: run from an empty directory so none is found.
  tmpDir = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-env-'));
  process.chdir(tmpDir);
  for (const name of VARIABLES) delete process.env[name];
  resetEnvCache();
});

afterEach(async () => {
  resetEnvCache();
  process.chdir(savedCwd);
  for (const name of Object.keys(process.env)) {
    if (!(name in savedEnv)) delete process.env[name];
  }
  Object.assign(process.env, savedEnv);
  await rm(tmpDir, { recursive: true, force: true });
});

function envError(): Error {
  try {
    getEnv();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`expected an Error, got ${String(error)}`);
  }
  throw new Error('expected getEnv() to throw');
}

describe('getEnv', () => {
  it('applies the documented defaults when nothing is set', () => {
    expect(getEnv()).toEqual({
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: 3000,
      TRUST_PROXY_HEADERS: false,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/taskdeck',
      DATABASE_POOL_MAX: 10,
      DATABASE_POOL_TIMEOUT_MS: 10_000,
      DATABASE_TX_TIMEOUT_MS: 10_000,
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: '{taskdeck}',
      STORAGE_DRIVER: 'local',
      STORAGE_DIR: '.data/storage',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'auto',
      CANCEL_DEADLINE_MS: 10_000,
      CSV_PROFILE_THREADS: 2,
      SHUTDOWN_TIMEOUT_MS: 10_000,
      WORKER_HEARTBEAT_MS: 5_000,
      ADMIN_OVERVIEW_INTERVAL_MS: 2_000,
      TASK_LIST_STATEMENT_TIMEOUT_MS: 200,
      AUTH_RATE_LIMIT_MAX: 10,
      AUTH_RATE_LIMIT_WINDOW_S: 60,
      AUTH_CACHE_TTL_MS: 1_000,
      SIGNUP_MODE: 'open',
      JSON_BODY_MAX_BYTES: 1024 ** 2,
      UPLOAD_MAX_BYTES: 1024 ** 3,
      UPLOAD_MAX_FILES: 20,
      RETENTION_DAYS: 30,
      SCHEDULE_SYNC_INTERVAL_MS: 60_000,
      EMAIL_FROM: 'Taskdeck <taskdeck@localhost>',
      API_ADMISSION_LIMIT: 1_000,
      OUTBOX_RELAY_INTERVAL_MS: 2_000,
      ALERT_EVALUATE_MS: 30_000,
      RECONCILE_INTERVAL_MS: 15_000,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: false,
      WEBHOOK_TIMEOUT_MS: 10_000,
      WEBHOOK_MAX_ENDPOINTS: 20,
      SSE_HEARTBEAT_MS: 15_000,
      SSE_MAX_STREAMS_PER_USER: 8,
      SSE_BUFFER_MAX_BYTES: 1024 ** 2,
      SSE_REPLAY_MAX_TASKS: 500,
    });
  });

  it('uses values from process.env over the defaults', () => {
    // Next's types make NODE_ENV read-only; it is a plain variable at run time.
    Object.assign(process.env, { NODE_ENV: 'production' });
    process.env.HOST = '0.0.0.0';
    process.env.DATABASE_URL = 'postgresql://app@db.internal:5433/prod';
    process.env.QUEUE_PREFIX = '{taskdeck-prod-2}';
    process.env.LOG_LEVEL = 'warn';
    process.env.WORKER_QUEUES = 'default,reports';
    process.env.PUBLIC_URL = 'https://tasks.example.com';
    const env = getEnv();
    expect(env.NODE_ENV).toBe('production');
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.DATABASE_URL).toBe('postgresql://app@db.internal:5433/prod');
    expect(env.QUEUE_PREFIX).toBe('{taskdeck-prod-2}');
    expect(env.LOG_LEVEL).toBe('warn');
    expect(env.WORKER_QUEUES).toBe('default,reports');
    expect(env.PUBLIC_URL).toBe('https://tasks.example.com');
  });

  describe('PORT', () => {
    it('coerces a numeric string to a number', () => {
      process.env.PORT = '8080';
      const env = getEnv();
      expect(env.PORT).toBe(8080);
      expect(typeof env.PORT).toBe('number');
    });

    it('accepts the bounds 0 and 65535', () => {
      process.env.PORT = '0';
      expect(getEnv().PORT).toBe(0);
      resetEnvCache();
      process.env.PORT = '65535';
      expect(getEnv().PORT).toBe(65535);
    });

    it.each(['http', '80.5', '-1', '65536', '99999'])('rejects PORT=%j naming PORT', (value) => {
      process.env.PORT = value;
      const error = envError();
      expect(error.message).toMatch(/^Invalid environment:/);
      expect(error.message).toMatch(/^ {2}PORT: /m);
    });
  });

  it('coerces the other numeric settings', () => {
    process.env.WORKER_CONCURRENCY = '16';
    process.env.CANCEL_DEADLINE_MS = '2500';
    process.env.SHUTDOWN_TIMEOUT_MS = '2500';
    process.env.WORKER_HEARTBEAT_MS = '1000';
    const env = getEnv();
    expect(env.WORKER_CONCURRENCY).toBe(16);
    expect(env.CANCEL_DEADLINE_MS).toBe(2500);
    expect(env.SHUTDOWN_TIMEOUT_MS).toBe(2500);
    expect(env.WORKER_HEARTBEAT_MS).toBe(1000);
  });

  it('leaves /metrics off without METRICS_TOKEN and refuses a short one', () => {
    expect(getEnv().METRICS_TOKEN).toBeUndefined();
    resetEnvCache();
    process.env.METRICS_TOKEN = 'too-short';
    expect(envError().message).toMatch(/^ {2}METRICS_TOKEN: must be at least 16 characters$/m);
    resetEnvCache();
    process.env.METRICS_TOKEN = 'a-scraper-token-of-some-length';
    expect(getEnv().METRICS_TOKEN).toBe('a-scraper-token-of-some-length');
  });

  it('leaves WORKER_CONCURRENCY unset by default, so each queue keeps its own', () => {
    expect(getEnv().WORKER_CONCURRENCY).toBeUndefined();
  });

  it.each(['0', '257', '2.5'])('rejects WORKER_CONCURRENCY=%j', (value) => {
    process.env.WORKER_CONCURRENCY = value;
    expect(envError().message).toMatch(/^ {2}WORKER_CONCURRENCY: /m);
  });

  it.each(['99', '600001', 'soon'])('rejects CANCEL_DEADLINE_MS=%j', (value) => {
    process.env.CANCEL_DEADLINE_MS = value;
    expect(envError().message).toMatch(/^ {2}CANCEL_DEADLINE_MS: /m);
  });

  describe('QUEUE_PREFIX', () => {
    it.each(['taskdeck', '{Taskdeck}', '{}', '{task deck}', '{a}{b}', 'x{taskdeck}', '{taskdeck'])(
      'rejects %j with a message naming QUEUE_PREFIX',
      (value) => {
        process.env.QUEUE_PREFIX = value;
        const error = envError();
        expect(error.message).toContain('QUEUE_PREFIX');
        expect(error.message).toContain('must look like {name}');
        expect(error.message).toMatch(/^ {2}QUEUE_PREFIX: must look like \{name\}$/m);
      },
    );

    it('accepts a lowercase braced name with digits and dashes', () => {
      process.env.QUEUE_PREFIX = '{taskdeck-test-1}';
      expect(getEnv().QUEUE_PREFIX).toBe('{taskdeck-test-1}');
    });
  });

  describe('REDIS_CLUSTER_NODES', () => {
    it('is unset by default: one Redis at REDIS_URL', () => {
      expect(getEnv().REDIS_CLUSTER_NODES).toBeUndefined();
    });

    it('parses host:port pairs', () => {
      process.env.REDIS_CLUSTER_NODES = '10.0.0.1:7000,redis-b.internal:7001';
      expect(getEnv().REDIS_CLUSTER_NODES).toEqual([
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b.internal', port: 7001 },
      ]);
    });

    it.each(['10.0.0.1', '10.0.0.1:7000,', 'a:1, b:2', 'redis://a:1', ':7000'])(
      'rejects %j',
      (value) => {
        process.env.REDIS_CLUSTER_NODES = value;
        expect(envError().message).toMatch(
          /^ {2}REDIS_CLUSTER_NODES: must look like host:port,host:port$/m,
        );
      },
    );
  });

  it('lists every invalid variable in one error', () => {
    process.env.QUEUE_PREFIX = 'nobraces';
    process.env.LOG_LEVEL = 'loud';
    process.env.REDIS_URL = 'not a url';
    const error = envError();
    expect(error.message).toMatch(/^ {2}QUEUE_PREFIX: /m);
    expect(error.message).toMatch(/^ {2}LOG_LEVEL: /m);
    expect(error.message).toMatch(/^ {2}REDIS_URL: /m);
    expect(error.message).not.toMatch(/^ {2}PORT: /m);
  });

  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    ['0', false],
    // An empty value means "not set" for every variable (see lib/env.ts).
    ['', undefined],
  ])('reads NEXT_DEV=%j as %s', (value, expected) => {
    process.env.NEXT_DEV = value;
    expect(getEnv().NEXT_DEV).toBe(expected);
  });

  it('treats an empty PORT as unset, not as port 0', () => {
    process.env.PORT = '';
    expect(getEnv().PORT).toBe(3000);
  });

  it('takes SIGNUP_MODE open, invite or closed, and nothing else', () => {
    process.env.SIGNUP_MODE = 'invite';
    expect(getEnv().SIGNUP_MODE).toBe('invite');
    resetEnvCache();
    process.env.SIGNUP_MODE = 'invite-only';
    expect(envError().message).toMatch(/^ {2}SIGNUP_MODE: /m);
  });

  it('refuses STORAGE_DRIVER=s3 without its S3_ variables, naming each one', () => {
    process.env.STORAGE_DRIVER = 's3';
    process.env.S3_BUCKET = 'uploads';
    const message = envError().message;
    for (const name of [
      'S3_ENDPOINT',
      'S3_REGION',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'S3_FORCE_PATH_STYLE',
    ]) {
      expect(message).toContain(`${name}: required when STORAGE_DRIVER=s3`);
    }
    expect(message).not.toContain('S3_BUCKET');
  });

  it('takes a complete S3 configuration', () => {
    Object.assign(process.env, {
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'uploads',
      S3_REGION: 'eu-west-1',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_FORCE_PATH_STYLE: 'true',
    });
    expect(getEnv()).toMatchObject({
      STORAGE_DRIVER: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
      S3_BUCKET: 'uploads',
      S3_FORCE_PATH_STYLE: true,
    });
  });

  it('rejects a NEXT_DEV that is not boolean-like', () => {
    process.env.NEXT_DEV = 'yes';
    expect(envError().message).toMatch(/^ {2}NEXT_DEV: /m);
  });

  it('caches the result until resetEnvCache() is called', () => {
    process.env.PORT = '4000';
    const first = getEnv();
    process.env.PORT = '5000';
    expect(getEnv()).toBe(first);
    expect(getEnv().PORT).toBe(4000);

    resetEnvCache();
    const second = getEnv();
    expect(second).not.toBe(first);
    expect(second.PORT).toBe(5000);
  });

  it('does not cache a failed parse', () => {
    process.env.QUEUE_PREFIX = 'bad';
    expect(() => getEnv()).toThrow(/QUEUE_PREFIX/);
    process.env.QUEUE_PREFIX = '{good}';
    expect(getEnv().QUEUE_PREFIX).toBe('{good}');
  });

  it('reads a .env file in the working directory, without overriding process.env', async () => {
    await writeFile(
      path.join(tmpDir, '.env'),
      'PORT=4321\nQUEUE_PREFIX={from-dotenv}\nHOST=dotenv.local\n',
    );
    process.env.HOST = 'from-process';
    const env = getEnv();
    expect(env.PORT).toBe(4321);
    expect(env.QUEUE_PREFIX).toBe('{from-dotenv}');
    expect(env.HOST).toBe('from-process');
  });
});
