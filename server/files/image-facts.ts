import type { Metadata } from 'sharp';
import { PermanentTaskError } from '@/lib/errors';

// What processImage reports about an image, and the failures no retry can fix.

/** Decoding needs width × height × channels of memory: 50 MP of RGBA is 200 MB. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const THUMBNAIL_SIZES = [128, 512, 1024] as const;
export type ThumbnailSize = (typeof THUMBNAIL_SIZES)[number];

export interface ImageSummary {
  /** sharp's decoder name, with AV1 HEIF called 'avif': jpeg, png, webp, gif, tiff, avif. */
  format: string;
  /** As displayed, after EXIF orientation; one frame of an animation. */
  width: number;
  height: number;
  /** The EXIF orientation the original had (1–8), null without one. */
  orientation: number | null;
  space: string;
  channels: number;
  hasAlpha: boolean;
  /** Pixels per inch, when the file says. */
  density: number | null;
  /** Frames of an animated GIF or WebP, pages of a TIFF; 1 for a still image. */
  pages: number;
  /** What the original carried; none of it is in any output. */
  hadExif: boolean;
  hadIcc: boolean;
  hadXmp: boolean;
  hadIptc: boolean;
}

// Failures no retry can fix (PermanentTaskError): the runner fails the task at once and the user
// reads the message, under the error's code.

export class ImageTooLargeError extends PermanentTaskError {
  constructor(message: string) {
    super('image_too_large', message);
    this.name = 'ImageTooLargeError';
  }
}

/** Not an image sharp can read here (code unsupported_image), or a damaged one (image_unreadable). */
export class UnsupportedImageError extends PermanentTaskError {
  constructor(
    message: string,
    code: 'unsupported_image' | 'image_unreadable' = 'unsupported_image',
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'UnsupportedImageError';
  }
}

/**
 * sharp's own errors (plain Errors without a system `code`) mean a damaged file or one that is
 * not what its header says: a retry reads the same bytes, so they fail the task at once.
 */
export function toImageError(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof PermanentTaskError || 'code' in error) {
    return error;
  }
  if (/pixel limit/i.test(error.message)) {
    return new ImageTooLargeError(
      `The image is too large; the limit is ${MAX_IMAGE_PIXELS / 1_000_000} megapixels.`,
    );
  }
  return new UnsupportedImageError(
    'The image could not be read: it is damaged or not what its header says.',
    'image_unreadable',
    { cause: error },
  );
}

export function formatOf(metadata: Metadata): string {
  return metadata.format === 'heif' && metadata.compression === 'av1' ? 'avif' : metadata.format;
}

export function summarize(metadata: Metadata): ImageSummary {
  const pages = metadata.pages ?? 1;
  const frameHeight = metadata.pageHeight ?? metadata.height;
  const rotated = (metadata.orientation ?? 1) >= 5;
  return {
    format: formatOf(metadata),
    width: rotated ? frameHeight : metadata.width,
    height: rotated ? metadata.width : frameHeight,
    orientation: metadata.orientation ?? null,
    space: metadata.space,
    channels: metadata.channels,
    hasAlpha: metadata.hasAlpha,
    density: metadata.density ?? null,
    pages,
    hadExif: Boolean(metadata.exif?.length),
    hadIcc: Boolean(metadata.icc?.length) || metadata.hasProfile,
    hadXmp: Boolean(metadata.xmp?.length),
    hadIptc: Boolean(metadata.iptc?.length),
  };
}
