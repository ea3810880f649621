import fc from 'fast-check';

// Hostile inputs for tests/e2e/edge-fuzz.test.ts: text with NUL, lone surrogates and invalid
// UTF-8, numbers past every range, deep and wrong-typed JSON, bad percent-encoding, odd
// methods and content types, broken multipart and server action bodies. Generic on purpose:
// every route and action gets the same vocabulary, so a new one needs nothing here.

/** Field names our inputs use (and some that should mean nothing), mixed into objects. */
const FIELD_NAMES = [
  'type',
  'taskType',
  'timezone',
  'payload',
  'priority',
  'delayMs',
  'runAt',
  'action',
  'ids',
  'id',
  'name',
  'kind',
  'format',
  'from',
  'to',
  'days',
  'repeat',
  'cron',
  'pattern',
  'every',
  'everyMs',
  'timeZone',
  'enabled',
  'missedRunPolicy',
  'steps',
  'durationMs',
  'failAt',
  'cursor',
  'limit',
  'status',
  'queue',
  'owner',
  'q',
  'role',
  'userId',
  'expiresInDays',
  'paused',
  'submissionId',
  'email',
  'subject',
  'text',
  'files',
  '__proto__',
  'constructor',
  '',
];
const QUERY_KEYS = [
  'status',
  'type',
  'owner',
  'queue',
  'from',
  'to',
  'q',
  'cursor',
  'limit',
  'disposition',
  'action',
  'actor',
  'x',
];
const TASK_TYPES = [
  'report.generate',
  'diagnostics.simulate',
  'file.process',
  'email.send',
  'maintenance.cleanup',
];

const EDGE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '%00',
  '\uD800',
  '\uDFFF',
  'x\uDBFFy',
  '\uDC00\uD800',
  '\uFFFE',
  '\u202E',
  '💥',
  '../../etc/passwd',
  '%',
  '%ff%fe',
  "' OR 1=1 --",
  '<script>x</script>',
  '$',
  '$$',
  '$@0',
  '$K1',
  '$Q9',
  '$F0',
  '$h1',
  '$T',
  '$D2026',
  '$n1',
  '$1',
  'null',
  'NaN',
  '-1',
  '0',
  '1e309',
  '9'.repeat(400),
  'x'.repeat(5000),
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59-05:00',
  '+275760-09-13T00:00:00Z',
  '0001-01-01',
  '0000-01-01',
  '10000-01-01',
  '2026-02-30',
  '2026-01-31T25:00:00Z',
  '* * * * *',
  '0 0 31 2 *',
  'Mars/Phobos',
  'running,queued,nope',
  'reports',
  'default',
  'urgent',
  'admin',
  ...TASK_TYPES,
];

const piece = fc.oneof(
  fc.constantFrom(...EDGE_STRINGS),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.constantFrom('\u0000', '\uD800', '\uDFFF', '%'),
);

/** Text built from edge cases, random code points, NULs and lone surrogates. */
export const hostileString: fc.Arbitrary<string> = fc
  .array(piece, { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''));

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, 5e-324),
);

const scalar = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 2, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, true, false) },
);

const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELD_NAMES) }, hostileString);

/** JSON values up to a few levels deep, with our field names and hostile leaves. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    scalar,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(key, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** Objects shaped a little like our inputs, so validation past the first check is reached. */
export const plausibleObject: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    type: fc.oneof(fc.constantFrom(...TASK_TYPES), hostileString),
    payload: hostileJson,
    action: fc.constantFrom('cancel', 'retry', 'delete', 'x'),
    ids: fc.array(fc.oneof(fc.uuid(), hostileString), { maxLength: 4 }),
    name: hostileString,
    runAt: hostileString,
    delayMs: hostileNumber,
    repeat: hostileJson,
    enabled: fc.oneof(fc.boolean(), hostileString),
  })
  .chain((record) =>
    fc
      .subarray(Object.keys(record))
      .map((keys) =>
        Object.fromEntries(keys.map((name) => [name, record[name as keyof typeof record]])),
      ),
  );

/** Percent-encodes every UTF-8 byte of the text (a lone surrogate becomes U+FFFD's bytes). */
export function percentEncode(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((byte) => `%${byte.toString(16).padStart(2, '0')}`)
    .join('');
}

const RAW_BAD_ENCODINGS = [
  '%ff%fe',
  '%',
  '%zz',
  '%e2%82',
  '%c0%af',
  '%ed%a0%80',
  '%f8%88%80%80%80',
  '%00',
];

/** A path segment as sent on the wire: ids that exist, ids that do not, broken encodings. */
export function pathSegment(known: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 3, arbitrary: fc.constantFrom(...RAW_BAD_ENCODINGS) },
    { weight: 3, arbitrary: hostileString.map(percentEncode) },
    { weight: 1, arbitrary: fc.constantFrom('..', '.', 'a'.repeat(300), '%2F', '%2e%2e') },
  );
}

const queryPart = fc.oneof(
  { weight: 3, arbitrary: hostileString.map(percentEncode) },
  { weight: 1, arbitrary: fc.constantFrom(...RAW_BAD_ENCODINGS) },
  { weight: 1, arbitrary: hostileNumber.map(String) },
);

export const queryString: fc.Arbitrary<string> = fc
  .array(
    fc.tuple(
      fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...QUERY_KEYS) }, queryPart),
      queryPart,
    ),
    {
      maxLength: 5,
    },
  )
  .map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&')));

