import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toFieldErrors } from '@/lib/errors';
import { placeErrors, listPayloadErrors } from '@/lib/schema-form/field-errors';
import { buildFormModel, type FormField } from '@/lib/schema-form/field-model';
import {
  buildDefaultPayload,
  buildPayload,
  defaultFieldValues,
  defaultPayloadOf,
  toFieldValues,
} from '@/lib/schema-form/field-values';
import type { JsonSchema } from '@/lib/schema-form/json-schema';
import { fromLocalDateTimeInput, toLocalDateTimeInput } from '@/lib/schema-form/local-date-time';
import { formatPayloadJson, parsePayloadJson } from '@/lib/schema-form/payload-json';
import { toStartInput } from '@/lib/tasks/run-start';
import { listTaskTypes } from '@/server/tasks/registry';
import { toPayloadJsonSchema } from '@/server/tasks/task-type-catalog';
import type { TaskType } from '@/server/tasks/task-type';

// Field values ↔ payloads, checked against each task type's own zod schema: what the form
// builds is what the server accepts, and server errors land under the field that caused them.

function typeNamed(name: string): TaskType {
  const type = listTaskTypes().find((candidate) => candidate.name === name);
  if (!type) throw new Error(`no task type ${name}`);
  return type;
}

const fieldsOfType = (name: string) => buildFormModel(toPayloadJsonSchema(typeNamed(name))).fields;

const fieldsOf = (schema: z.ZodType) =>
  buildFormModel(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema)
    .fields;

/** The server's field errors for a payload, keyed as the server's ValidationError names them. */
function serverErrors(name: string, payload: unknown): Record<string, string> {
  const parsed = typeNamed(name).schema.safeParse(payload);
  if (parsed.success) return {};
  return Object.fromEntries(
    toFieldErrors(parsed.error.issues, ['payload']).map((error) => [error.path, error.message]),
  );
}

// A full, valid payload per type, every field set: a type added without one fails a test.
const SAMPLES: Record<string, Record<string, unknown>> = {
  'diagnostics.simulate': { steps: 5, stepMs: 12.5, failAtStep: 2, failAttempts: 1, scratch: true },
  'diagnostics.stall': { durationMs: 1500, honourSoftLimit: true },
  'report.generate': { kind: 'failures', format: 'pdf', from: '2026-01-01', to: '2026-01-31' },
  'maintenance.cleanup': { olderThanDays: 45 },
  'email.send': {
    to: 'someone@example.test',
    subject: 'Hello',
    text: 'Two\nlines',
    aboutTaskId: '0190a000-0000-7000-8000-000000000000',
  },
  'webhooks.deliver': {
    deliveryId: '0190a000-0000-7000-8000-000000000001',
    endpointId: '0190a000-0000-7000-8000-000000000002',
    eventType: 'task.succeeded',
  },
  'tasks.bulk': {
    action: 'retry',
    filter: { status: ['failed', 'cancelled'], type: 'report.generate', from: '2026-01-01T00:00' },
  },
  'file.process': {
    file: {
      name: 'data.csv',
      size: 120,
      sha256: 'a'.repeat(64),
      type: 'text/csv',
      kind: 'csv',
      label: 'CSV',
      declaredType: 'text/csv',
    },
  },
};

