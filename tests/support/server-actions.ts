import { readFile } from 'node:fs/promises';
import path from 'node:path';

// Calls a server action of the production build over HTTP, as the browser's form does: a POST
// to a page that uses it, with the action's id in the Next-Action header and the arguments
// encoded as JSON (plain strings, numbers and booleans need no further encoding).

const root = path.resolve(import.meta.dirname, '../..');

interface ManifestEntry {
  workers: Record<string, unknown>;
  filename: string;
  exportedName: string;
}

/**
 * The action's id and a page of the build that uses it (its dynamic segments filled with
 * `fill`): the action named `name` (names are unique), exported by `file` when given.
 */
export async function findServerAction(
  name: string,
  file?: string,
  fill?: string,
): Promise<{ id: string; page: string }> {
  const manifest = JSON.parse(
    await readFile(path.join(root, '.next/server/server-reference-manifest.json'), 'utf8'),
  ) as { node: Record<string, ManifestEntry> };
  for (const [id, entry] of Object.entries(manifest.node)) {
    if ((file && entry.filename !== file) || entry.exportedName !== name) continue;
    // Without `fill`, a page without dynamic segments, so its path is its route.
    const workers = Object.keys(entry.workers);
    const worker = workers.find((key) => !key.includes('[')) ?? (fill ? workers[0] : undefined);
    if (!worker) break;
    const page = '/' + worker.replace(/^app\/?/, '').replace(/\/?page$/, '');
    return { id, page: fill ? page.replace(/\[[^\]]+\]/g, fill) : page };
  }
  throw new Error(`no page of the build uses the server action ${name} of ${file ?? 'any file'}`);
}

/** The action's return value, read from the RSC payload Next answers with. */
export async function callServerAction(
  baseUrl: string,
  cookie: string,
  name: string,
  args: Array<string | number | boolean>,
): Promise<unknown> {
  const { id, page } = await findServerAction(name);
  const response = await fetch(baseUrl + page, {
    method: 'POST',
    headers: {
      'next-action': id,
      'content-type': 'text/plain;charset=UTF-8',
      accept: 'text/x-component',
      origin: baseUrl,
      cookie,
    },
    body: JSON.stringify(args),
  });
  const payload = await response.text();
  if (response.status !== 200) {
    throw new Error(`${name}: HTTP ${response.status}: ${payload.slice(0, 300)}`);
  }
  // Row 1 of the flight payload is the action's result (row 0 describes the response).
  const row = /^1:(.*)$/m.exec(payload);
  if (!row?.[1]) throw new Error(`${name}: no result in the payload: ${payload.slice(0, 300)}`);
  return JSON.parse(row[1]) as unknown;
}
