// Whether a failed send is worth another attempt. Pure (it reads the fields nodemailer puts on
// its errors), so the rules are tested without a mail server.

export interface SendFailure {
  /** True when trying the same message again would be refused again. */
  permanent: boolean;
  /** The task's error code. */
  code: string;
  /** What the user reads on the task. */
  message: string;
}

/** The fields nodemailer sets on the errors it hands back (NodemailerError). */
interface MailerErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  message?: unknown;
}

/**
 * Failures found before anything reached a server, which no retry changes: a malformed
 * address, missing credentials, a server without REQUIRETLS, a bad transport option.
 */
const PERMANENT_CODES = new Set([
  'EENVELOPE',
  'ECONFIG',
  'ENOAUTH',
  'EREQUIRETLS',
  'EMAXRECIPIENTS',
]);

/** Codes of a connection that failed or dropped: the next attempt may well get through. */
const CONNECTION_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY']);

/**
 * RFC 5321: 5yz replies are permanent, 4yz transient. 503 (bad sequence of commands) says the
 * session was in the wrong state, not that the message was refused, so a new connection may
 * succeed; nodemailer treats it the same way.
 */
export function isPermanentReplyCode(code: number): boolean {
  return code >= 500 && code < 600 && code !== 503;
}

function firstLine(value: unknown): string {
  return typeof value === 'string' ? (value.split(/\r?\n/)[0] ?? '').slice(0, 300) : '';
}

/** Sorts a send error into permanent (the task fails now) or transient (it retries). */
export function classifySendError(error: unknown): SendFailure {
  const fields: MailerErrorFields = typeof error === 'object' && error !== null ? error : {};
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const replyCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const reply = firstLine(fields.response);
  const detail = firstLine(fields.message) || String(error);

  // A reply from the server decides, whatever stage it came at: an all-recipients rejection
  // with 450/451 (greylisting) is as transient as a 421 greeting.
  if (replyCode !== undefined) {
    const said = reply || detail;
    return isPermanentReplyCode(replyCode)
      ? {
          permanent: true,
          code: 'smtp_rejected',
          message: `The mail server refused the message: ${said}`,
        }
      : {
          permanent: false,
          code: 'smtp_deferred',
          message: `The mail server deferred the message: ${said}`,
        };
  }
  if (code && PERMANENT_CODES.has(code)) {
    return {
      permanent: true,
      code: 'email_invalid',
      message: `The email cannot be sent: ${detail}`,
    };
  }
  if (code && CONNECTION_CODES.has(code)) {
    return {
      permanent: false,
      code: 'smtp_unreachable',
      message: `Could not reach the mail server: ${detail}`,
    };
  }
  // Unknown failures get retried: the task's attempts bound how often.
  return { permanent: false, code: 'email_failed', message: `Sending failed: ${detail}` };
}
