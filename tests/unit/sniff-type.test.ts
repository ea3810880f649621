import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SNIFF_BYTES, sniffType, type SniffedType } from '@/lib/files/sniff-type';

const encoder = new TextEncoder();

function bytes(...parts: Array<string | number[] | Uint8Array>): Uint8Array {
  const arrays = parts.map((part) =>
    typeof part === 'string'
      ? Uint8Array.from(part, (char) => char.charCodeAt(0))
      : Uint8Array.from(part),
  );
  const out = new Uint8Array(arrays.reduce((sum, array) => sum + array.length, 0));
  let offset = 0;
  for (const array of arrays) {
    out.set(array, offset);
    offset += array.length;
  }
  return out;
}

function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

function utf16(text: string, endian: 'le' | 'be'): Uint8Array {
  const out = new Uint8Array(2 + text.length * 2);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0xfeff, endian === 'le');
  for (let index = 0; index < text.length; index += 1) {
    view.setUint16(2 + index * 2, text.charCodeAt(index), endian === 'le');
  }
  return out;
}

function uint32be(value: number): number[] {
  return [(value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff];
}

/** An ISO BMFF `ftyp` box with the given brands, followed by a little padding. */
function ftyp(major: string, ...compatible: string[]): Uint8Array {
  const size = 16 + compatible.length * 4;
  return bytes(uint32be(size), 'ftyp', major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 8], 'free');
}

function pick(type: SniffedType) {
  return { mime: type.mime, kind: type.kind, extension: type.extension, label: type.label };
}

async function makeImage(format: 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'avif') {
  return new Uint8Array(
    await sharp({ create: { width: 16, height: 12, channels: 3, background: '#3366cc' } })
      .toFormat(format)
      .toBuffer(),
  );
}

describe('sniffType: images sharp can decode', () => {
  it.each([
    ['png', 'image/png', 'PNG image', 'png'],
    ['jpeg', 'image/jpeg', 'JPEG image', 'jpg'],
    ['gif', 'image/gif', 'GIF image', 'gif'],
    ['webp', 'image/webp', 'WebP image', 'webp'],
    ['tiff', 'image/tiff', 'TIFF image', 'tiff'],
    ['avif', 'image/avif', 'AVIF image', 'avif'],
  ] as const)('recognises a real %s made by sharp', async (format, mime, label, extension) => {
    const file = await makeImage(format);
    expect(pick(sniffType(file, { complete: true }))).toEqual({
      mime,
      kind: 'image',
      label,
      extension,
    });
    // The first 32 bytes are enough.
    expect(sniffType(file.subarray(0, 32)).mime).toBe(mime);
  });

  it('recognises big-endian TIFF and BigTIFF', () => {
    expect(sniffType(bytes('MM', [0, 42, 0, 0, 0, 8])).mime).toBe('image/tiff');
    expect(sniffType(bytes('II', [43, 0, 8, 0, 0, 0])).mime).toBe('image/tiff');
    expect(sniffType(bytes('MM', [0, 42, 0, 0, 0, 8])).kind).toBe('image');
  });

  it('recognises AVIF by its major or compatible brands', () => {
    expect(sniffType(ftyp('avif', 'mif1', 'miaf')).mime).toBe('image/avif');
    expect(sniffType(ftyp('mif1', 'avif', 'miaf')).mime).toBe('image/avif');
    expect(sniffType(ftyp('avis', 'msf1')).kind).toBe('image');
  });

  it('trusts the bytes, not a name: a PNG stays an image whatever it is called', async () => {
    expect(sniffType(await makeImage('png')).kind).toBe('image');
  });
});

