import { readFileSync } from 'node:fs';
import { profileCsv } from '@/lib/files/csv-profile';
import { profileCsvParallel } from '@/server/files/csv-parallel-profile';
import { describeMachine } from './bench-machine';

// Throughput of the file.process CSV pipeline (parse + profile + cleaned output) on one core:
//   npx tsx scripts/bench/csv-profile-speed.ts [megabytes] [--crlf] [--semicolon] [--ascii]
//     [--threads=N] [--batch-kib=K]
// With N >= 2 it runs the parallel pipeline the worker uses for large files (N profiling
// threads, batches of K KiB). Run from source, each thread loads tsx (slower start, more
// memory); for the worker's figures build it as the production bundle does.
// The input is a realistic 10-column CSV made up on the fly (some quoted fields, nulls, accented
// names unless --ascii): a pool of distinct ~1 MiB chunks of whole rows, generated before the
// clock starts and cycled, so neither a huge file nor the generator's cost enters the figures.
// The cleaned chunks are encoded to UTF-8 as a storage writer would, then dropped.

const args = process.argv.slice(2);
const TARGET_MB = Number(args.find((a) => !a.startsWith('--')) ?? 200);
const THREADS = Number(args.find((a) => a.startsWith('--threads='))?.slice(10) ?? 1);
const BATCH_KIB = Number(args.find((a) => a.startsWith('--batch-kib='))?.slice(12) ?? 1024);
const LINE_END = args.includes('--crlf') ? '\r\n' : '\n';
const SEMICOLON = args.includes('--semicolon');
/** Without accents, decoded text is one byte per character, which V8 handles faster. */
const ASCII = args.includes('--ascii');
const POOL_CHUNKS = 8;
const CHUNK_BYTES = 1024 * 1024;
const DELIMITER = SEMICOLON ? ';' : ',';
const HEADER =
  [
    'id',
    'name',
    'email',
    'amount',
    'created_at',
    'active',
    'city',
    'country',
    'score',
    'note',
  ].join(DELIMITER) + LINE_END;

const plain = (words: string[]) =>
  ASCII ? words.map((w) => w.normalize('NFD').replace(/[\u0300-\u036f]/g, '')) : words;
const FIRST = plain(['Anna', 'Ben', 'Chloé', 'David', 'Emma', 'Felix', 'Grace', 'Hugo', 'Ines']);
const LAST = plain(['Smith', 'Müller', 'García', 'Rossi', 'Nowak', 'Dubois', 'Silva', 'Kim']);
const CITIES = plain([
  'Berlin',
  'München',
  'Paris',
  'São Paulo',
  'Kraków',
  'Oslo',
  'Lyon',
  'Madrid',
]);
const COUNTRIES = ['DE', 'DE', 'FR', 'BR', 'PL', 'NO', 'FR', 'ES'];
const NOTES = ['', 'repeat customer', 'asked for invoice', 'VIP', 'paid by card', 'N/A'];

/** mulberry32: a small seeded PRNG, so every run profiles the same data. */
function createRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function makeRow(id: number, random: () => number): string {
  const first = pick(random, FIRST);
  const last = pick(random, LAST);
  // Some names come "Last, First" and so are quoted, as spreadsheet exports do.
  const name = random() < 0.1 ? `"${last}, ${first}"` : `${first} ${last}`;
  const email = `${first.toLowerCase()}.${id}@example.com`;
  const amount = (random() * 10_000).toFixed(2);
  const day = String(1 + Math.floor(random() * 28)).padStart(2, '0');
  const month = String(1 + Math.floor(random() * 12)).padStart(2, '0');
  const created = `2024-${month}-${day}T${String(Math.floor(random() * 24)).padStart(2, '0')}:15:00Z`;
  const active = random() < 0.7 ? 'true' : 'false';
  const city = Math.floor(random() * CITIES.length);
  const score = random() < 0.05 ? '' : String(Math.floor(random() * 100));
  const roll = random();
  const note =
    roll < 0.03
      ? '"said ""call me later"", then left"'
      : roll < 0.05
        ? ' padded '
        : pick(random, NOTES);
  const fields = [
    id,
    name,
    email,
    amount,
    created,
    active,
    CITIES[city],
    COUNTRIES[city],
    score,
    note,
  ];
  return fields.join(DELIMITER) + LINE_END;
}

