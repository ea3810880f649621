import { describe, expect, it } from 'vitest';
import { backoffSeconds } from '@/server/security/failure-backoff';

const policy = {
  failuresBeforeLock: 10,
  baseSeconds: 60,
  maxSeconds: 3_600,
  memorySeconds: 86_400,
};

describe('backoffSeconds', () => {
  it('locks at the n-th failure for the base, doubled each further failure', () => {
    expect(backoffSeconds(0, policy)).toBe(0);
    expect(backoffSeconds(9, policy)).toBe(0);
    expect(backoffSeconds(10, policy)).toBe(60);
    expect(backoffSeconds(11, policy)).toBe(120);
    expect(backoffSeconds(12, policy)).toBe(240);
  });

  it('stops at the cap, however many failures', () => {
    expect(backoffSeconds(16, policy)).toBe(3_600);
    expect(backoffSeconds(1_000_000, policy)).toBe(3_600);
  });
});
