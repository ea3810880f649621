import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { walkImportGraph } from '@/tests/support/import-graph';

// The web process imports every task type (to validate payloads, list types, choose queues) but
// must load none of their processors: that code and its packages cost the web memory it never
// uses (issue 13, item 5). Processors are reached only through `processor: () => import(...)`.
// The worker loads each processor when it first runs one of its tasks.

const root = path.resolve(import.meta.dirname, '../..');

function listSources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file))
    .map((file) => path.join(dir, file));
}

const WEB_ENTRIES = ['server/main.ts', ...listSources('app')];

/** Our modules that only the worker may load. */
const WORKER_ONLY_FILES = [
  /-processor\.tsx?$/,
  /^worker\//,
  /^server\/attempts\//,
  /^server\/files\/(csv-processing|image-processing|file-digest)\.ts$/,
  /^server\/reports\/report-(pdf|definitions)\.ts$/,
  /^server\/email\/mailer\.ts$/,
  /^lib\/files\/csv-(profile|clean-writer|column-stats)\.ts$/,
];

/** Packages that only processors need. */
const WORKER_ONLY_PACKAGES = ['pdfkit', 'sharp', 'nodemailer'];

function chainTo(graph: ReturnType<typeof walkImportGraph>, file: string): string {
  const chain = [file];
  let at = graph.files.get(file);
  while (at && at !== '(entry)' && chain.length < 30) {
    chain.push(at);
    at = graph.files.get(at);
  }
  return chain.reverse().join(' → ');
}

describe('what the web process loads', () => {
  const graph = walkImportGraph(root, WEB_ENTRIES);

  it('reaches the task registry and every task type module', () => {
    expect(graph.files.has('server/tasks/registry.ts')).toBe(true);
    expect(graph.files.has('server/tasks/types/report-generate.ts')).toBe(true);
    expect(graph.files.has('server/tasks/types/file-process.ts')).toBe(true);
  });

  it('statically imports no processor and no other worker-only module', () => {
    const reached = [...graph.files.keys()].filter((file) =>
      WORKER_ONLY_FILES.some((pattern) => pattern.test(file)),
    );
    expect(reached.map((file) => chainTo(graph, file))).toEqual([]);
  });

  it('statically imports no package only processors need', () => {
    const reached = WORKER_ONLY_PACKAGES.filter((name) => graph.packages.has(name)).map(
      (name) => `${name} ← ${chainTo(graph, graph.packages.get(name)!)}`,
    );
    expect(reached).toEqual([]);
  });
});

describe('what the worker process loads at start', () => {
  const graph = walkImportGraph(root, ['worker/main.ts']);

  it('reaches the runner but no processor: each loads when its first task runs', () => {
    expect(graph.files.has('server/attempts/task-runner.ts')).toBe(true);
    expect([...graph.files.keys()].filter((file) => /-processor\.tsx?$/.test(file))).toEqual([]);
  });

  it('loads neither the web stack nor Better Auth (it never reads a session)', () => {
    const reached = ['next', 'socket.io', 'better-auth', ...WORKER_ONLY_PACKAGES].filter((name) =>
      graph.packages.has(name),
    );
    expect(reached.map((name) => `${name} ← ${chainTo(graph, graph.packages.get(name)!)}`)).toEqual(
      [],
    );
  });
});

describe('the S3 storage driver', () => {
  // Local disk is the default: only STORAGE_DRIVER=s3 imports the driver and the AWS SDK, on
  // first use (server/storage/storage.ts).
  const S3_PACKAGES = ['@aws-sdk/client-s3', '@aws-sdk/lib-storage'];

  it.each([
    ['web', WEB_ENTRIES],
    ['worker', ['worker/main.ts']],
  ])('is not loaded by the %s process at start', (_name, entries) => {
    const graph = walkImportGraph(root, entries);
    expect(graph.files.has('server/storage/storage.ts')).toBe(true);
    expect(graph.files.has('server/storage/s3-storage.ts')).toBe(false);
    expect(S3_PACKAGES.filter((name) => graph.packages.has(name))).toEqual([]);
  });

  it('is what loads the SDK', () => {
    const graph = walkImportGraph(root, ['server/storage/s3-storage.ts']);
    expect(S3_PACKAGES.every((name) => graph.packages.has(name))).toBe(true);
  });
});

describe('the import walker', () => {
  it('follows static imports into our modules and stops at packages', () => {
    const graph = walkImportGraph(root, ['server/tasks/types/file-process-processor.ts']);
    expect(graph.files.has('server/files/csv-processing.ts')).toBe(true);
    expect(graph.files.has('lib/files/csv-profile.ts')).toBe(true);
    expect(walkImportGraph(root, ['server/reports/report-pdf.ts']).packages.has('pdfkit')).toBe(
      true,
    );
  });

  it('skips type-only imports and import()', () => {
    // The processor imports its payload type from the type module; the type module loads the
    // processor with import(): neither is a static edge.
    const processor = walkImportGraph(root, ['server/tasks/types/report-generate-processor.ts']);
    expect(processor.files.has('server/tasks/types/report-generate.ts')).toBe(false);
    const type = walkImportGraph(root, ['server/tasks/types/report-generate.ts']);
    expect(type.files.has('server/tasks/types/report-generate-processor.ts')).toBe(false);
    // report-generate-processor loads report-pdf only with import().
    expect(processor.files.has('server/reports/report-pdf.ts')).toBe(false);
  });
});
