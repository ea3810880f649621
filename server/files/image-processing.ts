import type { Readable } from 'node:stream';
import sharp, { type Metadata, type Sharp } from 'sharp';
import { deriveOutputName } from '@/lib/files/safe-name';
import { SNIFF_BYTES, sniffType } from '@/lib/files/sniff-type';
import type { Storage } from '@/server/storage/storage';
import type { TaskFileOutput } from '@/server/tasks/task-type';
import {
  ImageTooLargeError,
  MAX_IMAGE_PIXELS,
  summarize,
  THUMBNAIL_SIZES,
  toImageError,
  UnsupportedImageError,
  type ImageSummary,
  type ThumbnailSize,
} from './image-facts';

export { ImageTooLargeError, MAX_IMAGE_PIXELS, THUMBNAIL_SIZES, UnsupportedImageError };
export type { ImageSummary };

// Thumbnails and a clean copy of an uploaded image. Outputs carry no metadata (EXIF with its GPS
// position, ICC, XMP, IPTC): sharp writes none unless asked, and orientation is applied to the
// pixels first so dropping EXIF does not turn photos sideways.

export interface ProcessImageOptions {
  storage: Storage;
  inputKey: string;
  /** e.g. tasks/<id>/outputs */
  outputPrefix: string;
  /** The upload's display name, for the output names. */
  displayName: string;
  signal: AbortSignal;
  onProgress(fraction: number, message: string): void;
}

interface PlannedOutput {
  key: string;
  name: string;
  kind: 'thumbnail' | 'clean-image';
  contentType: string;
  label: string;
  encode(image: Sharp): Sharp;
  size?: ThumbnailSize;
}

const CLEAN_FORMATS: Record<
  string,
  { extension: string; contentType: string; encode(image: Sharp): Sharp }
> = {
  jpeg: {
    extension: 'jpg',
    contentType: 'image/jpeg',
    encode: (i) => i.jpeg({ quality: 90 }),
  },
  png: { extension: 'png', contentType: 'image/png', encode: (i) => i.png() },
  webp: { extension: 'webp', contentType: 'image/webp', encode: (i) => i.webp({ quality: 90 }) },
  gif: { extension: 'gif', contentType: 'image/gif', encode: (i) => i.gif() },
  tiff: {
    extension: 'tiff',
    contentType: 'image/tiff',
    encode: (i) => i.tiff({ compression: 'deflate' }),
  },
  avif: {
    extension: 'avif',
    contentType: 'image/avif',
    encode: (i) => i.avif({ quality: 60, effort: 2 }),
  },
};
const CLEAN_FALLBACK = CLEAN_FORMATS.png!;

/** Rejects with the signal's reason once it fires; the work itself cannot be stopped midway. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The first bytes of the stored file, to learn what it is before sharp buffers all of it. */
async function readHead(
  storage: Storage,
  key: string,
): Promise<{ head: Uint8Array; complete: boolean }> {
  const { stream, size } = await storage.read(key);
  const chunks: Buffer[] = [];
  let length = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      length += chunk.length;
      if (length >= SNIFF_BYTES) break;
    }
  } finally {
    stream.destroy();
  }
  const head = Buffer.concat(chunks).subarray(0, SNIFF_BYTES);
  return { head, complete: head.length === size };
}

/**
 * Pipes the stored file into sharp and reads its header. sharp keeps the whole input in memory
 * (it buffers stream input); clones of the returned instance share that buffer.
 */
async function openImage(
  storage: Storage,
  key: string,
  animated: boolean,
  signal: AbortSignal,
): Promise<{ image: Sharp; metadata: Metadata; source: Readable }> {
  const { stream: source } = await storage.read(key);
  // sharp's own pixel limit stays at its default as a backstop; ours comes with the dimensions.
  const image = sharp({ animated, failOn: 'warning' });
  // Neither pipe() nor sharp's metadata() notices a failing source: fail on it ourselves.
  let sourceError: unknown;
  const sourceFailed = new Promise<never>((_, reject) => {
    source.once('error', (error) => {
      sourceError = error;
      reject(error);
    });
    image.once('error', reject);
  });
  source.pipe(image);
  try {
    const metadata = await untilAborted(Promise.race([image.metadata(), sourceFailed]), signal);
    return { image, metadata, source };
  } catch (error) {
    source.destroy();
    // A storage failure may pass on a retry; a file sharp cannot read will not.
    throw signal.aborted || error === sourceError ? error : toImageError(error);
  }
}

