import { PassThrough, type Readable } from 'node:stream';
import busboy from 'busboy';
import {
  isAppError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
} from '@/lib/errors';

export interface MultipartFile {
  /** The name the client gave; raw, never trusted as a path. */
  filename: string;
  /** The type the client claimed; only a hint. */
  declaredType: string;
  stream: Readable;
}

export interface MultipartLimits {
  /** The whole request body, all files together. */
  maxBytes: number;
  maxFiles: number;
}

/** Room for part headers and boundaries on top of the files themselves. */
const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/**
 * The file parts of a multipart/form-data request, one at a time, streamed: the consumer must
 * read each file's stream to its end before asking for the next. Nothing is buffered beyond the
 * stream's own chunks. Bodies that announce more than the limit are refused before a byte is
 * read; bodies that grow past it fail with PayloadTooLargeError mid-stream.
 */
export async function* readMultipartFiles(
  request: { headers: Headers; body: Readable },
  limits: MultipartLimits,
): AsyncGenerator<MultipartFile> {
  const contentType = request.headers.get('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(contentType)) {
    throw new UnsupportedMediaTypeError('Send the files as multipart/form-data.');
  }
  const declaredLength = Number(request.headers.get('content-length') ?? NaN);
  if (declaredLength > limits.maxBytes + MULTIPART_OVERHEAD_BYTES) {
    throw new PayloadTooLargeError(limits.maxBytes);
  }

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      limits: { files: limits.maxFiles, fileSize: limits.maxBytes, fields: 20, parts: 1000 },
      defParamCharset: 'utf8',
      highWaterMark: 256 * 1024,
    });
  } catch (error) {
    // busboy refuses a content type it cannot parse (no or an empty boundary) as it starts.
    throw new ValidationError(
      `The multipart body cannot be read: ${error instanceof Error ? error.message : 'bad content type'}.`,
    );
  }
  const queue: Array<MultipartFile | Error | null> = [];
  let wake: (() => void) | null = null;
  const push = (item: MultipartFile | Error | null) => {
    queue.push(item);
    wake?.();
  };
  let tooManyFiles = false;
  let current: Readable | null = null;

  parser.on('file', (_field, source, info) => {
    // busboy fails a file cut short with a plain Error ("Unexpected end of form"): the consumer
    // reads this copy instead, which fails with what the client did wrong.
    const stream = source.pipe(new PassThrough({ highWaterMark: 256 * 1024 }));
    source.on('error', (error: Error) =>
      stream.destroy(
        isAppError(error)
          ? error
          : new ValidationError(`The multipart body is malformed: ${error.message}`),
      ),
    );
    // Whoever reads the file sees its error too; this only keeps an unread one from crashing.
    stream.on('error', () => undefined);
    current = stream;
    // The total across files is counted by the consumer, which sees every byte anyway.
    source.on('limit', () => source.destroy(new PayloadTooLargeError(limits.maxBytes)));
    push({
      filename: info.filename ?? '',
      declaredType: info.mimeType ?? 'application/octet-stream',
      stream,
    });
  });
  parser.on('filesLimit', () => {
    tooManyFiles = true;
  });
  parser.on('error', (error: Error) =>
    push(new ValidationError(`The multipart body is malformed: ${error.message}`)),
  );
  parser.on('close', () => push(null));

  const body = request.body;
  const abort = (error: Error) => {
    // A client that goes away mid-file must not leave the reader waiting for the file's end.
    current?.destroy(error);
    push(error);
  };
  // The client's connection failing (ECONNRESET) is the client's trouble, not an outage.
  body.on('error', () => abort(new ValidationError('The upload was interrupted.')));
  body.on('close', () => {
    if (!body.readableEnded) abort(new ValidationError('The upload was interrupted.'));
  });
  body.pipe(parser);
  try {
    for (;;) {
      while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
      const item = queue.shift();
      if (item === null || item === undefined) break;
      if (item instanceof Error) throw item;
      yield item;
      // An unread file would stall the parser for ever.
      if (!item.stream.readableEnded && !item.stream.destroyed) item.stream.resume();
    }
    if (tooManyFiles) {
      throw new ValidationError(`Send at most ${limits.maxFiles} files in one request.`);
    }
  } finally {
    body.unpipe(parser);
  }
}
