import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { getEnv } from '@/lib/env';
import { resolveAuthSecret } from '@/server/auth/auth-secret';

// A webhook secret must be recoverable (every delivery signs with it), unlike an API key, which
// is only compared, so it is kept sealed: AES-256-GCM under a key derived (HKDF-SHA256) from
// AUTH_SECRET with its own label. A database dump alone reveals no secret; rotating AUTH_SECRET
// makes the sealed ones unreadable (deliveries then fail until each endpoint's secret is rotated).

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** The label of the derived key: a new version of the sealing would get a new one. */
const KEY_INFO = 'taskdeck webhook secret v1';

let cachedKey: { secret: string; key: Buffer } | undefined;

function sealingKey(): Buffer {
  const secret = resolveAuthSecret(getEnv());
  if (cachedKey?.secret !== secret) {
    const key = Buffer.from(hkdfSync('sha256', secret, 'taskdeck', KEY_INFO, 32));
    cachedKey = { secret, key };
  }
  return cachedKey.key;
}

export function sealSecret(secret: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

/** Throws when the box was sealed under another key (AUTH_SECRET changed) or was altered. */
export function openSecret(box: string): string {
  const raw = Buffer.from(box, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(), raw.subarray(0, IV_BYTES));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const opened = Buffer.concat([
    decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)),
    decipher.final(),
  ]);
  return opened.toString('utf8');
}