describe('sniffType: other binary formats', () => {
  it.each<[string, Uint8Array, string, string]>([
    ['HEIC', ftyp('heic', 'mif1', 'heic'), 'image/heic', 'heic'],
    ['HEIF (mif1 only)', ftyp('mif1', 'miaf'), 'image/heif', 'heif'],
    [
      'BMP',
      bytes('BM', [0x46, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0, 1, 0]),
      'image/bmp',
      'bmp',
    ],
    ['PDF', bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj'), 'application/pdf', 'pdf'],
    [
      'ZIP (also docx/xlsx)',
      bytes('PK', [3, 4, 20, 0, 6, 0], '[Content_Types].xml'),
      'application/zip',
      'zip',
    ],
    ['empty ZIP', bytes('PK', [5, 6], new Array<number>(18).fill(0)), 'application/zip', 'zip'],
    ['GZIP', bytes([0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 3]), 'application/gzip', 'gz'],
    ['7z', bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), 'application/x-7z-compressed', '7z'],
    ['XZ', bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0, 4]), 'application/x-xz', 'xz'],
    ['Zstandard', bytes([0x28, 0xb5, 0x2f, 0xfd, 0x24, 0x05]), 'application/zstd', 'zst'],
    ['bzip2', bytes('BZh9', [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]), 'application/x-bzip2', 'bz2'],
    ['RAR', bytes('Rar!', [0x1a, 0x07, 0x01, 0x00]), 'application/vnd.rar', 'rar'],
    ['MP4', ftyp('isom', 'isom', 'iso2', 'avc1', 'mp41'), 'video/mp4', 'mp4'],
    ['MOV', ftyp('qt  ', 'qt  '), 'video/quicktime', 'mov'],
    ['M4A', ftyp('M4A ', 'M4A ', 'mp42', 'isom'), 'audio/mp4', 'm4a'],
    ['3GP', ftyp('3gp5', '3gp5', 'isom'), 'video/3gpp', '3gp'],
    ['MP3 with ID3', bytes('ID3', [4, 0, 0, 0, 0, 0x23, 0x76], 'TSSE'), 'audio/mpeg', 'mp3'],
    ['MP3 frame', bytes([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]), 'audio/mpeg', 'mp3'],
    ['AAC (ADTS)', bytes([0xff, 0xf1, 0x50, 0x80, 0x02, 0x1f, 0xfc]), 'audio/aac', 'aac'],
    ['WAV', bytes('RIFF', [0x24, 0x08, 0, 0], 'WAVEfmt ', [16, 0, 0, 0]), 'audio/wav', 'wav'],
    ['AVI', bytes('RIFF', [0x24, 0x08, 0, 0], 'AVI LIST'), 'video/x-msvideo', 'avi'],
    [
      'OGG Vorbis',
      bytes('OggS', [0, 2], new Array<number>(22).fill(0), [1], 'vorbis'),
      'audio/ogg',
      'ogg',
    ],
    [
      'OGG Theora',
      bytes('OggS', [0, 2], new Array<number>(22).fill(0), [0x80], 'theora'),
      'video/ogg',
      'ogv',
    ],
    ['FLAC', bytes('fLaC', [0, 0, 0, 0x22]), 'audio/flac', 'flac'],
    ['ELF', bytes([0x7f], 'ELF', [2, 1, 1, 0, 0, 0, 0, 0]), 'application/x-elf', 'elf'],
    ['WebAssembly', bytes([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'application/wasm', 'wasm'],
    ['SQLite', bytes('SQLite format 3\0', [0x10, 0]), 'application/vnd.sqlite3', 'sqlite'],
    ['Photoshop', bytes('8BPS', [0, 1, 0, 0]), 'image/vnd.adobe.photoshop', 'psd'],
    ['JPEG XL', bytes([0xff, 0x0a, 0xfa, 0x7f]), 'image/jxl', 'jxl'],
    ['ICO', bytes([0, 0, 1, 0, 1, 0, 16, 16, 0, 0]), 'image/x-icon', 'ico'],
    ['Canon CR2', bytes('II', [42, 0, 16, 0, 0, 0], 'CR', [2, 0]), 'image/x-canon-cr2', 'cr2'],
  ])('recognises %s', (_name, head, mime, extension) => {
    const sniffed = sniffType(head);
    expect(sniffed).toMatchObject({ mime, extension, kind: 'binary' });
    expect(sniffed.label).not.toBe('');
  });

  it('labels a ZIP as a ZIP archive, whatever it holds', () => {
    const docx = bytes('PK', [3, 4, 20, 0, 6, 0, 8, 0], 'word/document.xml');
    expect(sniffType(docx).label).toBe('ZIP archive');
  });

  it('recognises a Windows executable only with its PE header', () => {
    const exe = new Uint8Array(0x90);
    exe.set(bytes('MZ'), 0);
    exe.set([0x80, 0, 0, 0], 0x3c);
    exe.set(bytes('PE', [0, 0]), 0x80);
    expect(sniffType(exe).mime).toBe('application/vnd.microsoft.portable-executable');
    // Text that happens to start with "MZ" or "BM" is still text.
    expect(sniffType(utf8('MZ is a postcode area.\nBMW too.\n')).kind).toBe('text');
    expect(sniffType(utf8('BM ratings, 2024\n')).kind).not.toBe('binary');
  });

  it('calls unknown bytes binary', () => {
    expect(pick(sniffType(bytes([0x00, 0x01, 0x02, 0x03, 0xfe, 0x80])))).toEqual({
      mime: 'application/octet-stream',
      kind: 'binary',
      label: 'Binary data',
      extension: 'bin',
    });
  });
});

