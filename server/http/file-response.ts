import { Readable } from 'node:stream';
import { contentDisposition } from '@/lib/files/safe-name';
import { isInlineSafe } from '@/lib/files/task-file-view';
import type { ByteRange } from '@/server/storage/storage-keys';
import type { FileVersion } from '@/server/tasks/task-service';
import { etagOf, lastModifiedOf } from './download-range';

export interface FileBody {
  stream: Readable;
  /** The whole file's size, whatever part of it the stream holds. */
  size: number;
  /** The bytes the stream holds when it is a part (a 206); null or absent for the whole file. */
  range?: ByteRange | null;
  version?: FileVersion;
  name: string;
  contentType: string;
}

/**
 * Streams a stored file, whole (200) or one range of it (206). Inline only for types that cannot
 * run script in our origin; anything else is an attachment. nosniff and a sandboxing CSP keep a
 * mislabelled file from becoming a page. Accept-Ranges and the validators let a client resume.
 */
export function fileResponse(file: FileBody, wantInline: boolean): Response {
  const inline = wantInline && isInlineSafe(file.contentType);
  const headers: Record<string, string> = {
    'content-type': file.contentType,
    'content-length': String(file.size),
    'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', file.name),
    // no-transform: nobody may gzip the bytes on the way (Next's compression honours it too), so
    // Content-Length, Content-Range and the ETag describe exactly the bytes sent, and a resumed
    // download's parts join into the stored file.
    'cache-control': 'private, no-store, no-transform',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'none'; sandbox",
    'accept-ranges': 'bytes',
  };
  const etag = file.version && etagOf(file.version);
  if (etag) headers.etag = etag;
  const lastModified = file.version && lastModifiedOf(file.version);
  if (lastModified) headers['last-modified'] = lastModified;
  const { range } = file;
  if (range) {
    headers['content-length'] = String(range.end - range.start + 1);
    headers['content-range'] = `bytes ${range.start}-${range.end}/${file.size}`;
  }
  return new Response(Readable.toWeb(file.stream) as ReadableStream, {
    status: range ? 206 : 200,
    headers,
  });
}