describe('payloads of every registered task type', () => {
  it('has a sample for each type in the registry', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(
      listTaskTypes()
        .map((type) => type.name)
        .sort(),
    );
  });

  for (const [name, sample] of Object.entries(SAMPLES)) {
    it(`${name}: a payload survives the round trip through the inputs and passes the schema`, () => {
      const fields = fieldsOfType(name);
      const values = toFieldValues(fields, sample);
      expect(buildPayload(fields, values)).toEqual({ payload: sample, problems: {} });
      expect(serverErrors(name, sample)).toEqual({});
    });
  }

  it('a fresh form of each type that needs no settings is a valid payload, with the defaults', () => {
    const defaults = Object.fromEntries(
      listTaskTypes().map((type) => [type.name, buildDefaultPayload(fieldsOfType(type.name))]),
    );
    for (const type of listTaskTypes()) {
      expect(defaultPayloadOf(toPayloadJsonSchema(type))).toEqual(defaults[type.name]);
    }
    expect(defaults).toEqual({
      'diagnostics.simulate': { steps: 10, stepMs: 200 },
      'diagnostics.stall': { durationMs: 20_000, honourSoftLimit: false },
      'report.generate': {},
      'maintenance.cleanup': {},
      'email.send': { to: '', subject: '', text: '' },
      'webhooks.deliver': { deliveryId: '', endpointId: '', eventType: '' },
      'tasks.bulk': { filter: {} },
      'file.process': { file: { name: '', sha256: '', type: '', label: '', declaredType: '' } },
    });
    for (const name of [
      'diagnostics.simulate',
      'diagnostics.stall',
      'report.generate',
      'maintenance.cleanup',
    ]) {
      expect(serverErrors(name, defaults[name]), name).toEqual({});
    }
    // Required settings left empty: the server names each one.
    expect(Object.keys(serverErrors('email.send', defaults['email.send']))).toEqual([
      'payload.to',
      'payload.subject',
    ]);
    expect(Object.keys(serverErrors('file.process', defaults['file.process']))).toEqual(
      expect.arrayContaining(['payload.file.name', 'payload.file.size', 'payload.file.kind']),
    );
  });

  it('leaves empty optional inputs out, so the type’s defaults apply', () => {
    const fields = fieldsOfType('diagnostics.simulate');
    const values = { ...defaultFieldValues(fields), steps: '3', stepMs: ' ', failAtStep: '' };
    expect(buildPayload(fields, values).payload).toEqual({ steps: 3 });
    expect(typeNamed('diagnostics.simulate').schema.parse({ steps: 3 })).toEqual({
      steps: 3,
      stepMs: 200,
    });
  });

  it('puts the server’s errors for a bad value under its field', () => {
    const fields = fieldsOfType('diagnostics.simulate');
    const { payload } = buildPayload(fields, { ...defaultFieldValues(fields), steps: '0' });
    expect(payload).toEqual({ steps: 0, stepMs: 200 });
    const placed = placeErrors(fields, serverErrors('diagnostics.simulate', payload));
    expect(Object.keys(placed.byField)).toEqual(['payload.steps']);
    expect(placed.byField['payload.steps']).toMatch(/>=1/);
    expect(placed.other).toEqual([]);
  });

  it('report.generate: a range check after the transform still names an input field', () => {
    const fields = fieldsOfType('report.generate');
    const values = { ...defaultFieldValues(fields), from: '2026-02-01', to: '2026-01-01' };
    const placed = placeErrors(
      fields,
      serverErrors('report.generate', buildPayload(fields, values).payload),
    );
    expect(placed.byField).toEqual({ 'payload.from': 'from must be on or before to' });
  });

  it('file.process: nested inputs build the nested object, and its errors find them', () => {
    const fields = fieldsOfType('file.process');
    const values = toFieldValues(fields, SAMPLES['file.process']!);
    const { payload } = buildPayload(fields, { ...values, 'file.size': '-1', 'file.kind': '' });
    expect(payload).toEqual({
      file: { ...(SAMPLES['file.process']!.file as object), size: -1, kind: undefined },
    });
    expect(
      Object.keys(placeErrors(fields, serverErrors('file.process', payload)).byField).sort(),
    ).toEqual(['payload.file.kind', 'payload.file.size']);
  });
});

describe('buildPayload', () => {
  const fields = fieldsOf(
    z.object({
      flag: z.boolean().optional(),
      onByDefault: z.boolean().default(true),
      must: z.boolean(),
      tags: z.array(z.enum(['a', 'b', 'c'])).optional(),
      level: z.union([z.literal(1), z.literal(2)]).optional(),
      extra: z.unknown().optional(),
      note: z.string().nullable(),
      at: z.iso.datetime().optional(),
      nested: z.object({ depth: z.number().optional() }).optional(),
    }),
  );

  it('turns checkboxes into booleans, leaving out only what means the same as unticked', () => {
    const values = defaultFieldValues(fields);
    expect(values).toMatchObject({ flag: false, onByDefault: true, must: false, tags: [] });
    expect(buildPayload(fields, { ...values, onByDefault: false }).payload).toEqual({
      onByDefault: false,
      must: false,
      note: null,
    });
    expect(buildPayload(fields, { ...values, flag: true }).payload).toMatchObject({ flag: true });
  });

  it('keeps checkbox groups in option order and maps select keys back to their values', () => {
    const values = { ...defaultFieldValues(fields), tags: ['c', 'a'], level: 'json:2' };
    expect(buildPayload(fields, values).payload).toMatchObject({ tags: ['a', 'c'], level: 2 });
    expect(toFieldValues(fields, { tags: ['c', 'a'], level: 2 })).toMatchObject({
      tags: ['a', 'c'],
      level: 'json:2',
    });
  });

  it('parses JSON fields and reports what does not parse, sending it as typed', () => {
    const values = defaultFieldValues(fields);
    expect(buildPayload(fields, { ...values, extra: '{"a": [1, 2]}' }).payload).toMatchObject({
      extra: { a: [1, 2] },
    });
    const broken = buildPayload(fields, { ...values, extra: '{"a":' });
    expect(broken.payload).toMatchObject({ extra: '{"a":' });
    expect(broken.problems['payload.extra']).toMatch(/^Not valid JSON/);
  });

  it('reports numbers that do not parse', () => {
    const numbers = fieldsOf(z.object({ count: z.number() }));
    const built = buildPayload(numbers, { count: '12abc' });
    expect(built).toEqual({
      payload: { count: '12abc' },
      problems: { 'payload.count': 'Enter a number.' },
    });
    expect(buildPayload(numbers, { count: '-1.5e3' }).payload).toEqual({ count: -1500 });
  });

  it('sends null for an empty nullable required input, and leaves out empty optional objects', () => {
    const values = defaultFieldValues(fields);
    expect(buildPayload(fields, values).payload).toEqual({
      onByDefault: true,
      must: false,
      note: null,
    });
    expect(buildPayload(fields, { ...values, 'nested.depth': '4' }).payload).toMatchObject({
      nested: { depth: 4 },
    });
  });

  it('converts date-time inputs (local time) to ISO instants and back', () => {
    const values = { ...defaultFieldValues(fields), at: '2026-03-01T09:30' };
    const { payload } = buildPayload(fields, values);
    expect(payload.at).toBe(new Date(2026, 2, 1, 9, 30).toISOString());
    expect(toFieldValues(fields, payload)).toMatchObject({ at: '2026-03-01T09:30' });
    expect(z.iso.datetime().safeParse(payload.at).success).toBe(true);
  });
});

