import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PermanentTaskError } from '@/lib/errors';
import {
  ImageTooLargeError,
  processImage,
  UnsupportedImageError,
  type ProcessImageOptions,
} from '@/server/files/image-processing';
import { createLocalStorage } from '@/server/storage/local-storage';
import { describeError } from '@/server/attempts/attempt-errors';
import type { Storage } from '@/server/storage/storage';

const OUTPUTS = 'tasks/t1/outputs';
const INPUT = 'tasks/t1/input/upload.bin';

let root: string;
let storage: Storage;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'taskdeck-images-'));
  storage = createLocalStorage(root);
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function* once(data: Uint8Array): AsyncGenerator<Uint8Array> {
  yield data;
}

async function readStored(key: string): Promise<Buffer> {
  const { stream } = await storage.read(key);
  const chunks: Buffer[] = [];
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Every file under the outputs folder, temporary ones included. */
async function listOutputs(): Promise<string[]> {
  const entries = await readdir(path.join(root, OUTPUTS)).catch(() => []);
  return entries.sort();
}

async function run(input: Uint8Array, overrides: Partial<ProcessImageOptions> = {}) {
  await storage.write(INPUT, once(input));
  const progress: Array<[number, string]> = [];
  const result = await processImage({
    storage,
    inputKey: INPUT,
    outputPrefix: OUTPUTS,
    displayName: 'Urlaub März.jpg',
    signal: new AbortController().signal,
    onProgress: (fraction, message) => progress.push([fraction, message]),
    ...overrides,
  });
  return { ...result, progress };
}

async function pixelAt(image: Buffer, left: number, top: number): Promise<number[]> {
  const raw = await sharp(image).extract({ left, top, width: 1, height: 1 }).raw().toBuffer();
  return [...raw];
}

/** 600×400 as stored, red left half and blue right half; EXIF orientation 6 shows it 400×600. */
async function makeRotatedJpeg(): Promise<Buffer> {
  const red = { create: { width: 300, height: 400, channels: 3, background: '#ff0000' } } as const;
  return sharp({ create: { width: 600, height: 400, channels: 3, background: '#0000ff' } })
    .composite([{ input: red, left: 0, top: 0 }])
    .jpeg({ quality: 95 })
    .withExif({ IFD0: { Make: 'TaskdeckCam', Model: 'T1' } })
    .withMetadata({ orientation: 6 })
    .withIccProfile('p3')
    .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>')
    .toBuffer();
}

/** A real PNG with its IHDR patched to claim other dimensions (pixel data left as it was). */
async function makePngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
    .png()
    .toBuffer();
  png.writeUInt32BE(width, 16);
  png.writeUInt32BE(height, 20);
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29);
  return png;
}

async function expectNoMetadata(data: Buffer) {
  const metadata = await sharp(data).metadata();
  expect(metadata.exif).toBeUndefined();
  expect(metadata.icc).toBeUndefined();
  expect(metadata.hasProfile).toBe(false);
  expect(metadata.xmp).toBeUndefined();
  expect(metadata.iptc).toBeUndefined();
  // TIFF always has an Orientation tag; 1 is the identity.
  expect([undefined, 1]).toContain(metadata.orientation);
  expect(data.includes('TaskdeckCam')).toBe(false);
}

