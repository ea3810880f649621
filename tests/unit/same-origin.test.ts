import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/env';
import { appOriginsOf, assertSameOriginUse, isHttpsRequest } from '@/server/security/same-origin';

// Which origin a request may come from, and when the proxy's word for it counts.

const saved = { PUBLIC_URL: process.env.PUBLIC_URL, TRUST: process.env.TRUST_PROXY_HEADERS };

function withEnv(values: { PUBLIC_URL?: string; TRUST_PROXY_HEADERS?: string }): void {
  delete process.env.PUBLIC_URL;
  delete process.env.TRUST_PROXY_HEADERS;
  Object.assign(process.env, values);
  resetEnvCache();
}

afterEach(() => {
  withEnv({});
  if (saved.PUBLIC_URL !== undefined) process.env.PUBLIC_URL = saved.PUBLIC_URL;
  if (saved.TRUST !== undefined) process.env.TRUST_PROXY_HEADERS = saved.TRUST;
  resetEnvCache();
});

const proxied = new Headers({
  host: '10.0.0.5:3000',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'tasks.example.com, inner.example',
});

describe('the app origin of a request', () => {
  it('ignores forwarded headers unless they are trusted', () => {
    withEnv({});
    expect(appOriginsOf(proxied)).toEqual(['http://10.0.0.5:3000']);
    expect(isHttpsRequest(proxied)).toBe(false);
    withEnv({ TRUST_PROXY_HEADERS: 'true' });
    expect(appOriginsOf(proxied)).toEqual(['https://tasks.example.com']);
    expect(isHttpsRequest(proxied)).toBe(true);
  });

  it('always accepts PUBLIC_URL, which also says https', () => {
    withEnv({ PUBLIC_URL: 'https://tasks.example.com/app' });
    expect(appOriginsOf(new Headers({ host: '10.0.0.5:3000' }))).toEqual([
      'https://tasks.example.com',
      'http://10.0.0.5:3000',
    ]);
    expect(isHttpsRequest(new Headers())).toBe(true);
  });
});

describe('assertSameOriginUse', () => {
  const cookieWrite = (extra: Record<string, string>) => ({
    method: 'POST',
    headers: new Headers({ host: 'localhost:3000', cookie: 'a=b', ...extra }),
  });

  it('lets safe methods, API keys and cookie-less requests through whatever their origin', () => {
    withEnv({});
    const foreign = { origin: 'http://evil.test', 'content-type': 'text/plain' };
    expect(() => assertSameOriginUse({ ...cookieWrite(foreign), method: 'GET' })).not.toThrow();
    const keyed = cookieWrite({ ...foreign, authorization: 'Bearer x' });
    expect(() => assertSameOriginUse(keyed)).not.toThrow();
    const anonymous = { method: 'POST', headers: new Headers(foreign) };
    expect(() => assertSameOriginUse(anonymous)).not.toThrow();
  });

  it('refuses another origin, a spoofed forwarded host, and a text/plain body', () => {
    withEnv({});
    const refused = (extra: Record<string, string>, kind?: 'action') => {
      try {
        assertSameOriginUse(cookieWrite(extra), kind);
        return 'accepted';
      } catch (error) {
        return (error as { code: string }).code;
      }
    };
    expect(refused({ origin: 'http://localhost:3000' })).toBe('accepted');
    expect(refused({ origin: 'http://localhost:4000' })).toBe('cross_origin_refused');
    expect(refused({ origin: 'https://localhost:3000' })).toBe('cross_origin_refused');
    expect(refused({ origin: 'http://evil.test', 'x-forwarded-host': 'evil.test' })).toBe(
      'cross_origin_refused',
    );
    expect(refused({ 'sec-fetch-site': 'same-origin' })).toBe('accepted');
    expect(refused({ 'sec-fetch-site': 'same-site' })).toBe('cross_origin_refused');
    expect(refused({})).toBe('cross_origin_refused');
    const sameOrigin = { origin: 'http://localhost:3000' };
    expect(refused({ ...sameOrigin, 'content-type': 'application/json; charset=utf-8' })).toBe(
      'accepted',
    );
    expect(refused({ ...sameOrigin, 'content-type': 'text/plain' })).toBe('unsupported_media_type');
    expect(refused({ ...sameOrigin, 'content-type': 'application/x-www-form-urlencoded' })).toBe(
      'unsupported_media_type',
    );
    expect(refused({ ...sameOrigin, 'content-type': 'text/plain' }, 'action')).toBe(
      'unsupported_media_type',
    );
    expect(
      refused({ ...sameOrigin, 'content-type': 'text/plain', 'next-action': 'x' }, 'action'),
    ).toBe('accepted');
  });
});
