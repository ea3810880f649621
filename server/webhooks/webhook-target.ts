import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { getEnv } from '@/lib/env';

// Where a webhook may be sent (SSRF). Unless WEBHOOK_ALLOW_PRIVATE_TARGETS=true a target must be
// https on a public address: a literal private address is refused, and so is a name that
// resolves to one. The check runs at registration (a clear 422) and again at every delivery,
// inside the connection's own lookup: the socket connects to the very address that was
// checked, so a name that resolves elsewhere the second time (DNS rebinding) gains nothing.

export const WEBHOOK_URL_MAX_LENGTH = 2048;

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
  ['64:ff9b::', 96], // NAT64: an IPv4 address in disguise
  ['2001:db8::', 32], // documentation
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address inside an IPv4-mapped IPv6 one (::ffff:10.0.0.1, ::ffff:a00:1), or null. */
function mappedIpv4(address: string): string | null {
  const match = /^::ffff:(.+)$/i.exec(address);
  if (!match?.[1]) return null;
  const tail = match[1];
  if (isIP(tail) === 4) return tail;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(tail);
  if (!hex?.[1] || !hex[2]) return null;
  const high = parseInt(hex[1], 16);
  const low = parseInt(hex[2], 16);
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** Whether an IP address is loopback, private, link-local, unique-local or otherwise internal. */
export function isPrivateAddress(address: string): boolean {
  const unbracketed = address.replace(/^\[|\]$/g, '');
  const family = isIP(unbracketed);
  if (family === 4) return blocked.check(unbracketed, 'ipv4');
  if (family === 6) {
    const v4 = mappedIpv4(unbracketed);
    return v4 ? blocked.check(v4, 'ipv4') : blocked.check(unbracketed, 'ipv6');
  }
  // Not an address at all: nothing to connect to, so never "public".
  return true;
}

export class WebhookTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookTargetError';
  }
}

/** The name does not resolve now: worth trying again later, unlike a refused target. */
export class UnresolvedHostError extends Error {
  constructor(host: string) {
    super(`${host} does not resolve.`);
    this.name = 'UnresolvedHostError';
  }
}

function allowPrivate(): boolean {
  return getEnv().WEBHOOK_ALLOW_PRIVATE_TARGETS;
}

/** The URL's form: http(s), no credentials, bounded; https only unless private targets are allowed. */
export function parseTargetUrl(raw: string): URL {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) {
    throw new WebhookTargetError(`At most ${WEBHOOK_URL_MAX_LENGTH} characters.`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookTargetError('Not a URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookTargetError('Use an https:// URL.');
  }
  if (url.protocol === 'http:' && !allowPrivate()) {
    throw new WebhookTargetError('Use an https:// URL.');
  }
  if (url.username || url.password) {
    throw new WebhookTargetError('Credentials in the URL are not accepted; check the signature.');
  }
  if (url.hash) throw new WebhookTargetError('A URL with a #fragment is not accepted.');
  return url;
}

function refuse(host: string, address: string): WebhookTargetError {
  return new WebhookTargetError(
    address === host
      ? `${host} is a loopback, private or link-local address.`
      : `${host} resolves to ${address}, a loopback, private or link-local address.`,
  );
}

/** Every address the name resolves to, each checked; the ones to connect to. */
async function resolveChecked(host: string): Promise<Array<{ address: string; family: number }>> {
  const literal = host.replace(/^\[|\]$/g, '');
  if (isIP(literal)) {
    if (!allowPrivate() && isPrivateAddress(literal)) throw refuse(host, literal);
    return [{ address: literal, family: isIP(literal) }];
  }
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = await dnsLookup(literal, { all: true, verbatim: true });
  } catch {
    throw new UnresolvedHostError(host);
  }
  if (addresses.length === 0) throw new UnresolvedHostError(host);
  if (!allowPrivate()) {
    // All or nothing: a name with one private address among public ones is refused outright.
    const bad = addresses.find((entry) => isPrivateAddress(entry.address));
    if (bad) throw refuse(host, bad.address);
  }
  return addresses;
}

/**
 * Checks a target before it is registered: its form, then where its host resolves now. Every
 * refusal, a name that does not resolve included, is a WebhookTargetError.
 */
export async function checkWebhookTarget(raw: string): Promise<URL> {
  const url = parseTargetUrl(raw);
  try {
    await resolveChecked(url.hostname);
  } catch (error) {
    if (error instanceof UnresolvedHostError) throw new WebhookTargetError(error.message);
    throw error;
  }
  return url;
}

/**
 * The `lookup` for the delivery's connection: resolves, checks, and hands the socket only the
 * checked addresses. (An IP literal never reaches a lookup: `assertLiteralAllowed` covers it.)
 */
export const checkedLookup: LookupFunction = (hostname, options, callback) => {
  resolveChecked(hostname).then(
    (addresses) => {
      const wanted = options.family ? addresses.filter((a) => a.family === options.family) : [];
      const usable = wanted.length > 0 ? wanted : addresses;
      if (options.all) {
        callback(null, usable);
      } else {
        const first = usable[0]!;
        callback(null, first.address, first.family);
      }
    },
    (error: Error) => callback(Object.assign(error, { code: 'EWEBHOOKTARGET' }), '', 0),
  );
};

/** A URL whose host is an IP literal connects without a lookup: check it here. */
export async function assertLiteralAllowed(url: URL): Promise<void> {
  if (isIP(url.hostname.replace(/^\[|\]$/g, ''))) await resolveChecked(url.hostname);
}
