// Binary file signatures ("magic numbers") for sniffType. Only what a file starts with counts:
// its name and the type a browser claims are whatever the uploader chose.

export type SniffedKind = 'empty' | 'csv' | 'image' | 'text' | 'binary';

export interface SniffedType {
  mime: string;
  kind: SniffedKind;
  /** For people, e.g. 'PNG image', 'CSV (comma-separated)'. */
  label: string;
  /** Without the dot; '' when there is no usual one. */
  extension: string;
  /** Text kinds only; UTF-8 is implied when a text mime has no charset parameter. */
  charset?: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** CSV only: the delimiter the first lines agree on. */
  delimiter?: CsvDelimiter;
}

export type CsvDelimiter = ',' | ';' | '\t' | '|';

function binary(mime: string, label: string, extension: string): SniffedType {
  return { mime, kind: 'binary', label, extension };
}

// kind 'image' only for what sharp decodes in this build (sharp.format[x].input.buffer):
// jpeg, png, webp, gif, tiff and heif-with-AV1 (AVIF). HEIC needs HEVC, which prebuilt sharp lacks.
function image(mime: string, label: string, extension: string): SniffedType {
  return { mime, kind: 'image', label, extension };
}

const TYPES = {
  png: image('image/png', 'PNG image', 'png'),
  jpeg: image('image/jpeg', 'JPEG image', 'jpg'),
  gif: image('image/gif', 'GIF image', 'gif'),
  webp: image('image/webp', 'WebP image', 'webp'),
  tiff: image('image/tiff', 'TIFF image', 'tiff'),
  avif: image('image/avif', 'AVIF image', 'avif'),
  heic: binary('image/heic', 'HEIC image', 'heic'),
  heif: binary('image/heif', 'HEIF image', 'heif'),
  bmp: binary('image/bmp', 'BMP image', 'bmp'),
  ico: binary('image/x-icon', 'ICO icon', 'ico'),
  jxl: binary('image/jxl', 'JPEG XL image', 'jxl'),
  psd: binary('image/vnd.adobe.photoshop', 'Photoshop document', 'psd'),
  cr2: binary('image/x-canon-cr2', 'Canon RAW image', 'cr2'),
  pdf: binary('application/pdf', 'PDF document', 'pdf'),
  zip: binary('application/zip', 'ZIP archive', 'zip'),
  gzip: binary('application/gzip', 'GZIP archive', 'gz'),
  sevenZip: binary('application/x-7z-compressed', '7-Zip archive', '7z'),
  xz: binary('application/x-xz', 'XZ archive', 'xz'),
  bzip2: binary('application/x-bzip2', 'BZIP2 archive', 'bz2'),
  zstd: binary('application/zstd', 'Zstandard archive', 'zst'),
  rar: binary('application/vnd.rar', 'RAR archive', 'rar'),
  mp4: binary('video/mp4', 'MP4 video', 'mp4'),
  mov: binary('video/quicktime', 'QuickTime video', 'mov'),
  m4a: binary('audio/mp4', 'MPEG-4 audio', 'm4a'),
  threeGp: binary('video/3gpp', '3GP video', '3gp'),
  mp3: binary('audio/mpeg', 'MP3 audio', 'mp3'),
  mpegAudio: binary('audio/mpeg', 'MPEG audio', 'mpga'),
  aac: binary('audio/aac', 'AAC audio', 'aac'),
  wav: binary('audio/wav', 'WAV audio', 'wav'),
  avi: binary('video/x-msvideo', 'AVI video', 'avi'),
  ogg: binary('audio/ogg', 'Ogg audio', 'ogg'),
  oggVideo: binary('video/ogg', 'Ogg video', 'ogv'),
  flac: binary('audio/flac', 'FLAC audio', 'flac'),
  elf: binary('application/x-elf', 'ELF executable', 'elf'),
  exe: binary('application/vnd.microsoft.portable-executable', 'Windows executable', 'exe'),
  wasm: binary('application/wasm', 'WebAssembly module', 'wasm'),
  sqlite: binary('application/vnd.sqlite3', 'SQLite database', 'sqlite'),
} satisfies Record<string, SniffedType>;

