import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { toWebHeaders } from '@/server/http/node-headers';
import { isHttpsRequest } from './same-origin';

// The headers every answer of the web process carries, set before Next or our own endpoints
// write theirs. Next only adds a header a response does not have yet
// (node_modules/next/dist/server/send-response.js), so these win; our direct endpoints write
// theirs with writeHead, which replaces a header of the same name.

/** Paths that are not pages: answered by route handlers, our endpoints, or Next's assets. */
export function isPagePath(path: string): boolean {
  return !path.startsWith('/api/') && !path.startsWith('/_next/');
}

/**
 * The pages' policy. Scripts need this response's nonce (Next puts it on every script it
 * emits, read from the request's CSP header), and scripts they load inherit it
 * ('strict-dynamic'); nothing inline without it runs. Styles allow inline attributes: React
 * renders a few `style` attributes (a progress bar's width), which cannot carry a nonce.
 */
export function pagePolicy(nonce: string, options: { dev: boolean; https: boolean }): string {
  return [
    "default-src 'self'",
    // Next's development runtime evaluates modules; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    // Socket.IO and uploads go to this origin only ('self' covers ws: and wss: of it).
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Nothing an API answer opened as a page could run or embed. */
const API_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** On every answer, Socket.IO's polling answers included. */
export const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'cross-origin-opener-policy': 'same-origin',
};

const HSTS = 'max-age=31536000';

/** Adds Secure to every cookie this response sets: the client reached us over TLS. */
function secureCookiesOf(res: ServerResponse): void {
  const secure = (value: string) => (/;\s*secure\b/i.test(value) ? value : `${value}; Secure`);
  const secureAll = (value: unknown): unknown =>
    Array.isArray(value) ? value.map((item) => secure(String(item))) : secure(String(value));
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) =>
    setHeader(name, name.toLowerCase() === 'set-cookie' ? (secureAll(value) as string[]) : value);
  const appendHeader = res.appendHeader.bind(res);
  res.appendHeader = (name, value) =>
    appendHeader(
      name,
      name.toLowerCase() === 'set-cookie' ? (secureAll(value) as string[]) : value,
    );
}

/**
 * Sets the security headers on `res` before anything else answers `req`; for a page, gives the
 * request a fresh nonce in a CSP request header, where Next reads it.
 */
export function applySecurityHeaders(
  req: IncomingMessage,
  res: ServerResponse,
  options: { dev: boolean },
): void {
  const headers = toWebHeaders(req.headers);
  const https = isHttpsRequest(headers);
  for (const [name, value] of Object.entries(COMMON_HEADERS)) res.setHeader(name, value);
  if (https) {
    res.setHeader('strict-transport-security', HSTS);
    secureCookiesOf(res);
  }
  const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
  if (path.startsWith('/api/')) {
    res.setHeader('content-security-policy', API_POLICY);
  } else if (isPagePath(path)) {
    const policy = pagePolicy(randomBytes(16).toString('base64'), { dev: options.dev, https });
    req.headers['content-security-policy'] = policy;
    res.setHeader('content-security-policy', policy);
    return;
  }
  delete req.headers['content-security-policy']; // a nonce is ours to choose, never the client's
}
