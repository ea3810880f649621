import { describe, expect, it } from 'vitest';
import { classifySendError, isPermanentReplyCode } from '@/server/email/smtp-errors';

/** An error shaped as nodemailer hands them back (code, responseCode, response on an Error). */
function mailerError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('isPermanentReplyCode', () => {
  it('treats 5yz as permanent except 503, and 4yz as transient (RFC 5321)', () => {
    expect([550, 551, 552, 553, 554, 535, 500].map(isPermanentReplyCode)).toEqual(
      Array(7).fill(true),
    );
    expect([503, 421, 450, 451, 452, 454, 250, 354].map(isPermanentReplyCode)).toEqual(
      Array(8).fill(false),
    );
  });
});

describe('classifySendError', () => {
  it('fails for good when every recipient is refused with a 5xx', () => {
    const error = mailerError(
      "Can't send mail - all recipients were rejected: 550 5.1.1 No such user",
      { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user' },
    );
    expect(classifySendError(error)).toEqual({
      permanent: true,
      code: 'smtp_rejected',
      message: 'The mail server refused the message: 550 5.1.1 No such user',
    });
  });

  it('retries a recipient deferred with a 4xx (greylisting), envelope error or not', () => {
    const error = mailerError(
      "Can't send mail - all recipients were rejected: 451 4.7.1 Greylisted",
      { code: 'EENVELOPE', responseCode: 451, response: '451 4.7.1 Greylisted' },
    );
    expect(classifySendError(error)).toEqual({
      permanent: false,
      code: 'smtp_deferred',
      message: 'The mail server deferred the message: 451 4.7.1 Greylisted',
    });
  });

  it('retries a 421 at any stage and a 503, and fails on a 5xx after DATA or at AUTH', () => {
    const at = (code: string, responseCode: number) =>
      classifySendError(
        mailerError('failed', { code, responseCode, response: `${responseCode} x` }),
      ).permanent;
    expect(at('ECONNECTION', 421)).toBe(false);
    expect(at('EMESSAGE', 421)).toBe(false);
    expect(at('EPROTOCOL', 503)).toBe(false);
    expect(at('EMESSAGE', 554)).toBe(true);
    expect(at('EAUTH', 535)).toBe(true);
  });

  it('retries connection failures that carry no reply', () => {
    for (const code of ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS']) {
      const failure = classifySendError(mailerError('connect ECONNREFUSED 127.0.0.1:25', { code }));
      expect(failure).toEqual({
        permanent: false,
        code: 'smtp_unreachable',
        message: 'Could not reach the mail server: connect ECONNREFUSED 127.0.0.1:25',
      });
    }
  });

  it('fails for good on problems found before any server was asked', () => {
    for (const code of ['EENVELOPE', 'ECONFIG', 'ENOAUTH', 'EREQUIRETLS']) {
      expect(classifySendError(mailerError('No recipients defined', { code }))).toMatchObject({
        permanent: true,
        code: 'email_invalid',
      });
    }
  });

  it('retries what it does not recognise, including non-errors', () => {
    expect(classifySendError(new Error('something odd'))).toEqual({
      permanent: false,
      code: 'email_failed',
      message: 'Sending failed: something odd',
    });
    expect(classifySendError('a string')).toMatchObject({ permanent: false, code: 'email_failed' });
    expect(classifySendError(null)).toMatchObject({ permanent: false });
  });

  it('keeps only the first line of a multi-line reply', () => {
    const error = mailerError('rejected', {
      responseCode: 550,
      response: '550-5.7.1 Policy\r\n550 5.7.1 more detail',
    });
    expect(classifySendError(error).message).toBe(
      'The mail server refused the message: 550-5.7.1 Policy',
    );
  });
});
