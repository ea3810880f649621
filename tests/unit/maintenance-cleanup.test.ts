import { describe, expect, it } from 'vitest';
import { formatBytes } from '@/lib/format-bytes';
import { cleanupPayloadSchema } from '@/server/tasks/types/maintenance-cleanup';

describe('formatBytes', () => {
  it('reads like the progress messages say', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1.2 * 1024 ** 3)).toBe('1.2 GiB');
    expect(formatBytes(5 * 1024 ** 5)).toBe('5120 TiB');
  });
});

describe('cleanupPayloadSchema', () => {
  it('takes an optional whole number of days from 1 to 3650', () => {
    expect(cleanupPayloadSchema.parse({})).toEqual({});
    expect(cleanupPayloadSchema.parse({ olderThanDays: 30 })).toEqual({ olderThanDays: 30 });
    for (const bad of [0, 3651, 1.5, '30']) {
      expect(cleanupPayloadSchema.safeParse({ olderThanDays: bad }).success).toBe(false);
    }
    expect(cleanupPayloadSchema.safeParse({ olderThanDays: 30, dryRun: true }).success).toBe(false);
  });
});
