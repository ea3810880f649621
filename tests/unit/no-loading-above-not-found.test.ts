import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A loading.tsx wraps its segment and everything below it in a Suspense boundary, so the answer
// starts streaming as 200 before the page runs: a notFound() below it then renders the not-found
// page with status 200 (Next's docs, not-found.md, "Calling notFound() after streaming has
// started"). Admin pages and task pages answer 404 to those who may not see them, so navigation
// feedback is the client-side indicator (components/navigation-progress.tsx) instead.

const APP = path.resolve(__dirname, '../../app');
const LOADING = ['loading.tsx', 'loading.ts', 'loading.jsx', 'loading.js'];

function listPages(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listPages(full);
    return /^(page|layout)\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** The loading files that wrap `file`: in its folder (for a page) and every folder above. */
function loadingAbove(file: string): string[] {
  const found: string[] = [];
  // A layout sits outside its own folder's loading boundary; a page sits inside it.
  let dir = path.basename(file).startsWith('layout')
    ? path.dirname(path.dirname(file))
    : path.dirname(file);
  while (dir.startsWith(APP)) {
    for (const name of LOADING)
      if (existsSync(path.join(dir, name))) found.push(path.join(dir, name));
    if (dir === APP) break;
    dir = path.dirname(dir);
  }
  return found;
}

describe('loading boundaries', () => {
  it('finds the pages and layouts that call notFound()', () => {
    const callers = listPages(APP).filter((file) =>
      readFileSync(file, 'utf8').includes('notFound('),
    );
    expect(callers.map((file) => path.relative(APP, file))).toEqual(
      expect.arrayContaining(['admin/layout.tsx', 'tasks/[id]/page.tsx']),
    );
  });

  it('puts no loading file above a page or layout that calls notFound()', () => {
    const offenders = listPages(APP)
      .filter((file) => readFileSync(file, 'utf8').includes('notFound('))
      .flatMap((file) =>
        loadingAbove(file).map(
          (loading) => `${path.relative(APP, loading)} wraps ${path.relative(APP, file)}`,
        ),
      );
    expect(offenders).toEqual([]);
  });
});
