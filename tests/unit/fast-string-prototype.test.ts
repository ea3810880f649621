import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { restoreFastStringPrototype } from '@/server/infra/fast-string-prototype';

// V8's own answer, through its natives syntax (enabled for this process only), rather than a
// timing: is String.prototype a fast-mode object?
setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = new Function('o', 'return %HasFastProperties(o)') as (
  o: object,
) => boolean;

describe('restoreFastStringPrototype', () => {
  it('undoes what declaring a String subclass (as ioredis does) does to String.prototype', async () => {
    // The same declaration ioredis makes when it loads (VerbatimString).
    const { VerbatimString } = (await import('ioredis/built/resp/verbatim-string.js')) as {
      VerbatimString: unknown;
    };
    expect(typeof VerbatimString).toBe('function');
    class Subclass extends String {}
    void Subclass;
    expect(hasFastProperties(String.prototype)).toBe(false);
    restoreFastStringPrototype();
    expect(hasFastProperties(String.prototype)).toBe(true);
    expect('abc'.charCodeAt(1)).toBe(98);
  });
});
