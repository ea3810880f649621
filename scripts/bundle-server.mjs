// The web and worker entry points as plain JavaScript for production (`npm run build`): one
// file each in dist/, every npm package left external. Running them with plain node, rather
// than through tsx, saves the transpiler and its source maps (about 50–90 MB of memory per
// process) and the start-up transpile.
import { build } from 'esbuild';

await build({
  // csv-thread is the entry of the worker's CSV profiling threads (server/files/csv-thread-pool.ts).
  entryPoints: {
    server: 'server/main.ts',
    worker: 'worker/main.ts',
    'csv-thread': 'server/files/csv-thread.ts',
  },
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  // Modules imported with import() become chunks of their own, so what they import (sharp for
  // images, pdfkit for PDF reports) is only loaded when first needed.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  tsconfig: 'tsconfig.json',
  logLevel: 'warning',
});
