import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { openSecret, sealSecret } from '@/server/webhooks/webhook-secret-box';
import {
  generateWebhookSecret,
  signWebhook,
  webhookHeaders,
} from '@/server/webhooks/webhook-signing';
import { isPrivateAddress } from '@/server/webhooks/webhook-target';

// Our Standard Webhooks signing against the reference package, and the address check behind
// the SSRF refusal.

describe('webhook signing', () => {
  it('signs exactly as the standardwebhooks package does, and it verifies ours', () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const body = JSON.stringify({ type: 'task.succeeded', data: { id: 'é✓' } });
    const at = new Date('2026-12-03T12:00:00Z');
    const reference = new Webhook(secret).sign('msg_1', at, body);
    expect(signWebhook(secret, 'msg_1', at.getTime() / 1000, body)).toBe(reference);

    const headers = webhookHeaders(secret, 'msg_2', body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it('fails verification with another secret or another body', () => {
    const secret = generateWebhookSecret();
    const headers = webhookHeaders(secret, 'msg_3', '{"a":1}');
    expect(() => new Webhook(generateWebhookSecret()).verify('{"a":1}', headers)).toThrow();
    expect(() => new Webhook(secret).verify('{"a":2}', headers)).toThrow();
  });

  it('seals a secret so that only this installation opens it', () => {
    const secret = generateWebhookSecret();
    const box = sealSecret(secret);
    expect(box).not.toContain(secret.slice(6, 20));
    expect(openSecret(box)).toBe(secret);
    const tampered = Buffer.from(box, 'base64');
    tampered[tampered.length - 1]! ^= 1;
    expect(() => openSecret(tampered.toString('base64'))).toThrow();
  });
});

describe('isPrivateAddress', () => {
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '64:ff9b::a00:1',
    '[::1]',
    'not-an-address',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.215.14', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(isPrivateAddress(address)).toBe(false);
    },
  );
});
