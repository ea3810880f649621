import { describe, expect, it } from 'vitest';
import { findTaskType } from '@/server/tasks/registry';
import { labelTaskType, summarizePayload } from '@/server/tasks/task-type';

// What the rows of the dashboard and admin pages read for each type, as before the labels moved
// into the type modules (from components/task-labels.ts): "Report" in a row, "Task report" in forms.

function rowOf(typeName: string, payload: unknown) {
  const type = findTaskType(typeName);
  if (!type) throw new Error(`no type ${typeName}`);
  return {
    label: labelTaskType(type),
    summary: summarizePayload(type, payload),
    title: type.title,
  };
}

describe('task row labels and summaries', () => {
  it.each([
    ['report.generate', 'Report', 'Task report'],
    ['file.process', 'File', 'Process a file'],
    ['email.send', 'Email', 'Email'],
    ['maintenance.cleanup', 'Retention cleanup', 'Retention cleanup'],
    ['diagnostics.simulate', 'Simulated work', 'Simulated work'],
    ['diagnostics.stall', 'Unresponsive work', 'Unresponsive work'],
  ])('%s reads "%s" in a row and "%s" in forms', (type, label, title) => {
    expect(rowOf(type, {})).toMatchObject({ label, title });
  });

  it('sums up a report by kind, format and range, old payloads as activity CSV', () => {
    const payload = { kind: 'failures', format: 'pdf', from: '2026-01-01', to: '2026-01-30' };
    expect(rowOf('report.generate', payload).summary).toBe(
      'Failures · PDF · 2026-01-01 → 2026-01-30',
    );
    expect(rowOf('report.generate', { from: '2026-01-01', to: '2026-01-02' }).summary).toBe(
      'Activity · CSV · 2026-01-01 → 2026-01-02',
    );
    expect(rowOf('report.generate', { days: 7 }).summary).toBeNull();
  });

  it('sums up a file by its name and what it turned out to be', () => {
    const payload = { file: { name: 'people.csv', label: 'CSV text' } };
    expect(rowOf('file.process', payload).summary).toBe('people.csv · CSV text');
    expect(rowOf('file.process', { file: null }).summary).toBeNull();
  });

  it('sums up simulated work by its steps', () => {
    expect(rowOf('diagnostics.simulate', { steps: 1 }).summary).toBe('1 step × 200 ms');
    expect(rowOf('diagnostics.simulate', { steps: 5, stepMs: 10 }).summary).toBe('5 steps × 10 ms');
    expect(rowOf('diagnostics.simulate', {}).summary).toBeNull();
  });

  it('says whom an email is to', () => {
    expect(rowOf('email.send', { to: 'a@example.test', subject: 's', text: '' }).summary).toBe(
      'to a@example.test',
    );
  });

  it('has nothing to say about the other types', () => {
    expect(rowOf('maintenance.cleanup', { olderThanDays: 30 }).summary).toBeNull();
    expect(rowOf('diagnostics.stall', { durationMs: 10 }).summary).toBeNull();
  });
});
