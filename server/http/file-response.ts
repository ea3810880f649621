import { Readable } from 'node:stream';
import { contentDisposition } from '@/lib/files/safe-name';
import { isInlineSafe } from '@/lib/files/task-file-view';

export interface FileBody {
  stream: Readable;
  size: number;
  name: string;
  contentType: string;
}

/**
 * Streams a stored file. Inline only for types that cannot run script in our origin; anything
 * else is an attachment. nosniff and a sandboxing CSP keep a mislabelled file from becoming a page.
 */
export function fileResponse(file: FileBody, wantInline: boolean): Response {
  const inline = wantInline && isInlineSafe(file.contentType);
  return new Response(Readable.toWeb(file.stream) as ReadableStream, {
    headers: {
      'content-type': file.contentType,
      'content-length': String(file.size),
      'content-disposition': contentDisposition(inline ? 'inline' : 'attachment', file.name),
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
    },
  });
}