describe('processImage', () => {
  it('applies EXIF orientation, strips all metadata and makes thumbnails without upscaling', async () => {
    const jpeg = await makeRotatedJpeg();
    const before = await sharp(jpeg).metadata();
    expect(before.exif?.includes('TaskdeckCam')).toBe(true);

    const { summary, files, progress } = await run(jpeg);

    expect(summary).toMatchObject({
      format: 'jpeg',
      width: 400,
      height: 600,
      orientation: 6,
      space: 'srgb',
      channels: 3,
      hasAlpha: false,
      pages: 1,
      hadExif: true,
      hadIcc: true,
      hadXmp: true,
      hadIptc: false,
    });
    expect(files.map((file) => [file.kind, file.name, file.key, file.meta])).toEqual([
      [
        'clean-image',
        'Urlaub März.clean.jpg',
        `${OUTPUTS}/clean-image.jpg`,
        { width: 400, height: 600 },
      ],
      [
        'thumbnail',
        'Urlaub März.thumbnail-128.webp',
        `${OUTPUTS}/thumbnail-128.webp`,
        { width: 85, height: 128, size: 128 },
      ],
      [
        'thumbnail',
        'Urlaub März.thumbnail-512.webp',
        `${OUTPUTS}/thumbnail-512.webp`,
        { width: 341, height: 512, size: 512 },
      ],
      // 1024 is larger than the image: made once, at the image's own size.
      [
        'thumbnail',
        'Urlaub März.thumbnail-1024.webp',
        `${OUTPUTS}/thumbnail-1024.webp`,
        { width: 400, height: 600, size: 1024 },
      ],
    ]);

    for (const file of files) {
      const data = await readStored(file.key);
      expect(data.length).toBe(file.size);
      const metadata = await sharp(data).metadata();
      expect(metadata.format).toBe(file.contentType === 'image/webp' ? 'webp' : 'jpeg');
      expect([metadata.width, metadata.height]).toEqual([file.meta?.width, file.meta?.height]);
      await expectNoMetadata(data);
      // Displayed top is the stored left half (red); bottom is blue.
      const top = await pixelAt(data, Math.floor(metadata.width / 2), 2);
      const bottom = await pixelAt(data, Math.floor(metadata.width / 2), metadata.height - 3);
      expect(top[0]).toBeGreaterThan(200);
      expect(top[2]).toBeLessThan(60);
      expect(bottom[2]).toBeGreaterThan(200);
      expect(bottom[0]).toBeLessThan(60);
    }

    expect(progress.map(([fraction]) => fraction)).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    expect(progress[0]?.[1]).toBe('Opened the JPEG image (400×600)');
    expect(await listOutputs()).toEqual([
      'clean-image.jpg',
      'thumbnail-1024.webp',
      'thumbnail-128.webp',
      'thumbnail-512.webp',
    ]);
  });

  it('makes only the thumbnails below the longest side, plus one at full size', async () => {
    const wide = await sharp({
      create: { width: 1500, height: 900, channels: 3, background: '#123456' },
    })
      .png()
      .toBuffer();
    const { files } = await run(wide);
    const thumbnails = files.filter((file) => file.kind === 'thumbnail');
    expect(thumbnails.map((file) => file.meta)).toEqual([
      { width: 128, height: 77, size: 128 },
      { width: 512, height: 307, size: 512 },
      { width: 1024, height: 614, size: 1024 },
    ]);
  });

  it('keeps alpha and makes a single thumbnail at the size of a small PNG', async () => {
    const png = await sharp({
      create: {
        width: 100,
        height: 50,
        channels: 4,
        background: { r: 0, g: 128, b: 0, alpha: 0.5 },
      },
    })
      .png()
      .toBuffer();
    const { summary, files } = await run(png, { displayName: 'logo.png' });
    expect(summary).toMatchObject({ format: 'png', width: 100, height: 50, hasAlpha: true });
    expect(summary.orientation).toBeNull();
    expect(files.map((file) => [file.name, file.contentType, file.meta])).toEqual([
      ['logo.clean.png', 'image/png', { width: 100, height: 50 }],
      ['logo.thumbnail-128.webp', 'image/webp', { width: 100, height: 50, size: 128 }],
    ]);
    for (const file of files) {
      const metadata = await sharp(await readStored(file.key)).metadata();
      expect(metadata.hasAlpha).toBe(true);
      expect([metadata.width, metadata.height]).toEqual([100, 50]);
    }
  });

  it('keeps every frame of an animated GIF', async () => {
    const frames = await Promise.all(
      ['#f00', '#0f0', '#00f'].map((background) =>
        sharp({ create: { width: 40, height: 30, channels: 4, background } })
          .png()
          .toBuffer(),
      ),
    );
    const gif = await sharp(frames, { join: { animated: true } })
      .gif({ delay: 100 })
      .toBuffer();
    const { summary, files } = await run(gif, { displayName: 'spinner.gif' });
    expect(summary).toMatchObject({ format: 'gif', width: 40, height: 30, pages: 3 });
    expect(files.map((file) => file.meta)).toEqual([
      { width: 40, height: 30 },
      { width: 40, height: 30, size: 128 },
    ]);
    for (const file of files) {
      const metadata = await sharp(await readStored(file.key)).metadata();
      expect(metadata.pages).toBe(3);
    }
  });

  it.each([
    ['webp', 'image/webp', 'webp', 'webp'],
    ['tiff', 'image/tiff', 'tiff', 'tiff'],
    ['avif', 'image/avif', 'avif', 'heif'],
  ] as const)(
    'writes the clean copy of a %s in its own format',
    async (format, type, ext, decoder) => {
      const input = await sharp({
        create: { width: 64, height: 48, channels: 3, background: '#abc' },
      })
        .toFormat(format)
        .withExif({ IFD0: { Make: 'TaskdeckCam' } })
        .toBuffer();
      const { summary, files } = await run(input, { displayName: `scan.${ext}` });
      expect(summary.format).toBe(format);
      const clean = files.find((file) => file.kind === 'clean-image');
      expect(clean).toMatchObject({ name: `scan.clean.${ext}`, contentType: type });
      const data = await readStored(clean!.key);
      expect((await sharp(data).metadata()).format).toBe(decoder);
      await expectNoMetadata(data);
    },
  );

  it('refuses an image over 50 megapixels without retries, naming its size', async () => {
    const error = await run(await makePngClaiming(8000, 7000)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect(error).toBeInstanceOf(PermanentTaskError);
    expect(error).toMatchObject({
      code: 'image_too_large',
      message: 'The image is too large (8000×7000); the limit is 50 megapixels.',
    });
    // What the task's error says to the user.
    expect(describeError(error)).toEqual({
      code: 'image_too_large',
      message: 'The image is too large (8000×7000); the limit is 50 megapixels.',
    });
    expect(await listOutputs()).toEqual([]);
  });

  it('refuses an image over sharp’s own limit too', async () => {
    const error = await run(await makePngClaiming(30000, 30000)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect((error as Error).message).toBe('The image is too large; the limit is 50 megapixels.');
  });

  it('refuses files that are not images it can process, and damaged images, without retries', async () => {
    const pdf = new TextEncoder().encode('%PDF-1.7\n1 0 obj\n');
    const notImage = await run(pdf).catch((caught: unknown) => caught);
    expect(describeError(notImage)).toEqual({
      code: 'unsupported_image',
      message: 'This is not an image Taskdeck can process: PDF document.',
    });
    const csv = new TextEncoder().encode('a,b\n1,2\n');
    await expect(run(csv)).rejects.toBeInstanceOf(UnsupportedImageError);

    const damaged = Buffer.concat([
      (await makePngClaiming(10, 10)).subarray(0, 8),
      Buffer.alloc(64, 7),
    ]);
    const error = await run(damaged).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsupportedImageError);
    expect(error).toBeInstanceOf(PermanentTaskError);
    expect(describeError(error)).toMatchObject({
      code: 'image_unreadable',
      message: 'The image could not be read: it is damaged or not what its header says.',
    });
    expect(describeError(error).cause).toBeTruthy();
    expect(await listOutputs()).toEqual([]);
  });

  it('stops when aborted between outputs and leaves no output behind', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by the user');
    const error = await run(await makeRotatedJpeg(), {
      signal: controller.signal,
      onProgress: (_fraction, message) => {
        // Abort once the first output is written.
        if (message.startsWith('Made')) controller.abort(reason);
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBe(reason);
    expect(await listOutputs()).toEqual([]);
    expect(await storage.exists(INPUT)).toBe(true);
  });

  it('stops when aborted while an output is being encoded', async () => {
    const controller = new AbortController();
    const big = await sharp({
      create: { width: 3000, height: 2000, channels: 3, background: '#777' },
    })
      .jpeg()
      .toBuffer();
    const error = await run(big, {
      signal: controller.signal,
      onProgress: (_fraction, message) => {
        if (message.startsWith('Opened')) setImmediate(() => controller.abort(new Error('stop')));
      },
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('stop');
    expect(await listOutputs()).toEqual([]);
  });

  it('does nothing when the signal has already fired', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(run(await makePngClaiming(1, 1), { signal: controller.signal })).rejects.toThrow(
      'too late',
    );
    expect(await listOutputs()).toEqual([]);
  });
});

describe('processImage with a failing storage', () => {
  it('passes a read error on as it is, so the attempt can be retried', async () => {
    const png = await makePngClaiming(1, 1);
    await storage.write(INPUT, once(png));
    let reads = 0;
    // The first read (the sniff) works; the second breaks half-way, as a network store might.
    const flaky: Storage = {
      ...storage,
      async read(key) {
        reads += 1;
        if (reads === 1) return storage.read(key);
        const stream = new Readable({
          read() {
            this.destroy(new Error('connection reset'));
          },
        });
        return { stream, size: png.length };
      },
    };
    const error = await processImage({
      storage: flaky,
      inputKey: INPUT,
      outputPrefix: OUTPUTS,
      displayName: 'x.png',
      signal: new AbortController().signal,
      onProgress: () => undefined,
    }).catch((caught: unknown) => caught);
    expect((error as Error).message).toBe('connection reset');
    expect(error).not.toBeInstanceOf(PermanentTaskError);
  });
});
