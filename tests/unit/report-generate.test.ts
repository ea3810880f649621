import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportPayloadSchema, type ReportPayload } from '@/server/tasks/types/report-generate';
import { reportFileName } from '@/server/tasks/types/report-generate-processor';

function issuesOf(input: unknown): Array<{ path: PropertyKey[]; message: string; code: string }> {
  const parsed = reportPayloadSchema.safeParse(input);
  if (parsed.success) throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
  return parsed.error.issues.map((issue) => ({
    path: [...issue.path],
    message: issue.message,
    code: issue.code,
  }));
}

function parsePayload(input: unknown): ReportPayload {
  const parsed = reportPayloadSchema.safeParse(input);
  if (!parsed.success) {
    throw new Error(`expected ${JSON.stringify(input)} to parse: ${parsed.error.message}`);
  }
  return parsed.data;
}

/** The date range alone, for the range rules. */
function parse(input: unknown): { from: string; to: string } {
  const { from, to } = parsePayload(input);
  return { from, to };
}

describe('reportPayloadSchema', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  describe('defaults', () => {
    it('defaults to the last 30 days ending today (UTC)', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
      expect(parse({})).toEqual({ from: '2026-02-14', to: '2026-03-15' });
    });

    it('takes today in UTC, not local time, just before and after midnight UTC', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T23:59:59.999Z'));
      expect(parse({}).to).toBe('2026-03-15');
      vi.setSystemTime(new Date('2026-03-16T00:00:00.000Z'));
      expect(parse({}).to).toBe('2026-03-16');
    });

    it('does not depend on the local time zone', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      const savedTz = process.env.TZ;
      try {
        // UTC+14 and UTC-11: the local date differs from the UTC one for most of the day.
        process.env.TZ = 'Pacific/Kiritimati';
        vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
        expect(new Date().getDate()).toBe(16);
        expect(parse({})).toEqual({ from: '2026-02-14', to: '2026-03-15' });

        process.env.TZ = 'Pacific/Pago_Pago';
        vi.setSystemTime(new Date('2026-03-15T05:00:00.000Z'));
        expect(new Date().getDate()).toBe(14);
        expect(parse({})).toEqual({ from: '2026-02-14', to: '2026-03-15' });
      } finally {
        if (savedTz === undefined) delete process.env.TZ;
        else process.env.TZ = savedTz;
      }
    });

    it('counts back 29 days across a month end and a leap day', () => {
      expect(parse({ to: '2024-03-10' })).toEqual({ from: '2024-02-10', to: '2024-03-10' });
      expect(parse({ to: '2026-01-15' })).toEqual({ from: '2025-12-17', to: '2026-01-15' });
    });

    it('counts the default from back from an explicit to', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
      expect(parse({ to: '2026-01-31' })).toEqual({ from: '2026-01-02', to: '2026-01-31' });
    });

    it('ends at today when only from is given', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
      expect(parse({ from: '2026-03-01' })).toEqual({ from: '2026-03-01', to: '2026-03-15' });
    });

    it('covers the last `days` days ending today, or ending at to', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
      expect(parse({ days: 7 })).toEqual({ from: '2026-03-09', to: '2026-03-15' });
      expect(parse({ days: 1 })).toEqual({ from: '2026-03-15', to: '2026-03-15' });
      expect(parse({ days: 7, to: '2026-03-01' })).toEqual({
        from: '2026-02-23',
        to: '2026-03-01',
      });
    });

    it('refuses days together with from, on the days field', () => {
      const issues = issuesOf({ from: '2026-03-01', days: 7 });
      expect(issues.map((issue) => issue.path)).toEqual([['days']]);
      expect(issues[0]?.message).toBe('Give from or days, not both');
    });

    it('keeps explicit dates as given', () => {
      expect(parse({ from: '2026-01-01', to: '2026-01-31' })).toEqual({
        from: '2026-01-01',
        to: '2026-01-31',
      });
    });

    it('accepts a single-day range', () => {
      expect(parse({ from: '2026-01-31', to: '2026-01-31' })).toEqual({
        from: '2026-01-31',
        to: '2026-01-31',
      });
    });
  });

  describe('range checks', () => {
    it('rejects from after to, on the from field', () => {
      const issues = issuesOf({ from: '2026-02-01', to: '2026-01-31' });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual(['from']);
      expect(issues[0]?.message).toBe('from must be on or before to');
    });

    it('rejects a from later than today when to is left out', () => {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
      const issues = issuesOf({ from: '2026-03-16' });
      expect(issues.map((issue) => issue.path)).toEqual([['from']]);
    });

    it('accepts a range of exactly 366 days', () => {
      // 2024 is a leap year: 2024-01-01 .. 2024-12-31 is 366 days inclusive.
      expect(parse({ from: '2024-01-01', to: '2024-12-31' })).toEqual({
        from: '2024-01-01',
        to: '2024-12-31',
      });
      expect(parse({ from: '2025-01-01', to: '2026-01-01' })).toEqual({
        from: '2025-01-01',
        to: '2026-01-01',
      });
    });

    it('rejects a range of 367 days, on the from field', () => {
      const issues = issuesOf({ from: '2024-01-01', to: '2025-01-01' });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.path).toEqual(['from']);
      expect(issues[0]?.message).toBe('The range may span at most 366 days');
    });

    it('rejects a range of several years', () => {
      const issues = issuesOf({ from: '2020-01-01', to: '2026-01-01' });
      expect(issues.map((issue) => issue.path)).toEqual([['from']]);
    });
  });

  describe('malformed input', () => {
    it.each([
      ['2026-1-5'],
      ['2026/01/05'],
      ['05-01-2026'],
      ['2026-01-05T00:00:00Z'],
      ['2026-13-01'],
      ['2026-02-30'],
      ['2025-02-29'],
      ['2026-01-32'],
      ['yesterday'],
      [''],
    ])('rejects from = %j with a field error on from', (from) => {
      const issues = issuesOf({ from, to: '2026-12-31' });
      expect(issues.length).toBeGreaterThan(0);
      for (const issue of issues) expect(issue.path).toEqual(['from']);
      expect(issues[0]?.message).toBe('Use a date like 2026-01-31');
    });

    it('accepts a real leap day', () => {
      expect(parse({ from: '2024-02-29', to: '2024-03-01' }).from).toBe('2024-02-29');
    });

    it('rejects a malformed to on the to field', () => {
      const issues = issuesOf({ to: '31/01/2026' });
      expect(issues.map((issue) => issue.path)).toEqual([['to']]);
    });

    it('rejects non-string dates', () => {
      expect(issuesOf({ from: 20260101 }).map((issue) => issue.path)).toEqual([['from']]);
      expect(issuesOf({ to: null }).map((issue) => issue.path)).toEqual([['to']]);
      expect(issuesOf({ to: new Date('2026-01-01') }).map((issue) => issue.path)).toEqual([['to']]);
    });

    it('rejects unknown keys', () => {
      const issues = issuesOf({ from: '2026-01-01', to: '2026-01-31', colour: 'red' });
      expect(issues).toHaveLength(1);
      expect(issues[0]?.code).toBe('unrecognized_keys');
    });

    it('rejects a payload that is not an object', () => {
      for (const input of [null, undefined, 'from=2026-01-01', 42, ['2026-01-01']]) {
        expect(reportPayloadSchema.safeParse(input).success).toBe(false);
      }
    });
  });

  describe('kind and format', () => {
    it('defaults to the activity CSV, so callers that send only dates keep their report', () => {
      expect(parsePayload({ from: '2026-01-01', to: '2026-01-31' })).toEqual({
        kind: 'activity',
        format: 'csv',
        from: '2026-01-01',
        to: '2026-01-31',
      });
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date('2026-03-15T12:00:00.000Z'));
      expect(parsePayload({})).toEqual({
        kind: 'activity',
        format: 'csv',
        from: '2026-02-14',
        to: '2026-03-15',
      });
    });

    it.each([
      ['activity', 'csv'],
      ['activity', 'pdf'],
      ['failures', 'csv'],
      ['failures', 'pdf'],
      ['durations', 'csv'],
      ['durations', 'pdf'],
    ] as const)('accepts kind %s as %s, with the range rules unchanged', (kind, format) => {
      expect(parsePayload({ kind, format, from: '2026-01-01', to: '2026-01-31' })).toEqual({
        kind,
        format,
        from: '2026-01-01',
        to: '2026-01-31',
      });
      const reversed = issuesOf({ kind, format, from: '2026-02-01', to: '2026-01-31' });
      expect(reversed.map((issue) => issue.message)).toEqual(['from must be on or before to']);
    });

    it('takes a format without a kind, and a kind without a format', () => {
      expect(parsePayload({ format: 'pdf', to: '2026-01-31' })).toMatchObject({
        kind: 'activity',
        format: 'pdf',
      });
      expect(parsePayload({ kind: 'failures', to: '2026-01-31' })).toMatchObject({
        kind: 'failures',
        format: 'csv',
      });
    });

    it('rejects an unknown kind or format on its own field', () => {
      const kind = issuesOf({ kind: 'errors', to: '2026-01-31' });
      expect(kind.map((issue) => issue.path)).toEqual([['kind']]);
      expect(kind[0]?.message).toBe('Choose activity, failures or durations');
      const format = issuesOf({ format: 'xlsx', to: '2026-01-31' });
      expect(format.map((issue) => issue.path)).toEqual([['format']]);
      expect(format[0]?.message).toBe('Choose csv or pdf');
    });

    it('rejects kinds and formats in another case or of another type', () => {
      for (const input of [
        { kind: 'Activity' },
        { format: 'PDF' },
        { kind: null },
        { format: 1 },
      ]) {
        expect(reportPayloadSchema.safeParse(input).success).toBe(false);
      }
    });

    it('names the file after kind, range and format, in ASCII', () => {
      const payload = parsePayload({
        kind: 'failures',
        format: 'pdf',
        from: '2026-01-01',
        to: '2026-01-31',
      });
      expect(reportFileName(payload)).toBe('failures-2026-01-01-to-2026-01-31.pdf');
      expect(reportFileName(parsePayload({ from: '2026-01-01', to: '2026-01-02' }))).toBe(
        'activity-2026-01-01-to-2026-01-02.csv',
      );
    });
  });
});
