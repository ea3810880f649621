import { describe, expect, it } from 'vitest';
import { hashString, HyperLogLog } from '@/lib/files/hyperloglog';

function estimateOf(values: Iterable<string>): number {
  const hll = new HyperLogLog();
  for (const value of values) hll.add(value);
  return hll.estimate();
}

function* generate(count: number, make: (i: number) => string): Generator<string> {
  for (let i = 0; i < count; i++) yield make(i);
}

describe('hashString', () => {
  it('is deterministic and hashes a range like the same slice', () => {
    expect(hashString('hello')).toBe(hashString('hello'));
    expect(hashString('hello')).not.toBe(hashString('hellp'));
    const text = 'xx,hello,yy';
    expect(hashString(text, 3, 8)).toBe(hashString('hello'));
    expect(hashString(text, 3, 3)).toBe(hashString(''));
  });

  it('returns unsigned 32-bit integers', () => {
    for (const value of ['', 'a', 'ab', 'abc', 'Grüße', '🎉']) {
      const h = hashString(value);
      expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
    }
  });
});

describe('HyperLogLog', () => {
  it('estimates 0 for nothing', () => {
    expect(new HyperLogLog().estimate()).toBe(0);
  });

  it('counts small sets exactly, duplicates ignored', () => {
    expect(estimateOf(['a', 'b', 'a', 'c', 'b', 'a'])).toBe(3);
    expect(estimateOf(['true', 'false', 'TRUE'])).toBe(3);
    const values = [...generate(256, (i) => `v${i}`)];
    expect(estimateOf([...values, ...values, ...values])).toBe(256);
  });

  it.each([
    ['sequential numbers', (i: number) => String(i)],
    ['e-mail addresses', (i: number) => `user.${i}@example.com`],
    ['prices', (i: number) => (i / 100).toFixed(2)],
  ])('is within 3 %% at 100k distinct %s', (_name, make) => {
    const estimate = estimateOf(generate(100_000, make));
    expect(Math.abs(estimate - 100_000) / 100_000).toBeLessThan(0.03);
  });

  it('has the expected error spread over many 100k sets (standard error 1.6 %)', () => {
    // One set may land past 3 % now and then (about 1 in 16): check the spread, not luck.
    const errors: number[] = [];
    for (let set = 0; set < 12; set++) {
      const estimate = estimateOf(
        generate(100_000, (i) => `SKU-${set}-${String(i).padStart(8, '0')}`),
      );
      errors.push(Math.abs(estimate - 100_000) / 100_000);
    }
    const mean = errors.reduce((sum, e) => sum + e, 0) / errors.length;
    expect(mean).toBeLessThan(0.02);
    expect(Math.max(...errors)).toBeLessThan(0.05);
  });

  it('stays close across the small-to-large range', () => {
    for (const n of [300, 1_000, 5_000, 20_000, 250_000]) {
      const estimate = estimateOf(generate(n, (i) => `key-${i}`));
      expect(Math.abs(estimate - n) / n, `n=${n}`).toBeLessThan(0.05);
    }
  });

  it('is unmoved by repeats of values already seen', () => {
    const hll = new HyperLogLog();
    for (let i = 0; i < 10_000; i++) hll.add(`id${i}`);
    const before = hll.estimate();
    for (let i = 0; i < 10_000; i++) hll.add(`id${i % 100}`);
    expect(hll.estimate()).toBe(before);
  });

  it('merges into the estimate of the union', () => {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < 60_000; i++) a.add(`n${i}`);
    for (let i = 40_000; i < 100_000; i++) b.add(`n${i}`);
    a.merge(b);
    expect(Math.abs(a.estimate() - 100_000) / 100_000).toBeLessThan(0.03);

    const small = new HyperLogLog();
    const other = new HyperLogLog();
    small.add('x');
    other.add('x');
    other.add('y');
    small.merge(other);
    expect(small.estimate()).toBe(2);
  });
});