function hasBytes(head: Uint8Array, bytes: readonly number[], offset = 0): boolean {
  if (head.length < offset + bytes.length) return false;
  return bytes.every((byte, index) => head[offset + index] === byte);
}

/** Up to `length` bytes as Latin-1; shorter when the head ends first. */
function readAscii(head: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...head.subarray(offset, offset + length));
}

function hasAscii(head: Uint8Array, text: string, offset = 0): boolean {
  return readAscii(head, offset, text.length) === text;
}

function readUint32(head: Uint8Array, offset: number, littleEndian: boolean): number {
  return new DataView(head.buffer, head.byteOffset, head.byteLength).getUint32(
    offset,
    littleEndian,
  );
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);

/** ISO base media files (MP4, MOV, AVIF, HEIC) say what they are in their first box's brands. */
function sniffFtyp(head: Uint8Array): SniffedType | null {
  if (head.length < 12 || !hasAscii(head, 'ftyp', 4)) return null;
  const major = readAscii(head, 8, 4);
  const boxEnd = Math.min(head.length, Math.max(16, readUint32(head, 0, false)));
  const compatible: string[] = [];
  for (let offset = 16; offset + 4 <= boxEnd; offset += 4) {
    compatible.push(readAscii(head, offset, 4));
  }
  // A specific major brand decides first; the generic HEIF brands (mif1) only when no brand
  // says which codec, since AVIF and HEIC files both list them.
  for (const brands of [[major], compatible]) {
    if (brands.some((brand) => AVIF_BRANDS.has(brand))) return TYPES.avif;
    if (brands.some((brand) => HEIC_BRANDS.has(brand))) return TYPES.heic;
  }
  if ([major, ...compatible].some((brand) => HEIF_BRANDS.has(brand))) return TYPES.heif;
  if (major === 'qt  ') return TYPES.mov;
  if (major === 'M4A ' || major === 'M4B ') return TYPES.m4a;
  if (major.startsWith('3g')) return TYPES.threeGp;
  return TYPES.mp4;
}

function sniffRiff(head: Uint8Array): SniffedType | null {
  if (!hasAscii(head, 'RIFF')) return null;
  const form = readAscii(head, 8, 4);
  if (form === 'WEBP') return TYPES.webp;
  if (form === 'WAVE') return TYPES.wav;
  if (form === 'AVI ') return TYPES.avi;
  return null;
}

/** A bare MPEG audio frame header (MP3 without an ID3 tag) or an ADTS (AAC) header. */
function sniffMpegAudio(head: Uint8Array): SniffedType | null {
  const [b0, b1, b2] = head;
  if (b0 !== 0xff || b1 === undefined || b2 === undefined || (b1 & 0xe0) !== 0xe0) return null;
  const version = (b1 >> 3) & 0b11;
  const layer = (b1 >> 1) & 0b11;
  if (layer === 0) return (b1 & 0xf6) === 0xf0 ? TYPES.aac : null;
  const bitrate = b2 >> 4;
  const sampleRate = (b2 >> 2) & 0b11;
  if (version === 0b01 || bitrate === 0b1111 || sampleRate === 0b11) return null;
  return layer === 0b01 ? TYPES.mp3 : TYPES.mpegAudio;
}

const BMP_HEADER_SIZES = new Set([12, 40, 52, 56, 64, 108, 124]);

/** 'BM' alone would catch text files starting with "BM": check the reserved and header fields. */
function isBmp(head: Uint8Array): boolean {
  return (
    hasAscii(head, 'BM') &&
    head.length >= 18 &&
    hasBytes(head, [0, 0, 0, 0], 6) &&
    BMP_HEADER_SIZES.has(readUint32(head, 14, true))
  );
}

