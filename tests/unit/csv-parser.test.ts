import { describe, expect, it } from 'vitest';
import {
  CsvParser,
  parseCsvChunks,
  type CsvParserOptions,
  type CsvProblem,
  type ParsedCsv,
} from '@/lib/files/csv-parser';

const encoder = new TextEncoder();

function splitBytes(bytes: Uint8Array, size: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return chunks;
}

function parse(input: string | Uint8Array, options: CsvParserOptions = {}, chunk = 0): ParsedCsv {
  const bytes = typeof input === 'string' ? encoder.encode(input) : input;
  return parseCsvChunks(chunk > 0 ? splitBytes(bytes, chunk) : [bytes], options);
}

function rows(result: ParsedCsv): string[][] {
  return result.records.map((r) => r.fields);
}

function lines(result: ParsedCsv): number[] {
  return result.records.map((r) => r.line);
}

// Everything the chunk-boundary tests feed in pieces: quote pairs, CRLF, lone CR, a BOM,
// 2-, 3- and 4-byte UTF-8, a multi-line quoted field, a stray quote and a blank line.
const TRICKY =
  '\uFEFFid,name,note\r\n' +
  '1,"Müller, Anna","said ""hi""\r\nthen left"\r\n' +
  '2,東京,🎉 party\r' +
  '3,"",x"y\n' +
  '\n' +
  '4,"a""""b",Grüße\r\n' +
  '5,plain,"end"';

describe('CsvParser records', () => {
  it('splits plain records and numbers them by line', () => {
    const result = parse('a,b,c\n1,2,3\n4,5,6\n');
    expect(rows(result)).toEqual([
      ['a', 'b', 'c'],
      ['1', '2', '3'],
      ['4', '5', '6'],
    ]);
    expect(lines(result)).toEqual([1, 2, 3]);
    expect(result.problems).toEqual([]);
  });

  it('reads quoted fields with delimiters, doubled quotes and line ends inside', () => {
    const result = parse('a,b\n"x,y","say ""hi"""\n"multi\nline","cr\r\nlf"\n');
    expect(rows(result)).toEqual([
      ['a', 'b'],
      ['x,y', 'say "hi"'],
      ['multi\nline', 'cr\r\nlf'],
    ]);
  });

  it('ignores spaces around a quoted field', () => {
    const result = parse('a,b,c\n1, "x, y" ,3\n  "q"  ,"r"  , s \n');
    expect(rows(result)).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, y', '3'],
      ['q', 'r', ' s '],
    ]);
    expect(result.problems).toEqual([]);
  });

  it('keeps empty fields: quoted empty, leading, trailing', () => {
    expect(rows(parse('a,b,c\n"",,\n,x,\n'))).toEqual([
      ['a', 'b', 'c'],
      ['', '', ''],
      ['', 'x', ''],
    ]);
  });

  it('accepts CRLF, LF and lone CR line ends, and a last line without one', () => {
    const result = parse('a,b\r\n1,2\n3,4\r5,6');
    expect(rows(result)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
      ['5', '6'],
    ]);
    expect(lines(result)).toEqual([1, 2, 3, 4]);
  });

  it('skips blank lines but still counts them', () => {
    const result = parse('a,b\n\n1,2\r\n\r\n3,4\n');
    expect(rows(result)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(lines(result)).toEqual([1, 3, 5]);
  });

  it('numbers records after a multi-line quoted field by physical line', () => {
    const result = parse('h1,h2\n1,"one\ntwo\r\nthree\rfour"\n2,x\n3,y\n');
    expect(lines(result)).toEqual([1, 2, 6, 7]);
    expect(result.records[1]?.fields[1]).toBe('one\ntwo\r\nthree\rfour');
  });

  it('drops a BOM and keeps unicode intact', () => {
    const result = parse('\uFEFFname,city\nJosé,São Paulo\n李,東京\nemoji,🎉\n');
    expect(rows(result)).toEqual([
      ['name', 'city'],
      ['José', 'São Paulo'],
      ['李', '東京'],
      ['emoji', '🎉'],
    ]);
  });

  it('gives the same records and problems for every chunk size from 1 to 7 bytes', () => {
    const whole = parse(TRICKY);
    expect(rows(whole)).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Müller, Anna', 'said "hi"\r\nthen left'],
      ['2', '東京', '🎉 party'],
      ['3', '', 'x"y'],
      ['4', 'a""b', 'Grüße'],
      ['5', 'plain', 'end'],
    ]);
    expect(lines(whole)).toEqual([1, 2, 4, 5, 7, 8]);
    expect(whole.problems).toEqual([{ line: 5, message: 'stray quote in unquoted field 3' }]);
    for (let size = 1; size <= 7; size++) {
      expect(parse(TRICKY, {}, size), `chunks of ${size} bytes`).toEqual(whole);
    }
  });

  it('gives the same result wherever the input is cut in two', () => {
    const bytes = encoder.encode(TRICKY);
    const whole = parse(bytes);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const result = parseCsvChunks([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(result, `cut at byte ${cut}`).toEqual(whole);
    }
  });
});