export interface FuzzBody {
  contentType?: string;
  bytes?: Buffer;
}

const deepJson = fc
  .constantFrom(40, 1_000, 200_000)
  .map((depth) => '['.repeat(depth) + ']'.repeat(depth));

function multipart(boundary: string, parts: string[], cut: boolean): Buffer {
  const text =
    parts
      .map(
        (content, index) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="f${index}"; filename="${index}.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n${content}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`;
  const bytes = Buffer.from(text, 'utf8');
  return cut ? bytes.subarray(0, Math.floor(bytes.length / 2)) : bytes;
}

export const multipartBody: fc.Arbitrary<FuzzBody> = fc
  .record({
    boundary: fc.constantFrom('fuzzbound', '', ' ', 'a'.repeat(71), '"quoted"'),
    declared: fc.constantFrom('same', 'missing', 'other'),
    parts: fc.array(hostileString, { maxLength: 3 }),
    cut: fc.boolean(),
  })
  .map(({ boundary, declared, parts, cut }) => ({
    contentType:
      declared === 'missing'
        ? 'multipart/form-data'
        : `multipart/form-data; boundary=${declared === 'other' ? 'elsewhere' : boundary}`,
    bytes: multipart(boundary, parts, cut),
  }));

const JSON_TYPES = [
  'application/json',
  'application/json; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/problem+json',
  '*/*',
];

/** A request body: JSON (whole, cut short, too deep), garbage bytes, multipart, none. */
export const hostileBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      contentType: fc.constantFrom(...JSON_TYPES),
      bytes: fc
        .oneof(hostileJson, plausibleObject)
        .map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      contentType: fc.constantFrom(...JSON_TYPES),
      bytes: fc.tuple(plausibleObject, fc.nat()).map(([v, n]) => {
        const t = JSON.stringify(v);
        return Buffer.from(t.slice(0, n % (t.length + 1)));
      }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      contentType: fc.constant('application/json'),
      bytes: deepJson.map((t) => Buffer.from(t)),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      contentType: fc.constantFrom(...JSON_TYPES),
      bytes: fc
        .uint8Array({ maxLength: 64 })
        .map((b) =>
          Buffer.concat([
            Buffer.from('{"name":"'),
            Buffer.from([0xff, 0xfe, ...b]),
            Buffer.from('"}'),
          ]),
        ),
    }),
  },
  { weight: 1, arbitrary: multipartBody },
  { weight: 1, arbitrary: fc.constant<FuzzBody>({}) },
);

/** What a server action is sent: encoded arguments as React would, or what React cannot decode. */
export const actionBody: fc.Arbitrary<FuzzBody> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.array(fc.oneof(hostileJson, plausibleObject), { maxLength: 4 }).map((args) => ({
      contentType: 'text/plain;charset=UTF-8',
      bytes: Buffer.from(JSON.stringify(args)),
    })),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      contentType: fc.constantFrom('text/plain;charset=UTF-8', 'application/json'),
      bytes: fc
        .oneof(
          hostileString,
          deepJson,
          fc.constantFrom(
            '["$K1"]',
            '["$Q0"]',
            '["$@1"]',
            '["$F"]',
            '["$h0"]',
            '[',
            '{}',
            '"$$"',
            '["$T1"]',
            '["$n"]',
            '["$D"]',
            '["$R1"]',
          ),
        )
        .map((t) => Buffer.from(t)),
    }),
  },
  { weight: 1, arbitrary: multipartBody },
  { weight: 1, arbitrary: fc.constant<FuzzBody>({ contentType: 'text/plain;charset=UTF-8' }) },
);

const HUGE = '9'.repeat(40);
const RANGE_VALUES = [
  'bytes=0-0',
  'bytes=0-',
  'bytes=-1',
  'bytes=-0',
  'bytes=5-3',
  'bytes=0-1,5-6',
  'bytes=-',
  'bytes=',
  'bytes',
  'items=0-1',
  'BYTES=1-2',
  ' bytes = 1 - 2 ',
  `bytes=${HUGE}-`,
  `bytes=0-${HUGE}`,
  `bytes=-${HUGE}`,
  'bytes=9007199254740992-9007199254740993',
  'bytes=-1-2',
  'bytes=1e3-',
  'bytes=0x10-',
  'bytes=1.5-2',
  `bytes=${'0-1,'.repeat(500)}`,
  `bytes=0-${'1'.repeat(5000)}`,
];
const IF_RANGE_VALUES = ['"x"', 'W/"x"', '*', 'Thu, 01 Jan 1970 00:00:00 GMT', 'yesterday', ''];

// Header values must be visible ASCII (fetch refuses others before sending): edge cases of the
// grammar, not of the encoding.
const headerText = fc.string({
  unit: fc.constantFrom(...'bytes=0123456789-, \t*"W/xab'),
  maxLength: 40,
});

/**
 * Range and If-Range on any request: a download answers them (206, 416 or the whole file), every
 * other route must ignore them.
 */
export const conditionalHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      range: fc.oneof(fc.constantFrom(...RANGE_VALUES), headerText),
      'if-range': fc.oneof(fc.constantFrom(...IF_RANGE_VALUES), headerText),
    },
    { requiredKeys: [] },
  )
  .map((headers) => Object.fromEntries(Object.entries(headers)));

export const ODD_METHODS = ['PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'PROPFIND', 'GET', 'POST'];
