import { describe, expect, it } from 'vitest';
import {
  diagnosticsSimulate,
  USER_SIMULATE_LIMITS,
} from '@/server/tasks/types/diagnostics-simulate';
import { diagnosticsStall } from '@/server/tasks/types/diagnostics-stall';

// The limits live in the type module: its userSchema bounds what a non-admin may ask for.

const userSchema = diagnosticsSimulate.userSchema!;

function pathsOf(payload: unknown): string[] {
  const parsed = userSchema.safeParse(payload);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

describe('diagnostics.simulate for users', () => {
  it('allows up to the limits, exactly', () => {
    expect(USER_SIMULATE_LIMITS).toEqual({ steps: 1_000, totalMs: 60_000 });
    expect(pathsOf({ steps: 1_000, stepMs: 60 })).toEqual([]);
    expect(pathsOf({ steps: 1, stepMs: 60_000 })).toEqual([]);
    expect(pathsOf({})).toEqual([]); // the defaults: 10 × 200 ms
  });

  it('names the field beyond each limit', () => {
    expect(pathsOf({ steps: 1_001, stepMs: 0 })).toEqual(['steps']);
    expect(pathsOf({ steps: 300, stepMs: 201 })).toEqual(['stepMs']);
    expect(pathsOf({ steps: 301 })).toEqual(['stepMs']); // 301 × the default 200 ms
    expect(pathsOf({ steps: 100_000, stepMs: 1 })).toEqual(['steps', 'stepMs']);
  });

  it('still applies the base schema first, and admins keep its wider range', () => {
    expect(pathsOf({ steps: 0 })).toEqual(['steps']);
    expect(pathsOf({ steps: 5, extra: true })).toEqual(['']);
    expect(diagnosticsSimulate.schema.safeParse({ steps: 100_000, stepMs: 60_000 }).success).toBe(
      true,
    );
  });
});

describe('diagnostics.stall', () => {
  it('is for admins', () => {
    expect(diagnosticsStall.access).toBe('admin');
  });
});