describe('sniffType: empty and text', () => {
  it('calls zero bytes empty', () => {
    expect(sniffType(new Uint8Array(0))).toMatchObject({ kind: 'empty', label: 'Empty file' });
    expect(sniffType(new Uint8Array(0), { complete: true }).kind).toBe('empty');
  });

  it('recognises UTF-8 text, with or without a BOM', () => {
    const text = 'Überstunden im März: 12 h 📊\nNächste Woche mehr.\n';
    expect(pick(sniffType(utf8(text)))).toEqual({
      mime: 'text/plain',
      kind: 'text',
      label: 'Plain text',
      extension: 'txt',
    });
    expect(sniffType(bytes([0xef, 0xbb, 0xbf], utf8(text))).kind).toBe('text');
    expect(sniffType(utf8('отчёт за квартал\n数据很好\n')).kind).toBe('text');
  });

  it('recognises UTF-16 text by its BOM and says the charset', () => {
    expect(sniffType(utf16('Hello, UTF-16 little endian', 'le'))).toMatchObject({
      mime: 'text/plain; charset=utf-16le',
      kind: 'text',
      charset: 'utf-16le',
      label: 'Plain text (UTF-16LE)',
    });
    expect(sniffType(utf16('Hello there', 'be')).mime).toBe('text/plain; charset=utf-16be');
  });

  it('treats a character cut at the end as the cut, unless the head is the whole file', () => {
    const cut = utf8('naïve café ü').subarray(0, -1); // the last ü loses its second byte
    expect(sniffType(cut).kind).toBe('text');
    expect(sniffType(cut, { complete: true }).kind).toBe('binary');
    expect(sniffType(bytes('abc', [0xff, 0x41])).kind).toBe('binary'); // invalid in the middle
  });

  it('calls text with NUL bytes or many control characters binary', () => {
    expect(sniffType(utf8('hello\0world\n')).kind).toBe('binary');
    expect(sniffType(utf8('a\x01b\x02c\x03d\x04 some text')).kind).toBe('binary');
    // A lone escape (ANSI colours) or form feed is fine.
    expect(sniffType(utf8('\x1b[31mred\x1b[0m log line\n\f')).kind).toBe('text');
    // A single stray control in a long text is tolerated.
    expect(sniffType(utf8(`${'x'.repeat(200)}\x07${'y'.repeat(200)}`)).kind).toBe('text');
  });

  it('recognises JSON that starts with an object or array', () => {
    expect(pick(sniffType(utf8('  \n{"name": "Taskdeck", "tags": ["a", "b"]}')))).toEqual({
      mime: 'application/json',
      kind: 'text',
      label: 'JSON',
      extension: 'json',
    });
    expect(sniffType(utf8('[1, 2, 3]')).mime).toBe('application/json');
    expect(sniffType(utf8('[{"a":1},{"a":2}]\n')).mime).toBe('application/json');
    // RTF starts with { too, but is not JSON.
    expect(sniffType(utf8('{\\rtf1\\ansi Hello}')).mime).toBe('text/plain');
  });

  it('never calls text HTML, SVG or XML (nothing a browser would run)', () => {
    for (const text of [
      '<!doctype html><script>alert(1)</script>',
      '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script/></svg>',
    ]) {
      expect(sniffType(utf8(text), { complete: true }).mime).toBe('text/plain');
    }
  });
});

