import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '@/lib/errors';
import { chooseRequestId, problemInstanceOf, runWithLogContext } from '@/lib/log-context';
import { resolveLogFormat } from '@/lib/log-format';
import { createLogger } from '@/lib/logger';
import { isClientDisconnect, logNextDisconnectsAsInfo } from '@/server/http/client-disconnect';
import { errorToProblem } from '@/server/http/problem';

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function captureLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: createLogger({ level: 'debug', format: 'json' }, destination), lines };
}

describe('chooseRequestId', () => {
  it('keeps a sane incoming id', () => {
    for (const id of ['abcd1234', 'trace-2f9c1a7e.proxy_01~x', 'A'.repeat(64)]) {
      expect(chooseRequestId(id)).toBe(id);
    }
  });

  it('replaces a missing, repeated, too short, too long or odd one with a UUIDv7', () => {
    const hostile = [
      undefined,
      ['abcd1234', 'efgh5678'],
      '',
      'short',
      'a'.repeat(65),
      '-leading-dash',
      'has spaces in it',
      'a,b,c,d,e,f,g,h',
      'line\r\nbreak-1234',
      '<script>x</script>',
      'ünïcödé-12345',
      '../../etc/passwd',
    ];
    for (const incoming of hostile) expect(chooseRequestId(incoming)).toMatch(UUID7);
  });
});

describe('the logger', () => {
  it('puts the request id on every line written while the request is handled', async () => {
    const { logger, lines } = captureLogger();
    logger.info('before');
    await runWithLogContext({ requestId: 'req-00000001' }, async () => {
      logger.info({ first: true }, 'one');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ taskId: 't1' }).warn('two');
    });
    await runWithLogContext({ requestId: 'req-00000002' }, async () => logger.info('three'));
    logger.info('after');
    expect(lines.map(({ msg, requestId }) => [msg, requestId])).toEqual([
      ['before', undefined],
      ['one', 'req-00000001'],
      ['two', 'req-00000001'],
      ['three', 'req-00000002'],
      ['after', undefined],
    ]);
    // One line's own fields never stick to the request's later lines.
    expect(lines[2]).not.toHaveProperty('first');
    expect(lines[2]).toMatchObject({ taskId: 't1' });
  });

  it('is pretty on a terminal and JSON elsewhere unless LOG_FORMAT says', () => {
    expect(resolveLogFormat('auto', true)).toBe('pretty');
    expect(resolveLogFormat('auto', false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');
  });
});

describe('problems', () => {
  it('name the request they answer as their instance', async () => {
    const inside = runWithLogContext({ requestId: 'req-00000003' }, () =>
      errorToProblem(new NotFoundError()),
    );
    expect(await inside.json()).toMatchObject({
      status: 404,
      instance: problemInstanceOf('req-00000003'),
    });
    expect(problemInstanceOf('req-00000003')).toBe('urn:taskdeck:request:req-00000003');
    expect(await errorToProblem(new NotFoundError()).json()).not.toHaveProperty('instance');
  });
});

describe('isClientDisconnect', () => {
  const withCode = (code: string) => Object.assign(new Error('socket trouble'), { code });

  it('knows a client that hung up', () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    expect(isClientDisconnect(aborted)).toBe(true);
    expect(isClientDisconnect(new Error('read failed', { cause: aborted }))).toBe(true);
    expect(isClientDisconnect(Object.assign(new Error('gone'), { name: 'ResponseAborted' }))).toBe(
      true,
    );
  });

  it('make a body cut short a 400, not an outage', async () => {
    const aborted = Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
    const response = errorToProblem(aborted);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'request_aborted' });
  });

  it('leaves our own failures alone', () => {
    expect(isClientDisconnect(new Error('boom'))).toBe(false);
    expect(isClientDisconnect(withCode('ECONNREFUSED'))).toBe(false);
    // A database socket resets with the same code: that is an outage, not a client.
    expect(isClientDisconnect(withCode('ECONNRESET'))).toBe(false);
    expect(isClientDisconnect('aborted')).toBe(false);
    expect(isClientDisconnect(null)).toBe(false);
  });
});

describe('logNextDisconnectsAsInfo', () => {
  it('turns Next printing a disconnect into a log line and lets the rest through', () => {
    const saved = console.error;
    const printed: unknown[][] = [];
    console.error = (...args: unknown[]) => printed.push(args);
    const logged: string[] = [];
    try {
      logNextDisconnectsAsInfo((reason) => logged.push(reason));
      console.error(' ⨯', Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      console.error(' ⨯', new Error('a real bug'));
    } finally {
      console.error = saved;
    }
    expect(logged).toEqual(['aborted']);
    expect(printed).toHaveLength(1);
    expect(String(printed[0]![1])).toContain('a real bug');
  });
});
