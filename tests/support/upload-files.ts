import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

// Real files for the upload tests, made on the fly: a CSV with problems, images with EXIF.

export const MESSY_CSV = [
  'id,name,amount,joined',
  '1,Ada,12.5,2026-01-02',
  '2,"Grace, Rear Admiral",7,2026-02-03',
  '3,Linus,oops,2026-03-04',
  '4,too,many,fields,here',
  '5,"multi',
  'line",3,2026-05-06',
  '6,Zoë,,2026-06-07',
  '7,short',
  '8,Tim,1e3,2026-08-09',
].join('\r\n');

/** A JPEG with camera EXIF (make, model) and orientation 6, the way phones write them. */
export function makeJpegWithExif(width = 640, height = 480): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 80, b: 40 } } })
    .withExif({ IFD0: { Make: 'TaskdeckCam', Model: 'T1' } })
    .withMetadata({ orientation: 6 })
    .jpeg()
    .toBuffer();
}

export function makePng(width = 300, height = 200): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: 0, g: 120, b: 200, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
}

/** Every file under a directory, relative, so a test can tell what an action left behind. */
export async function listFilesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}
