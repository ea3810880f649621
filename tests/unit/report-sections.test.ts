import { describe, expect, it } from 'vitest';
import { createSectionRunner } from '@/server/reports/report-sections';

function record(total: number, signal = new AbortController().signal) {
  const progress: Array<{ progress: number; message?: string }> = [];
  const log: string[] = [];
  const runner = createSectionRunner({
    label: 'Failures',
    total,
    signal,
    reportProgress: (value, message) => progress.push({ progress: value, message }),
    log: (line) => log.push(line),
  });
  return { runner, progress, log };
}

describe('createSectionRunner', () => {
  it('announces each section, moves the bar after it, and logs what it found', async () => {
    const { runner, progress, log } = record(3);
    const reasons = await runner.run(
      'grouping by reason',
      async () => ['timeout', 'boom'],
      (found) => `${found.length} reasons`,
    );
    expect(reasons).toEqual(['timeout', 'boom']);
    await runner.run(
      'listing the latest 200',
      async () => 4,
      (n) => `listed ${n}`,
    );
    await runner.run(
      'writing the PDF',
      async () => null,
      () => 'wrote the file',
    );

    expect(progress).toEqual([
      { progress: 0, message: 'Failures: grouping by reason (1 of 3)' },
      { progress: 33, message: undefined },
      { progress: 33, message: 'Failures: listing the latest 200 (2 of 3)' },
      { progress: 66, message: undefined },
      { progress: 66, message: 'Failures: writing the PDF (3 of 3)' },
      // 100 is the runner's to report, once the task has succeeded.
      { progress: 99, message: undefined },
    ]);
    expect(log).toEqual(['Failures: 2 reasons', 'Failures: listed 4', 'Failures: wrote the file']);
  });

  it('reports steps inside a section within its share of the bar', async () => {
    const { runner, progress } = record(2);
    await runner.run(
      'reading tasks per day',
      async (step) => {
        for (let day = 1; day <= 4; day += 1) step(day / 4, `day ${day} of 4`);
      },
      () => 'read 4 days',
    );
    expect(progress.slice(1, 5)).toEqual([
      { progress: 12.375, message: 'Failures: reading tasks per day, day 1 of 4 (1 of 2)' },
      { progress: 24.75, message: 'Failures: reading tasks per day, day 2 of 4 (1 of 2)' },
      { progress: 37.125, message: 'Failures: reading tasks per day, day 3 of 4 (1 of 2)' },
      { progress: 49.5, message: 'Failures: reading tasks per day, day 4 of 4 (1 of 2)' },
    ]);
  });

  it('stops between sections and at steps once the task is cancelled', async () => {
    const controller = new AbortController();
    const { runner, log } = record(3, controller.signal);
    await runner.run(
      'grouping by reason',
      async () => 1,
      () => 'grouped',
    );
    controller.abort(new Error('cancelled'));
    let ran = false;
    await expect(
      runner.run(
        'listing the latest 200',
        async () => {
          ran = true;
        },
        () => 'listed',
      ),
    ).rejects.toThrow('cancelled');
    expect(ran).toBe(false);
    expect(log).toEqual(['Failures: grouped']);

    const midway = new AbortController();
    const second = record(1, midway.signal);
    const reading = second.runner.run(
      'reading tasks per day',
      async (step) => {
        step(0.5, 'day 1 of 2');
        midway.abort(new Error('cancelled mid-section'));
        step(1, 'day 2 of 2');
      },
      () => 'read',
    );
    await expect(reading).rejects.toThrow('cancelled mid-section');
    expect(second.log).toEqual([]);
  });
});
