import { describe, expect, it } from 'vitest';
import { parseCsvChunks } from '@/lib/files/csv-parser';
import { nameColumns, profileCsv, type CsvProfileOptions } from '@/lib/files/csv-profile';
import { encoder, run, source } from './csv-fixtures';

describe('profileCsv cleaned output', () => {
  it('writes comma-separated, trimmed, minimally quoted rows with LF line ends', async () => {
    const input =
      '\uFEFFname ; note ;city\r\n' +
      ' Anna ;"said ""hi"", left";  Köln \r\n' +
      'Ben;"two\r\nlines";東京\r\n' +
      '"Chloé";plain;"a,b"\r\n';
    const { cleaned, summary } = await run(input);
    expect(summary.delimiter).toBe(';');
    expect(cleaned).toBe(
      'name,note,city\n' +
        'Anna,"said ""hi"", left",Köln\n' +
        'Ben,"two\r\nlines",東京\n' +
        'Chloé,plain,"a,b"\n',
    );
  });

  it('drops quotes a comma-separated input did not need and keeps the ones it did', async () => {
    const input = 'a,b,c\n"abc","a,b",""\n"q""q","x\ny",plain\n"1",2,"3"\n"ok",",", "pad"\n';
    const expected = 'a,b,c\nabc,"a,b",\n"q""q","x\ny",plain\n1,2,3\nok,",",pad\n';
    for (const chunk of [0, 1, 2, 3, 5]) {
      expect((await run(input, {}, chunk)).cleaned, `chunks of ${chunk}`).toBe(expected);
    }
  });

  it('rewrites other delimiters and CRLF, quoting fields that hold a comma', async () => {
    const input = 'a;b;c\r\n1;x,y;2\r\n3;plain;4\r\n5;"semi;colon";6\r\n7;|;8\r\n';
    const expected = 'a,b,c\n1,"x,y",2\n3,plain,4\n5,semi;colon,6\n7,|,8\n';
    expect((await run(input)).cleaned).toBe(expected);
    expect((await run(input.replaceAll(';', '\t'))).cleaned).toBe(
      expected.replace('semi;colon', 'semi\tcolon'),
    );
  });

  it('re-parses to the same valid rows, malformed ones left out', async () => {
    const input =
      'id,text,n\n' +
      '1,"x, ""y""",3\n' +
      '2,too,many,fields\n' +
      '3,  spaced  ,4\r\n' +
      '4,"multi\nline",5\n' +
      '5,short\n' +
      '6,ünïcödé,7';
    const { cleaned, summary } = await run(input);
    const original = parseCsvChunks([encoder.encode(input)]).records.map((r) =>
      r.fields.map((f) => f.trim()),
    );
    const valid = original.filter((fields) => fields.length === 3);
    const reparsed = parseCsvChunks([encoder.encode(cleaned)]);
    expect(reparsed.problems).toEqual([]);
    expect(reparsed.records.map((r) => r.fields)).toEqual(valid);
    expect(summary.validRows).toBe(4);
    expect(summary.invalidRows).toBe(2);
  });

  it('gives the same output and summary for any chunking', async () => {
    const input = 'a,b\r\n1,"x\r\ny"\r\n2,Grüße 🎉\r\n3,"q""q"\r\n4\r\n5,6\r7,8';
    const whole = await run(input);
    expect(whole.cleaned).toBe('a,b\n1,"x\r\ny"\n2,Grüße 🎉\n3,"q""q"\n5,6\n7,8\n');
    for (let size = 1; size <= 7; size++) {
      const result = await run(input, {}, size);
      expect(result.cleaned, `chunks of ${size}`).toBe(whole.cleaned);
      expect(result.summary, `chunks of ${size}`).toEqual(whole.summary);
    }
  });

  it('hands out the output in chunks of about 64 KiB, not per row', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `${i},name ${i},${i * 1.5}`).join('\n');
    const { chunks, cleaned } = await run(`id,name,value\n${rows}\n`, {}, 4096);
    expect(cleaned.length).toBeGreaterThan(400_000);
    expect(chunks.length).toBeLessThan(12);
    for (const piece of chunks.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(64 * 1024);
  });
});

describe('profileCsv header', () => {
  it('names blank and repeated columns', async () => {
    const { summary, cleaned } = await run('id,,name,name, ,id\n1,2,3,4,5,6\n');
    expect(summary.header).toEqual(['id', 'column_2', 'name', 'name_2', 'column_5', 'id_2']);
    expect(cleaned.split('\n')[0]).toBe('id,column_2,name,name_2,column_5,id_2');
  });

  it('does not hand out a generated name the file uses itself', () => {
    expect(nameColumns(['a', 'a', 'a_2'])).toEqual(['a', 'a_3', 'a_2']);
    expect(nameColumns(['column_2', ''])).toEqual(['column_2', 'column_2_2']);
  });
});