/** Thumbnail sizes below the image's longest side, plus one at its own size if smaller than 1024. */
function chooseThumbnailSizes(longest: number): ThumbnailSize[] {
  const sizes: ThumbnailSize[] = [];
  for (const size of THUMBNAIL_SIZES) {
    sizes.push(size);
    // Never upscale: the first size that holds the whole image is made at the image's size,
    // and larger ones would be identical copies of it.
    if (size >= longest) break;
  }
  return sizes;
}

function planOutputs(summary: ImageSummary, options: ProcessImageOptions): PlannedOutput[] {
  const thumbnails = chooseThumbnailSizes(Math.max(summary.width, summary.height)).map(
    (size): PlannedOutput => ({
      key: `${options.outputPrefix}/thumbnail-${size}.webp`,
      name: deriveOutputName(options.displayName, `thumbnail-${size}`, 'webp'),
      kind: 'thumbnail',
      contentType: 'image/webp',
      label: `${size} px thumbnail`,
      size,
      encode: (image) =>
        image.resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }),
    }),
  );
  const clean = CLEAN_FORMATS[summary.format] ?? CLEAN_FALLBACK;
  return [
    ...thumbnails,
    {
      key: `${options.outputPrefix}/clean-image.${clean.extension}`,
      name: deriveOutputName(options.displayName, 'clean', clean.extension),
      kind: 'clean-image',
      contentType: clean.contentType,
      label: 'clean full-size copy',
      encode: clean.encode,
    },
  ];
}

async function* bytesOf(data: Buffer): AsyncGenerator<Buffer> {
  yield data;
}

/**
 * Makes WebP thumbnails (128, 512 and 1024 px on the longest side, never upscaled) and a clean
 * full-size copy in the original format, all auto-oriented and without metadata. Checks the
 * signal between outputs; on failure or abort, deletes the outputs it already wrote.
 */
export async function processImage(
  options: ProcessImageOptions,
): Promise<{ summary: ImageSummary; files: TaskFileOutput[] }> {
  const { storage, inputKey, signal, onProgress } = options;
  // Each task decodes its image once: libvips' operation cache would only hold memory.
  sharp.cache(false);
  signal.throwIfAborted();

  const { head, complete } = await readHead(storage, inputKey);
  const sniffed = sniffType(head, { complete });
  if (sniffed.kind !== 'image') {
    throw new UnsupportedImageError(`This is not an image Taskdeck can process: ${sniffed.label}.`);
  }
  // All frames of an animation; other multi-page files (TIFF) are treated by their first page.
  const animated = sniffed.mime === 'image/gif' || sniffed.mime === 'image/webp';
  const { image, metadata, source } = await openImage(storage, inputKey, animated, signal);
  const written: TaskFileOutput[] = [];
  try {
    const summary = summarize(metadata);
    const pixels = metadata.width * metadata.height;
    if (pixels > MAX_IMAGE_PIXELS) {
      const frames = summary.pages > 1 ? `, ${summary.pages} frames` : '';
      throw new ImageTooLargeError(
        `The image is too large (${summary.width}×${summary.height}${frames}); the limit is ${MAX_IMAGE_PIXELS / 1_000_000} megapixels.`,
      );
    }
    const outputs = planOutputs(summary, options);
    const steps = outputs.length + 1;
    onProgress(1 / steps, `Opened the ${sniffed.label} (${summary.width}×${summary.height})`);

    for (const output of outputs) {
      signal.throwIfAborted();
      // autoOrient() before anything else; no keep*/with* call, so no metadata is written.
      const encoded = output
        .encode(image.clone().autoOrient())
        .toBuffer({ resolveWithObject: true });
      const { data, info } = await untilAborted(
        encoded.catch((error: unknown) => Promise.reject(toImageError(error))),
        signal,
      );
      // Not raced with the signal: a write cut loose here could land after the cleanup below.
      const stored = await storage.write(output.key, bytesOf(data));
      const width = info.width;
      const height = info.pageHeight ?? info.height;
      written.push({
        key: stored.key,
        name: output.name,
        contentType: output.contentType,
        size: stored.size,
        sha256: stored.sha256,
        kind: output.kind,
        meta: output.size ? { width, height, size: output.size } : { width, height },
      });
      onProgress((written.length + 1) / steps, `Made the ${output.label} (${width}×${height})`);
    }
    signal.throwIfAborted();
    // The clean copy is the main download; thumbnails are for previews.
    const files = [
      ...written.filter((file) => file.kind === 'clean-image'),
      ...written.filter((file) => file.kind !== 'clean-image'),
    ];
    return { summary, files };
  } catch (error) {
    await Promise.all(written.map((file) => storage.delete(file.key).catch(() => undefined)));
    throw error;
  } finally {
    source.destroy();
  }
}
