import { describe, expect, it } from 'vitest';
import { formatCsvLine } from '@/lib/csv';

describe('formatCsvLine', () => {
  it('joins plain fields with commas and ends the line with CRLF', () => {
    expect(formatCsvLine(['a', 'b', 'c'])).toBe('a,b,c\r\n');
  });

  it('formats an empty row as just a line end', () => {
    expect(formatCsvLine([])).toBe('\r\n');
  });

  it('writes numbers and booleans as their string form, unquoted', () => {
    expect(formatCsvLine([0, 42, -1.5, true, false])).toBe('0,42,-1.5,true,false\r\n');
  });

  it('writes null and undefined as empty fields', () => {
    expect(formatCsvLine([null, 'x', undefined])).toBe(',x,\r\n');
    expect(formatCsvLine([null])).toBe('\r\n');
    expect(formatCsvLine([undefined, undefined])).toBe(',\r\n');
  });

  it('keeps an empty string empty (not quoted)', () => {
    expect(formatCsvLine(['', 'a', ''])).toBe(',a,\r\n');
  });

  it('quotes a field that contains a comma', () => {
    expect(formatCsvLine(['a,b', 'c'])).toBe('"a,b",c\r\n');
  });

  it('quotes a field that contains a double quote and doubles the quote', () => {
    expect(formatCsvLine(['say "hi"'])).toBe('"say ""hi"""\r\n');
    expect(formatCsvLine(['"'])).toBe('""""\r\n');
  });

  it('quotes a field that contains a line feed or a carriage return', () => {
    expect(formatCsvLine(['line1\nline2', 'x'])).toBe('"line1\nline2",x\r\n');
    expect(formatCsvLine(['a\rb'])).toBe('"a\rb"\r\n');
    expect(formatCsvLine(['a\r\nb'])).toBe('"a\r\nb"\r\n');
  });

  it('quotes a field with all special characters at once', () => {
    expect(formatCsvLine(['a,"b"\r\nc'])).toBe('"a,""b""\r\nc"\r\n');
  });

  it('does not quote fields with spaces, tabs, semicolons or non-ASCII text', () => {
    expect(formatCsvLine([' padded ', 'tab\there', 'semi;colon', 'héllo ✓'])).toBe(
      ' padded ,tab\there,semi;colon,héllo ✓\r\n',
    );
  });

  it('does not treat a number as needing quotes even when its locale form might', () => {
    expect(formatCsvLine([1234567.5])).toBe('1234567.5\r\n');
  });

  it('produces lines an RFC 4180 reader splits back into the original fields', () => {
    const rows = [
      ['date', 'note', 'count'],
      ['2026-01-01', 'plain', '1'],
      ['2026-01-02', 'with, comma', '2'],
      ['2026-01-03', 'with "quotes"', '3'],
      ['2026-01-04', 'multi\r\nline', '4'],
      ['', '', ''],
    ];
    const text = rows.map((row) => formatCsvLine(row)).join('');
    expect(parseCsv(text)).toEqual(rows);
  });
});

/** A minimal RFC 4180 reader, enough to check that the writer's output round-trips. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('input did not end with CRLF');
  return rows;
}