describe('CsvParser delimiter', () => {
  it.each([
    [',', 'a,b,c\n1,2,3\n'],
    [';', 'a;b;c\n"1,5";2;3\n4;5;6\n'],
    ['\t', 'a\tb\tc\n1,5\t2\t3\n'],
    ['|', 'a|b|c\n1|2|3\n'],
  ])('detects %j', (delimiter, input) => {
    const result = parse(input);
    expect(result.delimiter).toBe(delimiter);
    expect(result.records[0]?.fields).toEqual(['a', 'b', 'c']);
  });

  it('detects from lines split over many chunks', () => {
    const input = 'a;b;c\n' + '1;2;3\n'.repeat(50);
    expect(parse(input, {}, 3).delimiter).toBe(';');
  });

  it('uses a given delimiter instead of detecting', () => {
    expect(rows(parse('a;b,c\n1;2,3\n', { delimiter: ',' }))).toEqual([
      ['a;b', 'c'],
      ['1;2', '3'],
    ]);
  });

  it('reads an empty input as no records', () => {
    expect(parse('')).toEqual({ delimiter: ',', records: [], problems: [] });
  });
});

describe('CsvParser malformed input', () => {
  it('keeps a stray quote in an unquoted field and reports it', () => {
    const result = parse('a,b\n1,5" screen\n2,ok\n');
    expect(rows(result)[1]).toEqual(['1', '5" screen']);
    expect(result.problems).toEqual([{ line: 2, message: 'stray quote in unquoted field 2' }]);
  });

  it('keeps text after a closing quote and reports it', () => {
    const result = parse('a,b\n"x"y,2\n');
    expect(rows(result)[1]).toEqual(['xy', '2']);
    expect(result.problems).toEqual([
      { line: 2, message: 'unexpected text after a closing quote in field 1' },
    ]);
  });

  it('reports an unterminated quote at the end with its line and resyncs on the next line', () => {
    const result = parse('a,b\n1,2\n3,"open\n4,5\n6,7\n');
    expect(result.problems).toEqual([
      { line: 3, message: 'unterminated quote starting at line 3' },
    ]);
    expect(rows(result)).toEqual([
      ['a', 'b'],
      ['1', '2'],
      ['4', '5'],
      ['6', '7'],
    ]);
    expect(lines(result)).toEqual([1, 2, 4, 5]);
  });

  it('says which line an unterminated quote opened on when the record began earlier', () => {
    const result = parse('a,b\n"x\ny","z\nq\n1,2');
    expect(result.problems).toEqual([
      { line: 2, message: 'unterminated quote starting at line 3' },
    ]);
    expect(result.records.at(-2)).toEqual({ fields: ['q'], line: 4 });
    expect(result.records.at(-1)).toEqual({ fields: ['1', '2'], line: 5 });
  });

  it('gives up an unclosed quote at the record cap instead of reading on to the end', () => {
    const body = Array.from({ length: 40 }, (_, i) => `${i},row`).join('\n');
    for (const chunk of [0, 5]) {
      const result = parse(`a,b\n1,"never closed\n${body}\n`, { maxRecordBytes: 100 }, chunk);
      expect(result.problems).toEqual([
        {
          line: 2,
          message: 'unterminated quote starting at line 2 (no closing quote within 100 bytes)',
        },
      ]);
      expect(result.records).toHaveLength(41);
      expect(result.records.at(-1)).toEqual({ fields: ['39', 'row'], line: 42 });
    }
  });

  it('skips a record longer than the cap and carries on at the next line', () => {
    const long = 'x'.repeat(500);
    for (const chunk of [0, 7, 64]) {
      const result = parse(
        `a,b\n1,${long}\n2,ok\r\n3,"${long}"\n4,ok`,
        { maxRecordBytes: 100 },
        chunk,
      );
      expect(result.problems, `chunks of ${chunk}`).toEqual([
        { line: 2, message: 'record longer than 100 bytes skipped' },
        { line: 4, message: 'record longer than 100 bytes skipped' },
      ]);
      expect(result.records).toEqual([
        { fields: ['a', 'b'], line: 1 },
        { fields: ['2', 'ok'], line: 3 },
        { fields: ['4', 'ok'], line: 5 },
      ]);
    }
  });

  it('reports an over-long line while streaming, without holding the rest of it', () => {
    const problems: CsvProblem[] = [];
    const records: string[][] = [];
    const parser = new CsvParser({
      onRecord: (record) => records.push(record.toArray()),
      onProblem: (line, message) => problems.push({ line, message }),
    });
    parser.push(encoder.encode('a,b\n1,'));
    const block = encoder.encode('y'.repeat(64 * 1024));
    for (let i = 0; i < 48; i++) parser.push(block); // 3 MiB, cap 1 MiB
    expect(problems).toEqual([{ line: 2, message: 'record longer than 1048576 bytes skipped' }]);
    parser.push(encoder.encode('yyy\n2,ok\n'));
    parser.end();
    expect(records).toEqual([
      ['a', 'b'],
      ['2', 'ok'],
    ]);
  });

  it('reports a quote left open while streaming, at the cap', () => {
    const problems: CsvProblem[] = [];
    const parser = new CsvParser(
      { onRecord: () => undefined, onProblem: (line, message) => problems.push({ line, message }) },
      { maxRecordBytes: 64 * 1024 },
    );
    parser.push(encoder.encode('a,b\n1,"open'));
    const block = encoder.encode('z'.repeat(16 * 1024));
    for (let i = 0; i < 10; i++) parser.push(block);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.message).toMatch(/^unterminated quote starting at line 2/);
  });
});