function generatePool(): Buffer[] {
  const random = createRandom(42);
  const pool: Buffer[] = [];
  let id = 1;
  for (let k = 0; k < POOL_CHUNKS; k++) {
    const rows: string[] = [];
    let size = 0;
    while (size < CHUNK_BYTES) {
      const row = makeRow(id++, random);
      rows.push(row);
      size += Buffer.byteLength(row);
    }
    pool.push(Buffer.from(rows.join('')));
  }
  return pool;
}

async function* generateInput(pool: Buffer[], targetBytes: number): AsyncGenerator<Uint8Array> {
  yield Buffer.from(HEADER);
  let sent = 0;
  for (let k = 0; sent < targetBytes; k++) {
    const chunk = pool[k % pool.length] as Buffer;
    sent += chunk.byteLength;
    yield chunk;
  }
}

/** CPU seconds of this (main) thread alone: the one core the pipeline runs on, without GC helpers. */
function readThreadCpuSeconds(): number {
  const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in 1/100 s ticks
}

function readStatusKiB(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
    readFileSync('/proc/self/status', 'utf8'),
  );
  return match ? Number(match[1]) : NaN;
}

async function main(): Promise<void> {
  const pool = generatePool();
  const rssBefore = readStatusKiB('VmRSS');
  let progressCalls = 0;
  const input = generateInput(pool, TARGET_MB * 1e6);
  const onProgress = () => progressCalls++;
  const profile =
    THREADS >= 2
      ? profileCsvParallel(input, { threads: THREADS, batchBytes: BATCH_KIB * 1024, onProgress })
      : profileCsv(input, { onProgress });
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const threadStarted = readThreadCpuSeconds();
  let outBytes = 0;
  for await (const chunk of profile.cleaned) {
    outBytes +=
      typeof chunk === 'string' ? Buffer.from(chunk, 'utf8').byteLength : chunk.byteLength;
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const threadSeconds = readThreadCpuSeconds() - threadStarted;
  const summary = profile.summary();
  const mb = summary.bytes / 1e6;
  console.log(`machine: ${describeMachine()}; profiling threads: ${THREADS}`);
  console.log(
    `input ${mb.toFixed(1)} MB, ${summary.rows} rows (${summary.validRows} valid), ` +
      `${summary.columns.length} columns, ${summary.problemCount} problems; ` +
      `cleaned ${(outBytes / 1e6).toFixed(1)} MB; ${progressCalls} progress calls`,
  );
  console.log(
    `time ${seconds.toFixed(2)} s wall -> ${(mb / seconds).toFixed(1)} MB/s; ` +
      `main thread ${threadSeconds.toFixed(2)} s CPU -> ${(mb / threadSeconds).toFixed(1)} MB/s; ` +
      `process ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU -> ` +
      `${(mb / ((cpu.user + cpu.system) / 1e6)).toFixed(1)} MB/s (all threads, GC included)`,
  );
  console.log(
    `RSS before run ${(rssBefore / 1024).toFixed(0)} MiB (incl. ${POOL_CHUNKS} MiB input pool), ` +
      `peak (VmHWM) ${(readStatusKiB('VmHWM') / 1024).toFixed(0)} MiB`,
  );
  for (const c of summary.columns) {
    console.log(
      `  ${c.name.padEnd(10)} ${c.inferredType.padEnd(8)} nulls ${c.nulls} distinct~${c.distinctEstimate}` +
        ` min ${String(c.min)} max ${String(c.max)} mean ${c.mean === null ? '-' : c.mean.toFixed(2)}`,
    );
  }
}

await main();
