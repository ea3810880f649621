import { describe, expect, it } from 'vitest';
import {
  contentDisposition,
  deriveOutputName,
  MAX_NAME_BYTES,
  toDisplayName,
} from '@/lib/files/safe-name';

const byteLength = (text: string) => new TextEncoder().encode(text).length;

/** No lone surrogates: the string survives a UTF-8 round trip unchanged. */
const isWellFormed = (text: string) =>
  new TextDecoder().decode(new TextEncoder().encode(text)) === text;

describe('toDisplayName', () => {
  it.each([
    ['../../etc/passwd', 'passwd'],
    ['..\\..\\boot.ini', 'boot.ini'],
    ['C:\\Users\\anna\\Desktop\\Q3 sales.csv', 'Q3 sales.csv'],
    ['/var/tmp/mixed\\style/report.pdf', 'report.pdf'],
    ['folder/report.csv/', 'report.csv'],
    ['report.csv', 'report.csv'],
  ])('keeps only the last path segment: %j → %j', (raw, expected) => {
    expect(toDisplayName(raw)).toBe(expected);
  });

  it.each(['Überstunden 📊 März.csv', 'отчёт.csv', '数据.csv', 'تقرير.csv', '👨‍👩‍👧 family.png'])(
    'keeps Unicode names as they are: %s',
    (name) => {
      expect(toDisplayName(name)).toBe(name);
    },
  );

  it('normalises to NFC', () => {
    const decomposed = 'Cafe\u0301.csv'; // e + combining acute, as macOS file systems store it
    expect(toDisplayName(decomposed)).toBe('Café.csv');
    expect(toDisplayName(decomposed)).toHaveLength('Café.csv'.length);
  });

  it('removes control characters (C0, DEL, C1)', () => {
    expect(toDisplayName('a\x00b\x07c\x1b\x7fd\x85e\x9f.txt')).toBe('abcde.txt');
    // Line breaks and tabs become spaces, then collapse.
    expect(toDisplayName('line1\r\nline2\t\tend.txt')).toBe('line1 line2 end.txt');
  });

  it('removes bidi overrides and isolates (the "gpj.exe" trick)', () => {
    expect(toDisplayName('invoice\u202Egpj.exe')).toBe('invoicegpj.exe');
    for (const char of [
      '\u202A',
      '\u202B',
      '\u202C',
      '\u202D',
      '\u2066',
      '\u2067',
      '\u2068',
      '\u2069',
    ]) {
      expect(toDisplayName(`a${char}b.txt`)).toBe('ab.txt');
    }
    expect(toDisplayName('a\u200Eb\u200Fc.txt')).toBe('abc.txt');
  });

  it('removes zero-width characters, keeping joiners inside emoji and words', () => {
    expect(toDisplayName('pass\u200Bword\u2060.txt')).toBe('password.txt');
    expect(toDisplayName('\uFEFFbom.txt')).toBe('bom.txt');
    expect(toDisplayName('\u200Dstart end\u200C.txt')).toBe('start end.txt');
    expect(toDisplayName('soft\u00ADhyphen.txt')).toBe('softhyphen.txt');
    // ZWNJ inside a Persian word is spelling, ZWJ inside an emoji sequence is the emoji.
    expect(toDisplayName('می\u200Cخواهم.txt')).toBe('می\u200Cخواهم.txt');
  });

  it('collapses whitespace, including Unicode spaces', () => {
    expect(toDisplayName('  a   b \u00A0\u3000 c .csv')).toBe('a b c .csv');
  });

  it('strips leading dots and spaces, and trailing dots and spaces', () => {
    expect(toDisplayName('.htaccess')).toBe('htaccess');
    expect(toDisplayName(' ..hidden. . ')).toBe('hidden');
    expect(toDisplayName('name.csv...')).toBe('name.csv');
  });

  it.each([
    undefined,
    null,
    '',
    '   ',
    '.',
    '..',
    '...',
    '/',
    '\\',
    '../..',
    '\u202E\u200B',
    '\x00',
  ])('falls back to "unnamed" for %j', (raw) => {
    expect(toDisplayName(raw)).toBe('unnamed');
  });

  it('caps the name at 200 UTF-8 bytes and keeps the extension', () => {
    const name = toDisplayName(`${'a'.repeat(300)}.csv`);
    expect(byteLength(name)).toBe(MAX_NAME_BYTES);
    expect(MAX_NAME_BYTES).toBe(200);
    expect(name.endsWith('a.csv')).toBe(true);
  });

  it('never cuts a multibyte character or a surrogate pair', () => {
    for (const unit of ['ü', '数', '📊', '👨‍👩‍👧']) {
      for (let pad = 0; pad < 4; pad += 1) {
        const name = toDisplayName(`${'x'.repeat(pad)}${unit.repeat(120)}.xlsx`);
        expect(byteLength(name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
        expect(byteLength(name)).toBeGreaterThan(MAX_NAME_BYTES - byteLength(unit));
        expect(name.endsWith(`${unit}.xlsx`)).toBe(true);
        expect(isWellFormed(name)).toBe(true);
      }
    }
  });

  it('cuts a name with no usable extension, and an overlong "extension", like any name', () => {
    const long = toDisplayName('z'.repeat(500));
    expect(long).toBe('z'.repeat(200));
    const spaced = toDisplayName(`Mr. ${'Smith '.repeat(60)}`);
    expect(byteLength(spaced)).toBeLessThanOrEqual(200);
    expect(spaced.startsWith('Mr. Smith')).toBe(true);
    expect(spaced.endsWith(' ')).toBe(false);
  });

  it('drops lone surrogates, which cannot be encoded', () => {
    expect(toDisplayName('a\uD83Db\uDCCA.txt')).toBe('ab.txt');
  });
});

describe('deriveOutputName', () => {
  it('replaces the extension and adds the suffix', () => {
    expect(deriveOutputName('Q3 sales.csv', 'cleaned', 'csv')).toBe('Q3 sales.cleaned.csv');
    expect(deriveOutputName('IMG_0001.JPG', 'clean', 'jpg')).toBe('IMG_0001.clean.jpg');
    expect(deriveOutputName('notes', 'summary', 'json')).toBe('notes.summary.json');
    expect(deriveOutputName('archive.tar.gz', 'listing', 'txt')).toBe('archive.tar.listing.txt');
    expect(deriveOutputName('Überstunden März.csv', 'cleaned', 'csv')).toBe(
      'Überstunden März.cleaned.csv',
    );
  });

  it('sanitises the input name like toDisplayName', () => {
    expect(deriveOutputName('../../x/evil\u202Etxt.csv', 'cleaned', 'csv')).toBe(
      'eviltxt.cleaned.csv',
    );
    expect(deriveOutputName('', 'cleaned', 'csv')).toBe('unnamed.cleaned.csv');
    expect(deriveOutputName('photo.png', '', 'webp')).toBe('photo.webp');
  });

  it('caps the length by shortening the base, never the suffix or extension', () => {
    const name = deriveOutputName(`${'数'.repeat(100)}.csv`, 'thumbnail-1024', 'webp');
    expect(byteLength(name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(name.endsWith('数.thumbnail-1024.webp')).toBe(true);
    expect(isWellFormed(name)).toBe(true);
  });
});

describe('contentDisposition', () => {
  it('gives an ASCII fallback and the exact UTF-8 name', () => {
    expect(contentDisposition('attachment', 'Q3 sales.csv')).toBe(
      `attachment; filename="Q3 sales.csv"; filename*=UTF-8''Q3%20sales.csv`,
    );
    expect(contentDisposition('inline', 'Überstunden 📊 März.csv')).toBe(
      `inline; filename="_berstunden _ M_rz.csv"; filename*=UTF-8''%C3%9Cberstunden%20%F0%9F%93%8A%20M%C3%A4rz.csv`,
    );
  });

  it('replaces quotes, backslashes and percent signs in the fallback', () => {
    const header = contentDisposition('attachment', 'say "hi" 100%.txt');
    expect(header).toContain('filename="say _hi_ 100_.txt"');
    expect(header).toContain(`filename*=UTF-8''say%20%22hi%22%20100%25.txt`);
    // A backslash is a path separator to toDisplayName, so it never reaches the header.
    expect(contentDisposition('attachment', 'a\\b.txt')).toContain('filename="b.txt"');
  });

  it("percent-encodes ' ( ) * as RFC 5987 requires, and keeps its attr-chars", () => {
    const header = contentDisposition('attachment', "it's (final) *v2*!~.txt");
    expect(header).toContain(`filename*=UTF-8''it%27s%20%28final%29%20%2Av2%2A!~.txt`);
    const value = header.split("filename*=UTF-8''")[1] ?? '';
    expect(value).toMatch(/^[A-Za-z0-9!#$&+\-.^_`|~%]+$/);
  });

  it('never puts control characters or line breaks into the header', () => {
    const header = contentDisposition('attachment', 'evil\r\nSet-Cookie: x=1.txt');
    expect(header).not.toMatch(/[\r\n]/);
    expect(header).toContain('filename="evil Set-Cookie: x=1.txt"');
    expect(() => new Headers({ 'content-disposition': header })).not.toThrow();
  });

  it('round-trips the UTF-8 name through decodeURIComponent', () => {
    const name = 'отчёт (итог) 数据 📊.csv';
    const encoded = contentDisposition('attachment', name).split("filename*=UTF-8''")[1] ?? '';
    expect(decodeURIComponent(encoded)).toBe(name);
  });
});
