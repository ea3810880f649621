import { renameSync, writeFileSync } from 'node:fs';
import pg from 'pg';

// A bench-only preload (`node --import`, built by core-children.ts), never loaded by the
// product: counts every query node-postgres sends from this process and rewrites the counts
// to BENCH_PG_COUNT_FILE every 100 ms, so the core-path benchmark can tell Postgres round trips
// per task. A pg Client sends a connection's next query only once the previous one answered,
// so one query is one round trip. `pg` is external in dist/ (scripts/bundle-server.mjs:
// packages: 'external') and in Next's server chunks (serverExternalPackages), so the Client
// patched here is the one Prisma's adapter, Better Auth and our own SQL use.

export interface QueryCounts {
  total: number;
  /** By statement kind and first table, e.g. "INSERT tasks", "BEGIN". */
  byStatement: Record<string, number>;
}

const WRITE_INTERVAL_MS = 100;
/** Past this many distinct kinds the rest are lumped together, so the file stays small. */
const MAX_KINDS = 200;
const TABLE = /\b(?:from|into|update)\s+(?:(?:"[^"]+"|\w+)\.)?(?:"([^"]+)"|(\w+))/i;

function readText(config: unknown): string {
  if (typeof config === 'string') return config;
  if (typeof config === 'object' && config !== null) {
    const text = (config as { text?: unknown }).text;
    if (typeof text === 'string') return text;
  }
  return '';
}

function describeStatement(text: string): string {
  const verb = /^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? '(unknown)';
  const table = TABLE.exec(text);
  const name = table?.[1] ?? table?.[2];
  return name ? `${verb} ${name}` : verb;
}

function installCounter(file: string): void {
  const counts: QueryCounts = { total: 0, byStatement: {} };
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const send = proto.query;
  proto.query = function countedQuery(this: unknown, ...args: unknown[]) {
    counts.total += 1;
    let kind = describeStatement(readText(args[0]));
    if (!(kind in counts.byStatement) && Object.keys(counts.byStatement).length >= MAX_KINDS) {
      kind = '(other)';
    }
    counts.byStatement[kind] = (counts.byStatement[kind] ?? 0) + 1;
    return send.apply(this, args);
  };
  // Written aside and renamed, so the reader never sees half a file.
  const scratch = `${file}.tmp`;
  const write = () => {
    writeFileSync(scratch, JSON.stringify(counts));
    renameSync(scratch, file);
  };
  write();
  setInterval(write, WRITE_INTERVAL_MS).unref();
  process.on('exit', write);
}

const file = process.env.BENCH_PG_COUNT_FILE;
if (file) installCounter(file);
