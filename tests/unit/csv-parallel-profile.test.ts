import { describe, expect, it } from 'vitest';
import { profileCsvParallel, type CsvParallelOptions } from '@/server/files/csv-parallel-profile';
import { type CsvProfileOptions } from '@/lib/files/csv-profile';
import { encoder, run, source } from './csv-fixtures';

// The parallel pipeline must give what one pass gives: the same cleaned bytes and the same
// summary, whatever the batch size (batches cut inside quoted line ends included).

async function runParallel(input: string, options: CsvParallelOptions, chunk = 0) {
  const profile = profileCsvParallel(source(input, chunk), options);
  const pieces: Buffer[] = [];
  for await (const piece of profile.cleaned) {
    pieces.push(typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece));
  }
  return { cleaned: Buffer.concat(pieces).toString('utf8'), summary: profile.summary() };
}

async function expectSameAsOnePass(
  input: string,
  batchSizes: number[],
  options: CsvProfileOptions = {},
) {
  const expected = await run(input, options);
  for (const batchBytes of batchSizes) {
    const got = await runParallel(input, { ...options, threads: 2, batchBytes }, 97);
    expect(got.cleaned, `batches of ${batchBytes}`).toBe(expected.cleaned);
    expect(got.summary, `batches of ${batchBytes}`).toEqual(expected.summary);
  }
}

/** Rows of every column type; numbers are multiples of 1/4, so sums in any order are exact. */
function makeFile(rows: number, lineEnd = '\n'): string {
  const out = ['id;name;amount;day;flag;note' + lineEnd];
  for (let i = 0; i < rows; i++) {
    const note =
      i % 17 === 0
        ? `"two${lineEnd}lines ""${i}"""`
        : i % 23 === 0
          ? 'bad"quote'
          : i % 29 === 0
            ? '\uFEFFmarked'
            : `n${i % 400}`;
    const fields = [
      i,
      i % 5 === 0 ? ' Zoë ' : `name ${i}`,
      (i % 1000) / 4,
      `2026-03-${String((i % 28) + 1).padStart(2, '0')}`,
      i % 3 === 0,
      note,
    ];
    if (i % 101 === 0) fields.push('extra');
    out.push(fields.join(';') + lineEnd);
  }
  return out.join('');
}

describe('profileCsvParallel', () => {
  it('gives the one-pass output and summary for any batch size', { timeout: 60_000 }, async () => {
    const input = makeFile(3_000);
    await expectSameAsOnePass(input, [64, 1000, 4096, 65_536, 1 << 20]);
  });

  it('does so with CRLF line ends and a byte order mark', { timeout: 30_000 }, async () => {
    await expectSameAsOnePass('\uFEFF' + makeFile(800, '\r\n'), [100, 2048]);
  });

  it('keeps file order for problems and sample rows, and their line numbers', async () => {
    const input =
      'a,b\n1,2\n3\n"x\ny",4\n5,6,7\n' +
      Array.from({ length: 200 }, (_, i) => `${i},"q""${i}"`).join('\n') +
      '\n8,"never closed\n9,10\n';
    await expectSameAsOnePass(input, [16, 40, 333], { sampleRows: 50, maxProblems: 10 });
  });

  it('handles records over the cap and unterminated quotes as one pass does', async () => {
    const long = 'x'.repeat(300);
    const input = `a,b\n1,${long}\n2,"${long}\n${long}"\n3,4\n4,"open\n5,6\n6,7\n`;
    await expectSameAsOnePass(input, [32, 128, 700], { maxRecordBytes: 200 });
  });

  it('summarises empty and header-only inputs', async () => {
    await expectSameAsOnePass('', [16]);
    await expectSameAsOnePass('a,b\n', [16]);
    await expectSameAsOnePass('a,b', [16]);
  });

  it('stops with the abort reason, and gives no summary', async () => {
    const controller = new AbortController();
    const reason = new Error('stop');
    let progressCalls = 0;
    const profile = profileCsvParallel(source(makeFile(20_000)), {
      threads: 2,
      batchBytes: 4096,
      signal: controller.signal,
      totalBytes: encoder.encode(makeFile(20_000)).byteLength,
      onProgress: () => {
        progressCalls++;
        if (progressCalls === 3) controller.abort(reason);
      },
    });
    await expect(async () => {
      for await (const piece of profile.cleaned) void piece;
    }).rejects.toBe(reason);
    expect(() => profile.summary()).toThrow(/before the cleaned output ended/);
  });
});