describe('placeErrors', () => {
  const fields: FormField[] = fieldsOf(
    z.object({ tags: z.array(z.enum(['a'])), file: z.object({ name: z.string() }) }),
  );

  it('places nested and item errors under the field holding them; the rest is listed', () => {
    expect(
      placeErrors(fields, {
        'payload.tags.0': 'Invalid option',
        'payload.file.name': 'Too short',
        'payload.file': 'Required',
        payload: 'Unrecognized key: "x"',
        'payload.other': 'Unknown',
        type: 'Not a payload error',
      }),
    ).toEqual({
      byField: {
        'payload.tags': 'Invalid option',
        'payload.file.name': 'Too short',
        'payload.file': 'Required',
      },
      other: ['Unrecognized key: "x"', 'other: Unknown'],
    });
    expect(listPayloadErrors({ 'payload.file.name': 'Too short', type: 'x' })).toEqual([
      'file.name: Too short',
    ]);
  });
});

describe('the JSON view', () => {
  it('formats the payload and reads back only JSON objects', () => {
    expect(parsePayloadJson(formatPayloadJson({ steps: 2 }))).toEqual({
      ok: true,
      payload: { steps: 2 },
    });
    expect(parsePayloadJson('  ')).toEqual({ ok: true, payload: {} });
    expect(parsePayloadJson('[1]')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/object/),
    });
    expect(parsePayloadJson('{steps: 2}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Not valid JSON/),
    });
  });
});

describe('start times', () => {
  it('turns a delay into milliseconds and a local time into an ISO instant', () => {
    const base = { delayAmount: '', delayUnit: 'minutes', at: '' } as const;
    expect(toStartInput({ ...base, mode: 'now' })).toEqual({ ok: true, input: {} });
    expect(toStartInput({ ...base, mode: 'delay', delayAmount: '1.5' })).toEqual({
      ok: true,
      input: { delayMs: 90_000 },
    });
    expect(toStartInput({ ...base, mode: 'delay', delayAmount: '2', delayUnit: 'hours' })).toEqual({
      ok: true,
      input: { delayMs: 7_200_000 },
    });
    expect(toStartInput({ ...base, mode: 'delay', delayAmount: '0' })).toMatchObject({
      ok: false,
      path: 'delayMs',
    });
    expect(toStartInput({ ...base, mode: 'delay' })).toMatchObject({ ok: false, path: 'delayMs' });
    expect(toStartInput({ ...base, mode: 'at', at: '2026-05-01T08:00' })).toEqual({
      ok: true,
      input: { runAt: new Date(2026, 4, 1, 8, 0).toISOString() },
    });
    expect(toStartInput({ ...base, mode: 'at', at: 'soon' })).toMatchObject({
      ok: false,
      path: 'runAt',
    });
  });

  it('round-trips datetime-local values, with seconds only when set', () => {
    expect(toLocalDateTimeInput(new Date(2026, 0, 31, 14, 5).toISOString())).toBe(
      '2026-01-31T14:05',
    );
    expect(toLocalDateTimeInput(new Date(2026, 0, 31, 14, 5, 7).toISOString())).toBe(
      '2026-01-31T14:05:07',
    );
    expect(toLocalDateTimeInput('not a date')).toBe('');
    expect(fromLocalDateTimeInput('2026-01-31')).toBeNull();
    expect(fromLocalDateTimeInput('2026-13-45T99:00')).toBeNull();
  });
});
