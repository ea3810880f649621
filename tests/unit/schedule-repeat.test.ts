import { describe, expect, it } from 'vitest';
import {
  checkCronPattern,
  describeInterval,
  describeRepeat,
  findPreviousRun,
  isTimeZone,
  listNextRuns,
} from '@/lib/schedules/cron';
import { formatRunTime, formatTimeUntil } from '@/lib/schedules/format-run-time';
import { toRepeatDraft, toRepeatSpec } from '@/lib/schedules/repeat-draft';
import { scheduleInputSchema } from '@/lib/schedules/schedule-spec';

describe('cron patterns', () => {
  it('take 5 fields, or 6 with seconds first', () => {
    expect(checkCronPattern('0 3 * * *')).toBeNull();
    expect(checkCronPattern('*/5 * * * * *')).toBeNull();
    expect(checkCronPattern('0 6 * * MON-FRI')).toBeNull();
    expect(checkCronPattern('0 3 * *')).toBe(
      'A cron pattern has 5 fields (minute hour day month weekday) or 6 with seconds first; this one has 4.',
    );
    expect(checkCronPattern('0 0 3 * * * *')).toMatch(/this one has 7/);
  });

  it('say what is wrong with a field', () => {
    expect(checkCronPattern('61 * * * *')).toMatch(/^Not a valid cron pattern: .*61.*0-59/);
    expect(checkCronPattern('0 0 30 2 *')).toMatch(/^Not a valid cron pattern/);
    expect(checkCronPattern('a b c d e')).toMatch(/^Not a valid cron pattern/);
  });

  it('read in their time zone, across a daylight-saving change', () => {
    // Berlin leaves summer time on 2026-10-25: 03:00 local is 01:00 UTC before, 02:00 after.
    const runs = listNextRuns(
      { kind: 'cron', cron: '0 3 * * *', timezone: 'Europe/Berlin' },
      new Date('2026-10-23T12:00:00Z'),
      4,
    );
    expect(runs.map((run) => run.toISOString())).toEqual([
      '2026-10-24T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
      '2026-10-26T02:00:00.000Z',
      '2026-10-27T02:00:00.000Z',
    ]);
  });

  it('give the last due time at or before a moment', () => {
    const repeat = { kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' } as const;
    expect(findPreviousRun(repeat, new Date('2026-11-21T10:00:00Z'))?.toISOString()).toBe(
      '2026-11-21T03:00:00.000Z',
    );
    expect(findPreviousRun(repeat, new Date('2026-11-21T03:00:00Z'))?.toISOString()).toBe(
      '2026-11-21T03:00:00.000Z',
    );
    expect(findPreviousRun({ kind: 'interval', everyMs: 1_000 }, new Date())).toBeNull();
  });
});

describe('descriptions', () => {
  it('are sentences with the zone', () => {
    expect(describeRepeat({ kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' })).toBe(
      'At 03:00 (UTC)',
    );
    expect(describeRepeat({ kind: 'cron', cron: '*/3 * * * * *', timezone: 'UTC' })).toBe(
      'Every 3 seconds (UTC)',
    );
  });

  it('name intervals in their largest units', () => {
    expect(describeInterval(1_000)).toBe('Every 1 second');
    expect(describeInterval(3_000)).toBe('Every 3 seconds');
    expect(describeInterval(5_400_000)).toBe('Every 1 hour 30 minutes');
    expect(describeInterval(86_400_000 + 1_500)).toBe('Every 1 day 1 second 500 ms');
  });
});

describe('interval runs', () => {
  it('follow the run BullMQ has planned, or start now for a new schedule', () => {
    const after = new Date('2026-11-21T10:00:00Z');
    const planned = Date.parse('2026-11-21T10:00:02Z');
    expect(
      listNextRuns({ kind: 'interval', everyMs: 5_000 }, after, 3, planned).map((d) =>
        d.toISOString(),
      ),
    ).toEqual(['2026-11-21T10:00:02.000Z', '2026-11-21T10:00:07.000Z', '2026-11-21T10:00:12.000Z']);
    expect(listNextRuns({ kind: 'interval', everyMs: 5_000 }, after, 2)[0]?.toISOString()).toBe(
      '2026-11-21T10:00:00.000Z',
    );
  });
});

describe('the schedule input', () => {
  const base = {
    name: 'Nightly',
    taskType: 'maintenance.cleanup',
    repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'UTC' },
  };

  it('fills in the defaults', () => {
    expect(scheduleInputSchema.parse(base)).toEqual({
      ...base,
      payload: {},
      priority: 'normal',
      enabled: true,
      missedRunPolicy: 'run_once',
    });
  });

  it('names the field at fault', () => {
    const paths = (input: unknown) =>
      scheduleInputSchema.safeParse(input).error?.issues.map((issue) => issue.path.join('.'));
    expect(paths({ ...base, repeat: { kind: 'cron', cron: '* *', timezone: 'UTC' } })).toEqual([
      'repeat.cron',
    ]);
    expect(
      paths({ ...base, repeat: { kind: 'cron', cron: '0 3 * * *', timezone: 'Moon' } }),
    ).toEqual(['repeat.timezone']);
    expect(paths({ ...base, repeat: { kind: 'interval', everyMs: 8 * 86_400_000 } })).toEqual([
      'repeat.everyMs',
    ]);
    expect(paths({ ...base, missedRunPolicy: 'twice' })).toEqual(['missedRunPolicy']);
    expect(paths({ ...base, extra: 1 })).toEqual(['']);
  });

  it('knows IANA zones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('the form draft of "when"', () => {
  it('round-trips intervals in their largest even unit', () => {
    expect(toRepeatDraft({ kind: 'interval', everyMs: 90_000 })).toMatchObject({
      kind: 'interval',
      everyValue: '90',
      everyUnit: 'seconds',
    });
    expect(toRepeatDraft({ kind: 'interval', everyMs: 7_200_000 })).toMatchObject({
      everyValue: '2',
      everyUnit: 'hours',
    });
    const draft = toRepeatDraft({ kind: 'interval', everyMs: 7_200_000 });
    expect(toRepeatSpec(draft)).toEqual({ kind: 'interval', everyMs: 7_200_000 });
    expect(toRepeatSpec({ ...draft, everyValue: 'x' })).toBeNull();
    expect(toRepeatSpec({ ...draft, everyValue: '' })).toBeNull();
  });

  it('trims a cron pattern and its zone', () => {
    const draft = { ...toRepeatDraft(undefined), cron: ' */3 * * * * * ', timezone: ' UTC ' };
    expect(toRepeatSpec(draft)).toEqual({ kind: 'cron', cron: '*/3 * * * * *', timezone: 'UTC' });
  });
});

describe('run times', () => {
  it('show in the schedule zone and as a countdown', () => {
    expect(formatRunTime('2026-11-24T02:00:00Z', 'Europe/Berlin')).toBe(
      'Tue, 24 Nov 2026, 03:00:00',
    );
    const now = Date.parse('2026-11-21T10:00:00Z');
    expect(formatTimeUntil('2026-11-21T10:00:00Z', now)).toBe('now');
    expect(formatTimeUntil('2026-11-21T10:00:05Z', now)).toBe('in 5 s');
    expect(formatTimeUntil('2026-11-21T13:20:00Z', now)).toBe('in 3 h 20 min');
  });
});