describe('sniffType: CSV', () => {
  it.each([
    [',', 'comma', 'id,name,amount\r\n1,Anna,12.50\r\n2,Bernd,7.00\r\n'],
    [';', 'semicolon', 'id;name;amount\n1;Anna;12,50\n2;Bernd;7,00\n'],
    ['\t', 'tab', 'id\tname\tamount\n1\tAnna\t12.50\n2\tBernd\t7.00\n'],
    ['|', 'pipe', 'id|name|amount\n1|Anna|12.50\n2|Bernd|7.00\n'],
  ])('recognises %j-separated values', (delimiter, name, text) => {
    expect(sniffType(utf8(text))).toMatchObject({
      mime: 'text/csv',
      kind: 'csv',
      label: `CSV (${name}-separated)`,
      extension: 'csv',
      delimiter,
    });
  });

  it('respects quotes: delimiters and line breaks inside quoted fields do not count', () => {
    const text =
      'name,comment,amount\n' +
      '"Müller, Anna","said ""hi"", then left",3\n' +
      '"Smith","two\nlines",4\n' +
      'Plain,no quotes,5\n';
    expect(sniffType(utf8(text))).toMatchObject({ kind: 'csv', delimiter: ',' });
  });

  it('prefers the delimiter that makes more fields when several are consistent', () => {
    // Decimal commas: ';' separates three fields, ',' occurs once per line.
    expect(sniffType(utf8('a;b;c\n1,5;2;3\n4,5;6;7\n')).delimiter).toBe(';');
    expect(sniffType(utf8('a;b,c,d\ne;f,g,h\n')).delimiter).toBe(',');
  });

  it('needs two complete lines unless the head is the whole file', () => {
    expect(sniffType(utf8('a,b,c\n')).kind).toBe('text');
    expect(sniffType(utf8('a,b,c\n'), { complete: true }).kind).toBe('csv');
    expect(sniffType(utf8('a,b,c'), { complete: true }).kind).toBe('csv');
    // A cut head: its last, partial line does not count against it.
    expect(sniffType(utf8('a,b,c\n1,2,3\n4,5')).kind).toBe('csv');
    // The whole file: its short last row is a malformed row of a CSV, for the processor to report.
    expect(sniffType(utf8('a,b,c\n1,2,3\n4,5'), { complete: true }).kind).toBe('csv');
  });

  it('still calls a CSV with a few malformed rows a CSV (most rows split like the header)', () => {
    const messy = ['id,name,amount', '1,a,2', '2,b', '3,c,4,5', '4,"d, e",6', '5,f,7', '6,g,8'];
    expect(sniffType(utf8(`${messy.join('\n')}\n`)).kind).toBe('csv');
    const mostlyOff = ['a,b,c', '1,2', '3,4,5,6', '7', '8,9', '1,2,3'];
    expect(sniffType(utf8(`${mostlyOff.join('\n')}\n`)).kind).toBe('text');
  });

  it('skips blank lines and looks at the first 20 lines only', () => {
    const lines = ['a,b', '1,2', '', '3,4', ...Array.from({ length: 30 }, (_, i) => `${i},x`)];
    expect(sniffType(utf8(`${lines.join('\n')}\n`)).kind).toBe('csv');
    const ragged = ['a,b', ...Array.from({ length: 25 }, () => '1,2'), '1,2,3,4,5'];
    expect(sniffType(utf8(`${ragged.join('\n')}\n`)).kind).toBe('csv');
  });

  it('calls inconsistent lines, or lines without any delimiter, plain text', () => {
    expect(sniffType(utf8('a,b,c\n1,2\n3,4,5,6\n')).kind).toBe('text');
    expect(sniffType(utf8('just\nsome\nlines\n')).kind).toBe('text');
  });

  it('recognises UTF-16LE tab-separated text (Excel "Unicode text")', () => {
    expect(sniffType(utf16('Name\tBetrag\r\nAnna\t12,5\r\nBernd\t7\r\n', 'le'))).toMatchObject({
      mime: 'text/csv; charset=utf-16le',
      kind: 'csv',
      delimiter: '\t',
      label: 'CSV (tab-separated, UTF-16LE)',
    });
  });

  it('trusts the bytes, not a name: CSV bytes are CSV whatever they are called', () => {
    expect(sniffType(utf8('x,y\n1,2\n3,4\n')).kind).toBe('csv');
  });
});

describe('sniffType: head size', () => {
  it('exports SNIFF_BYTES = 64 KiB and looks at no more than that', () => {
    expect(SNIFF_BYTES).toBe(65536);
    const line = 'a,b,c\n';
    const big = utf8(line.repeat(SNIFF_BYTES / line.length + 100));
    // Past 64 KiB there is binary junk: not looked at.
    const withTail = bytes(big.subarray(0, SNIFF_BYTES), [0, 0, 0, 0xff]);
    expect(sniffType(withTail).kind).toBe('csv');
  });

  it('handles a 64 KiB text whose cut falls inside a multibyte character', () => {
    const text = utf8('ü,ä\n'.repeat(SNIFF_BYTES / 6 + 10)).subarray(0, SNIFF_BYTES);
    expect(sniffType(text)).toMatchObject({ kind: 'csv', delimiter: ',' });
  });
});
