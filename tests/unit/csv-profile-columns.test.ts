import { describe, expect, it } from 'vitest';
import { column, run } from './csv-fixtures';

describe('profileCsv columns', () => {
  const input =
    'int,num,bool,date,text,empty,mixed\n' +
    '1,1.5,true,2024-01-05,apple,,1\n' +
    '-20,2,FALSE,2024-01-05T10:00:00Z,Banana split,NULL,x\n' +
    '300,-3e2,True,2023-12-31 23:59,kiwi,N/A,2\n' +
    ' 7 ,.25,false,2024-02-29T08:00:00+09:00,apple,NA,\n' +
    'null,,,,,null,3\n';

  it('infers the narrowest type that fits every non-null value', async () => {
    const { summary } = await run(input);
    expect(summary.columns.map((c) => [c.name, c.inferredType])).toEqual([
      ['int', 'integer'],
      ['num', 'number'],
      ['bool', 'boolean'],
      ['date', 'date'],
      ['text', 'string'],
      ['empty', 'empty'],
      ['mixed', 'string'],
    ]);
  });

  it('counts nulls and non-null values', async () => {
    const { summary } = await run(input);
    expect(summary.columns.map((c) => [c.nulls, c.nonNull])).toEqual([
      [1, 4],
      [1, 4],
      [1, 4],
      [1, 4],
      [1, 4],
      [5, 0],
      [1, 4],
    ]);
  });

  it('gives numeric min, max and mean', async () => {
    const { summary } = await run(input);
    expect(column(summary, 'int')).toMatchObject({ min: -20, max: 300, mean: 72 });
    expect(column(summary, 'num')).toMatchObject({
      min: -300,
      max: 2,
      mean: (1.5 + 2 - 300 + 0.25) / 4,
    });
  });

  it('gives date min and max by instant, as written', async () => {
    const { summary } = await run(input);
    // 2024-02-29T08:00+09:00 is 2024-02-28T23:00Z, still the latest.
    expect(column(summary, 'date')).toMatchObject({
      min: '2023-12-31 23:59',
      max: '2024-02-29T08:00:00+09:00',
      mean: null,
    });
    // Text order would say the opposite: 01:00+02:00 on 1 March is 23:00Z on 29 February.
    const zones = await run('t\n2024-03-01T01:00:00+02:00\n2024-02-29T23:30:00Z\n');
    expect(zones.summary.columns[0]).toMatchObject({
      min: '2024-03-01T01:00:00+02:00',
      max: '2024-02-29T23:30:00Z',
    });
  });

  it('gives string lengths and distinct counts', async () => {
    const { summary } = await run(input);
    expect(column(summary, 'text')).toMatchObject({
      minLength: 4,
      maxLength: 12,
      distinctEstimate: 3,
      min: null,
      max: null,
      mean: null,
    });
    expect(column(summary, 'bool').distinctEstimate).toBe(4); // true, FALSE, True, false
    expect(column(summary, 'empty')).toMatchObject({ minLength: null, distinctEstimate: 0 });
  });

  it('rejects impossible dates and odd numbers', async () => {
    const { summary } = await run(
      'd1,d2,n1,n2,n3\n2023-02-29,2024-13-01,1e,1.2.3,+\n2024-01-01,2024-01-01,2,2,2\n',
    );
    expect(summary.columns.map((c) => c.inferredType)).toEqual([
      'string',
      'string',
      'string',
      'string',
      'string',
    ]);
  });
});
