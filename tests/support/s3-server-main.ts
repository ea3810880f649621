import { readdir, readFile, rm, stat } from 'node:fs/promises';
import type { Server } from 'node:http';
import path from 'node:path';
// @ts-expect-error s3rver ships no types; the few members used are typed below.
import S3rverModule from 's3rver';

// The S3 protocol server the tests start (tests/support/s3-server.ts runs this file as its own
// process): s3rver, a Koa app over a directory. s3rver 3.7.1 implements object, multipart and batch-delete calls but
// not ListMultipartUploads nor AbortMultipartUpload (it answers NotImplemented / 405); the
// middleware below adds both onto its own file store (uploads/<id>/key, as s3rver keeps them),
// answering the S3 API's XML, so the stale-upload clean-up runs against a real HTTP exchange.
// Its DeleteObjects removes keys in parallel, each then removing its emptied directories, which
// races (ENOENT on a sibling's rmdir, a 500): deletes are run one at a time here.

interface KoaContext {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  status: number;
  type: string;
  body: unknown;
}
interface S3rverInstance {
  middleware: Array<(ctx: KoaContext, next: () => Promise<void>) => Promise<void>>;
  store: {
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
    deleteObject(bucket: string, key: string): Promise<void>;
  };
  run(): Promise<unknown>;
  close(): Promise<void>;
  httpServer?: Server;
}
const S3rver = S3rverModule as new (options: Record<string, unknown>) => S3rverInstance;

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => `&#${char.charCodeAt(0)};`);
}

function addMultipartListing(server: S3rverInstance): void {
  const uploadsDir = (bucket: string) => server.store.getResourcePath(bucket, undefined, 'uploads');
  server.middleware.unshift(async (ctx, next) => {
    const parts = ctx.path.split('/').filter(Boolean);
    const bucket = parts[0];
    if (ctx.method === 'GET' && parts.length === 1 && bucket && 'uploads' in ctx.query) {
      const dir = uploadsDir(bucket);
      const ids = await readdir(dir).catch(() => []);
      const uploads = await Promise.all(
        ids.map(async (id) => ({
          id,
          key: await readFile(path.join(dir, id, 'key'), 'utf8'),
          initiated: (await stat(path.join(dir, id, 'key'))).mtime,
        })),
      );
      ctx.status = 200;
      ctx.type = 'application/xml';
      ctx.body =
        '<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult>' +
        `<Bucket>${bucket}</Bucket><IsTruncated>false</IsTruncated>` +
        uploads
          .map(
            (upload) =>
              `<Upload><Key>${escapeXml(upload.key)}</Key><UploadId>${upload.id}</UploadId>` +
              `<Initiated>${upload.initiated.toISOString()}</Initiated></Upload>`,
          )
          .join('') +
        '</ListMultipartUploadsResult>';
      return;
    }
    const uploadId = ctx.query.uploadId;
    if (ctx.method === 'DELETE' && bucket && parts.length > 1 && uploadId) {
      if (!/^[0-9a-f]+$/.test(uploadId)) throw new Error('bad upload id');
      await rm(path.join(uploadsDir(bucket), uploadId), { recursive: true, force: true });
      ctx.status = 204;
      ctx.body = '';
      return;
    }
    await next();
  });
}

function serializeDeletes(server: S3rverInstance): void {
  const store = server.store;
  const deleteObject = store.deleteObject.bind(store);
  let last: Promise<unknown> = Promise.resolve();
  store.deleteObject = (bucket, key) => {
    const next = last.then(() => deleteObject(bucket, key));
    last = next.catch(() => undefined);
    return next;
  };
}

const port = Number(process.env.S3RVER_PORT);
const directory = process.env.S3RVER_DIR;
const bucket = process.env.S3RVER_BUCKET;
if (!port || !directory || !bucket)
  throw new Error('S3RVER_PORT, S3RVER_DIR and S3RVER_BUCKET are required');
const server = new S3rver({
  port,
  address: '127.0.0.1',
  silent: process.env.S3RVER_LOUD !== '1',
  directory,
  configureBuckets: [{ name: bucket }],
});
addMultipartListing(server);
serializeDeletes(server);
await server.run();
console.log(`s3rver listening on ${port}`);
process.on('SIGTERM', () => {
  server.httpServer?.closeAllConnections();
  void server.close().finally(() => process.exit(0));
});
