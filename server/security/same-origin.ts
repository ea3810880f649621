import { AppError, UnsupportedMediaTypeError } from '@/lib/errors';
import { getEnv } from '@/lib/env';

// A session cookie is sent by the browser whoever made the page that sends the request: a page
// on another origin (another port of the same host is enough, SameSite does not tell them apart)
// could otherwise act as the signed-in user. So a state-changing request that carries a cookie
// must come from the app's own pages: its Origin is the app's, or, without an Origin, the
// browser says Sec-Fetch-Site same-origin (or none: typed by the user). Its body must be one a
// cross-origin form cannot send without a CORS preflight (JSON), or multipart, which only our
// upload and action forms use and which the origin check already covers. API keys are not
// ambient (a page cannot make the browser add Authorization), so they are unaffected.

export class CrossOriginRefusedError extends AppError {
  readonly status = 403;
  readonly code = 'cross_origin_refused';
  readonly title = 'Cross-origin request refused';
  constructor(
    message = 'A signed-in request must come from this app’s own pages. Integrations use an API key.',
  ) {
    super(message);
    this.name = 'CrossOriginRefusedError';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface OriginCheckedRequest {
  method: string;
  headers: Headers;
  /** The request's URL, for its host when there is no Host header (a request built in-process). */
  url?: string;
}

/** The first value of a proxy header that may carry a list (`a, b`). */
function firstValue(value: string | null): string | null {
  const first = value?.split(',')[0]?.trim();
  return first ? first : null;
}

/** http or https, as the client reached us (the proxy's word only when it is trusted). */
export function requestSchemeOf(headers: Headers): 'http' | 'https' {
  if (getEnv().TRUST_PROXY_HEADERS) {
    const forwarded = firstValue(headers.get('x-forwarded-proto'))?.toLowerCase();
    if (forwarded === 'https' || forwarded === 'http') return forwarded;
  }
  return 'http'; // the web process itself serves plain http
}

/** Whether the client's connection is TLS: PUBLIC_URL says so, or a trusted proxy does. */
export function isHttpsRequest(headers: Headers): boolean {
  return (
    getEnv().PUBLIC_URL?.startsWith('https://') === true || requestSchemeOf(headers) === 'https'
  );
}

/** The origins this request may come from: PUBLIC_URL's, and the one it was addressed to. */
export function appOriginsOf(headers: Headers, url?: string): string[] {
  const env = getEnv();
  const origins: string[] = [];
  if (env.PUBLIC_URL) origins.push(new URL(env.PUBLIC_URL).origin);
  const forwardedHost = env.TRUST_PROXY_HEADERS
    ? firstValue(headers.get('x-forwarded-host'))
    : null;
  const host = forwardedHost ?? headers.get('host') ?? (url ? new URL(url).host : null);
  if (host) {
    try {
      origins.push(new URL(`${requestSchemeOf(headers)}://${host}`).origin);
    } catch {
      // A Host header that is no host names no origin of ours.
    }
  }
  return origins;
}

function isSameOrigin(request: OriginCheckedRequest): boolean {
  const origin = request.headers.get('origin');
  if (origin !== null) return appOriginsOf(request.headers, request.url).includes(origin);
  const site = request.headers.get('sec-fetch-site');
  return site === 'same-origin' || site === 'none';
}

/** JSON, multipart, or no body at all. Server actions also send text/plain (see below). */
function isAcceptedContentType(request: OriginCheckedRequest, kind: 'rest' | 'action'): boolean {
  const type = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === '' || type === 'multipart/form-data') return true;
  if (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)) return true;
  // React's action client posts its encoded arguments as text/plain, always with a Next-Action
  // header, which no cross-origin page can add without a preflight that we never grant.
  return kind === 'action' && type === 'text/plain' && request.headers.has('next-action');
}

/** True when the request rides on the browser's cookie (no API key) and may change state. */
export function isCookieWrite(request: OriginCheckedRequest): boolean {
  return (
    !SAFE_METHODS.has(request.method.toUpperCase()) &&
    !request.headers.has('authorization') &&
    request.headers.has('cookie')
  );
}

/**
 * Throws unless a cookie-authenticated write comes from the app's own pages with a body type
 * a cross-origin form cannot send. Called where REST routes, uploads and server actions
 * resolve their caller, before a byte of the body is read.
 */
export function assertSameOriginUse(
  request: OriginCheckedRequest,
  kind: 'rest' | 'action' = 'rest',
): void {
  if (!isCookieWrite(request)) return;
  if (!isSameOrigin(request)) throw new CrossOriginRefusedError();
  if (!isAcceptedContentType(request, kind)) {
    throw new UnsupportedMediaTypeError(
      'A signed-in request must send JSON (application/json) or multipart/form-data.',
    );
  }
}

/**
 * For a Socket.IO handshake with a session cookie: refused when a browser tells us another
 * origin made it (a WebSocket has no CORS: any page could otherwise read the user's events).
 */
export function isForeignOriginHandshake(headers: Headers): boolean {
  return !isSameOrigin({ method: 'GET', headers });
}