/** 'MZ' alone would catch text files too: confirm the PE header it points at. */
function isWindowsExecutable(head: Uint8Array): boolean {
  if (!hasAscii(head, 'MZ') || head.length < 0x40) return false;
  const peOffset = readUint32(head, 0x3c, true);
  return hasBytes(head, [0x50, 0x45, 0, 0], peOffset);
}

function isBzip2(head: Uint8Array): boolean {
  const level = head[3];
  return (
    hasAscii(head, 'BZh') &&
    level !== undefined &&
    level >= 0x31 &&
    level <= 0x39 &&
    (hasBytes(head, [0x31, 0x41, 0x59, 0x26, 0x53, 0x59], 4) ||
      hasBytes(head, [0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 4))
  );
}

function sniffOgg(head: Uint8Array): SniffedType | null {
  if (!hasAscii(head, 'OggS')) return null;
  // The first page carries the codec's identification header.
  const firstPage = readAscii(head, 28, 8);
  return firstPage.includes('theora') ? TYPES.oggVideo : TYPES.ogg;
}

/** The binary type the head's signature names, or null when it has none we know. */
export function sniffMagicNumber(head: Uint8Array): SniffedType | null {
  if (hasBytes(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return TYPES.png;
  if (hasBytes(head, [0xff, 0xd8, 0xff])) return TYPES.jpeg;
  if (hasAscii(head, 'GIF87a') || hasAscii(head, 'GIF89a')) return TYPES.gif;
  if (
    hasBytes(head, [0x49, 0x49, 0x2a, 0x00]) ||
    hasBytes(head, [0x4d, 0x4d, 0x00, 0x2a]) ||
    hasBytes(head, [0x49, 0x49, 0x2b, 0x00]) ||
    hasBytes(head, [0x4d, 0x4d, 0x00, 0x2b])
  ) {
    // Canon CR2 is a TIFF too, but its first image is not what the user means.
    return hasAscii(head, 'CR', 8) ? TYPES.cr2 : TYPES.tiff;
  }
  const container = sniffRiff(head) ?? sniffFtyp(head) ?? sniffOgg(head);
  if (container) return container;
  if (hasAscii(head, '%PDF-')) return TYPES.pdf;
  if (
    hasBytes(head, [0x50, 0x4b, 0x03, 0x04]) ||
    hasBytes(head, [0x50, 0x4b, 0x05, 0x06]) ||
    hasBytes(head, [0x50, 0x4b, 0x07, 0x08])
  ) {
    return TYPES.zip;
  }
  if (hasBytes(head, [0x1f, 0x8b, 0x08])) return TYPES.gzip;
  if (hasBytes(head, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return TYPES.sevenZip;
  if (hasBytes(head, [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])) return TYPES.xz;
  if (hasBytes(head, [0x28, 0xb5, 0x2f, 0xfd])) return TYPES.zstd;
  if (hasAscii(head, 'Rar!\x1a\x07')) return TYPES.rar;
  if (isBzip2(head)) return TYPES.bzip2;
  if (hasAscii(head, 'ID3')) return TYPES.mp3;
  if (hasAscii(head, 'fLaC')) return TYPES.flac;
  if (hasBytes(head, [0x7f, 0x45, 0x4c, 0x46])) return TYPES.elf;
  if (hasBytes(head, [0x00, 0x61, 0x73, 0x6d])) return TYPES.wasm;
  if (hasAscii(head, 'SQLite format 3\0')) return TYPES.sqlite;
  if (hasAscii(head, '8BPS')) return TYPES.psd;
  if (
    hasBytes(head, [0xff, 0x0a]) ||
    hasBytes(head, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20, 0x0d, 0x0a, 0x87, 0x0a])
  ) {
    return TYPES.jxl;
  }
  if (hasBytes(head, [0, 0, 1, 0]) && head.length >= 6 && (head[4] ?? 0) + (head[5] ?? 0) > 0) {
    return TYPES.ico;
  }
  if (isBmp(head)) return TYPES.bmp;
  if (isWindowsExecutable(head)) return TYPES.exe;
  return sniffMpegAudio(head);
}
