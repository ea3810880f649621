import type { ActionExpected, Caller, Expected, RouteCase } from './authorization-cases';

// The cross-origin variants of the authorization matrix, generated for every mutating REST
// route and every server action (tests/integration/authorization-matrix.test.ts): a page on
// another origin riding on the victim's cookie is refused before anything happens; an API key
// is not ambient, so the same request with one answers as it always does.

export const APP_ORIGIN = 'http://localhost';
/** Another port of the same host: the same site, so SameSite cookies do not stop it. */
export const FOREIGN_ORIGIN = 'http://localhost:4000';

export type CsrfCredential = 'victimCookie' | 'key';

export interface CsrfVariant {
  name: string;
  credential: CsrfCredential;
  /** Origin and Sec-Fetch-Site as the browser sends them; null leaves the header out. */
  origin: string | null;
  fetchSite: string | null;
  /** Send the body as text/plain, which a cross-origin form can post without a preflight. */
  textPlain?: boolean;
  /** Server actions only: the Next-Action header React's client adds. */
  nextAction?: boolean;
  /** What the request must get: a fixed status, or what that caller gets in the matrix. */
  expect: number | 'as-victim' | 'as-key';
}

export const ROUTE_VARIANTS: CsrfVariant[] = [
  {
    name: 'cookie, foreign Origin',
    credential: 'victimCookie',
    origin: FOREIGN_ORIGIN,
    fetchSite: 'same-site',
    expect: 403,
  },
  {
    name: 'cookie, Origin null',
    credential: 'victimCookie',
    origin: 'null',
    fetchSite: 'cross-site',
    expect: 403,
  },
  {
    name: 'cookie, no Origin, same-site fetch',
    credential: 'victimCookie',
    origin: null,
    fetchSite: 'same-site',
    expect: 403,
  },
  {
    name: 'cookie, neither Origin nor Sec-Fetch-Site',
    credential: 'victimCookie',
    origin: null,
    fetchSite: null,
    expect: 403,
  },
  {
    name: 'cookie, same origin, text/plain body',
    credential: 'victimCookie',
    origin: APP_ORIGIN,
    fetchSite: 'same-origin',
    textPlain: true,
    expect: 415,
  },
  {
    name: 'cookie, no Origin, same-origin fetch',
    credential: 'victimCookie',
    origin: null,
    fetchSite: 'same-origin',
    expect: 'as-victim',
  },
  {
    name: 'API key, foreign Origin',
    credential: 'key',
    origin: FOREIGN_ORIGIN,
    fetchSite: 'cross-site',
    expect: 'as-key',
  },
];

export const ACTION_VARIANTS: CsrfVariant[] = [
  {
    name: 'cookie, foreign Origin',
    credential: 'victimCookie',
    origin: FOREIGN_ORIGIN,
    fetchSite: 'same-site',
    nextAction: true,
    expect: 403,
  },
  {
    name: 'cookie, no Origin, cross-site',
    credential: 'victimCookie',
    origin: null,
    fetchSite: 'cross-site',
    nextAction: true,
    expect: 403,
  },
  {
    name: 'cookie, text/plain form without Next-Action',
    credential: 'victimCookie',
    origin: APP_ORIGIN,
    fetchSite: 'same-origin',
    textPlain: true,
    expect: 415,
  },
  {
    name: 'cookie, same origin, as React sends it',
    credential: 'victimCookie',
    origin: APP_ORIGIN,
    fetchSite: 'same-origin',
    textPlain: true,
    nextAction: true,
    expect: 'as-victim',
  },
  {
    name: 'API key, foreign Origin',
    credential: 'key',
    origin: FOREIGN_ORIGIN,
    fetchSite: 'cross-site',
    nextAction: true,
    expect: 'as-key',
  },
];

export function isMutating(routeCase: RouteCase): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(routeCase.method);
}

/** The signed-in caller the attack targets: one the route or action lets through, if any. */
export function victimOf(expected: Expected | ActionExpected): Caller {
  const allowed = (value: number | 'ok') => value === 'ok' || (value >= 200 && value < 300);
  return allowed(expected.userA) ? 'userA' : 'admin';
}

/** The headers of a variant, on top of the caller's credentials. */
export function applyVariant(headers: Headers, variant: CsrfVariant): void {
  headers.set('host', new URL(APP_ORIGIN).host);
  headers.delete('origin');
  if (variant.origin !== null) headers.set('origin', variant.origin);
  if (variant.fetchSite !== null) headers.set('sec-fetch-site', variant.fetchSite);
  if (variant.textPlain) headers.set('content-type', 'text/plain;charset=UTF-8');
  if (variant.nextAction) headers.set('next-action', 'matrix');
}