describe('profileCsv problems', () => {
  it('reports wrong field counts and parse problems with physical line numbers', async () => {
    const input =
      'a,b,c\n' +
      '1,"two\nlines",3\n' +
      '4,5\n' +
      '6,7,8,9\n' +
      '10,1"1,12\n' +
      '13,"open,15\n' +
      '16,17,18\n';
    const { summary, cleaned } = await run(input);
    expect(summary.problems).toEqual([
      { line: 4, message: 'expected 3 fields, found 2' },
      { line: 5, message: 'expected 3 fields, found 4' },
      { line: 6, message: 'stray quote in unquoted field 2' },
      { line: 7, message: 'unterminated quote starting at line 7' },
    ]);
    expect(summary).toMatchObject({ rows: 6, validRows: 3, invalidRows: 3, problemCount: 4 });
    expect(cleaned).toBe('a,b,c\n1,"two\nlines",3\n10,"1""1",12\n16,17,18\n');
  });

  it('counts every problem but keeps only the first maxProblems', async () => {
    const bad = Array.from({ length: 10 }, (_, i) => `${i}`).join('\n');
    const { summary } = await run(`a,b\n${bad}\n1,2\n`, { maxProblems: 3 });
    expect(summary.problemCount).toBe(10);
    expect(summary.problems.map((p) => p.line)).toEqual([2, 3, 4]);
    expect(summary.validRows).toBe(1);
  });

  it('leaves a record over the cap out of the cleaned file', async () => {
    const { summary, cleaned } = await run(`a,b\n1,${'x'.repeat(300)}\n2,ok\n`, {
      maxRecordBytes: 100,
    });
    expect(summary.problems).toEqual([
      { line: 2, message: 'record longer than 100 bytes skipped' },
    ]);
    expect(summary).toMatchObject({ rows: 2, validRows: 1, invalidRows: 1 });
    expect(cleaned).toBe('a,b\n2,ok\n');
  });
});

describe('profileCsv summary', () => {
  it('summarises an empty input without error', async () => {
    const { summary, chunks } = await run('');
    expect(chunks).toEqual([]);
    expect(summary).toEqual({
      delimiter: ',',
      header: [],
      columns: [],
      rows: 0,
      validRows: 0,
      invalidRows: 0,
      problemCount: 0,
      problems: [],
      bytes: 0,
      sample: [],
    });
  });

  it('summarises a header-only file as empty columns', async () => {
    const { summary, cleaned } = await run('x,y\n');
    expect(cleaned).toBe('x,y\n');
    expect(summary.columns.map((c) => c.inferredType)).toEqual(['empty', 'empty']);
    expect(summary.rows).toBe(0);
  });

  it('keeps the first sampleRows cleaned rows, unicode intact', async () => {
    const rows = ['Zoë,  Köln ', '"Li, Wei",東京', 'Ana,São Paulo', 'Ben,Oslo'];
    const { summary } = await run(`name,city\n${rows.join('\n')}\n`, { sampleRows: 3 });
    expect(summary.sample).toEqual([
      ['Zoë', 'Köln'],
      ['Li, Wei', '東京'],
      ['Ana', 'São Paulo'],
    ]);
    expect(summary.bytes).toBe(encoder.encode(`name,city\n${rows.join('\n')}\n`).length);
  });

  it('refuses to give the summary before the output has been read', () => {
    const profile = profileCsv(source('a\n1\n'));
    expect(() => profile.summary()).toThrow(/before the cleaned output ended/);
  });
});

describe('profileCsv progress and cancellation', () => {
  const big = `id,v\n${Array.from({ length: 100_000 }, (_, i) => `${i},${i % 7}`).join('\n')}\n`;

  it('reports progress by input size, not per row', async () => {
    const seen: { bytesRead: number; rows: number }[] = [];
    await run(big, { onProgress: (p) => seen.push(p) }, 16 * 1024);
    const bytes = encoder.encode(big).length;
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(bytes / (64 * 1024)) + 1);
    expect(seen.at(-1)).toEqual({ bytesRead: bytes, rows: 100_000 });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytesRead).toBeGreaterThan(seen[i - 1]!.bytesRead);
    }
  });

  it('throws the abort reason when the signal fires mid-file', async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled by user');
    const options: CsvProfileOptions = {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytesRead > 100_000) controller.abort(reason);
      },
    };
    await expect(run(big, options, 8 * 1024)).rejects.toBe(reason);
  });

  it('throws at once for a signal aborted before the start', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    await expect(run('a\n1\n', { signal: controller.signal })).rejects.toThrow('too late');
  });
});
