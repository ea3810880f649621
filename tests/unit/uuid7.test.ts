import { describe, expect, it } from 'vitest';
import { uuid7, uuid7From } from '@/lib/uuid7';

const FORMAT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function hexOf(id: string): string {
  return id.replaceAll('-', '');
}

function timestampOf(id: string): number {
  return Number.parseInt(hexOf(id).slice(0, 12), 16);
}

function byteAt(id: string, index: number): number {
  return Number.parseInt(hexOf(id).slice(index * 2, index * 2 + 2), 16);
}

describe('uuid7', () => {
  it('has the canonical 8-4-4-4-12 lowercase hex format', () => {
    for (let i = 0; i < 50; i += 1) {
      const id = uuid7();
      expect(id).toHaveLength(36);
      expect(id).toMatch(FORMAT);
    }
  });

  it('sets the version nibble to 7', () => {
    for (let i = 0; i < 200; i += 1) {
      const id = uuid7();
      expect(id[14]).toBe('7');
      expect(byteAt(id, 6) >> 4).toBe(0x7);
    }
  });

  it('sets the RFC 9562 variant bits to 10', () => {
    for (let i = 0; i < 200; i += 1) {
      const id = uuid7();
      expect(byteAt(id, 8) >> 6).toBe(0b10);
      expect(['8', '9', 'a', 'b']).toContain(id[19]);
    }
  });

  it('matches the RFC 9562 v7 layout as a whole', () => {
    const rfcV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    expect(uuid7(0)).toMatch(rfcV7);
    expect(uuid7(2 ** 48 - 1)).toMatch(rfcV7);
  });

  it('embeds the given unix millisecond timestamp in the first 48 bits', () => {
    for (const now of [
      0,
      1,
      1_700_000_000_000,
      Date.UTC(2026, 0, 31, 12, 34, 56, 789),
      2 ** 48 - 1,
    ]) {
      expect(timestampOf(uuid7(now))).toBe(now);
    }
  });

  it('encodes the timestamp big-endian (the RFC 9562 test vector time)', () => {
    // RFC 9562 appendix A.6: 2022-02-22 19:22:22 UTC is unix_ts_ms 0x017F22E279B0.
    const id = uuid7(0x017f22e279b0);
    expect(id.slice(0, 13)).toBe('017f22e2-79b0');
  });

  it('uses the current time by default', () => {
    const before = Date.now();
    const id = uuid7();
    const after = Date.now();
    const embedded = timestampOf(id);
    expect(embedded).toBeGreaterThanOrEqual(before);
    expect(embedded).toBeLessThanOrEqual(after);
  });

  it('fills the rest with random bits, so ids made in the same millisecond differ', () => {
    const now = 1_700_000_000_000;
    const ids = new Set(Array.from({ length: 1000 }, () => uuid7(now)));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(timestampOf(id)).toBe(now);
  });

  it('sorts as strings in the order of their timestamps', () => {
    const times = [
      0,
      1,
      255,
      256,
      65_535,
      65_536,
      1_600_000_000_000,
      1_700_000_000_000,
      1_700_000_000_001,
      1_700_000_001_000,
      Date.UTC(2100, 0, 1),
      2 ** 48 - 1,
    ];
    // Several ids per timestamp, so random tails cannot make the order hold by luck.
    const ids = times.flatMap((time) =>
      Array.from({ length: 5 }, () => ({ time, id: uuid7(time) })),
    );
    const sorted = [...ids].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    expect(sorted.map((entry) => entry.time)).toEqual(ids.map((entry) => entry.time));
  });

  it('keeps increasing across consecutive milliseconds', () => {
    let previous = uuid7(1_700_000_000_000);
    for (let t = 1_700_000_000_001; t < 1_700_000_000_500; t += 1) {
      const next = uuid7(t);
      expect(next > previous).toBe(true);
      previous = next;
    }
  });

  it('increases strictly within one millisecond, so rows made in a burst keep their order', () => {
    const now = 1_750_000_000_000;
    const ids = Array.from({ length: 2000 }, () => uuid7(now));
    for (let i = 1; i < ids.length; i += 1) expect((ids[i] ?? '') > (ids[i - 1] ?? '')).toBe(true);
  });
});

describe('uuid7From', () => {
  const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('gives the same id for the same time and seed, a valid UUIDv7 carrying the time', () => {
    const ms = Date.UTC(2026, 10, 21, 3, 0, 0);
    const id = uuid7From(ms, 'schedule-a');
    expect(id).toMatch(UUID7);
    expect(uuid7From(ms, 'schedule-a')).toBe(id);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(ms);
  });

  it('differs by seed and by time', () => {
    const ms = Date.UTC(2026, 10, 21, 3, 0, 0);
    const ids = new Set([
      uuid7From(ms, 'schedule-a'),
      uuid7From(ms, 'schedule-b'),
      uuid7From(ms + 1, 'schedule-a'),
    ]);
    expect(ids.size).toBe(3);
  });
});
