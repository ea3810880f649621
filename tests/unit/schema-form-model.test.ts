import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildFormModel, listFields, type FormField } from '@/lib/schema-form/field-model';
import { humanizeKey } from '@/lib/schema-form/humanize-key';
import type { JsonSchema } from '@/lib/schema-form/json-schema';
import { TASK_STATUSES } from '@/lib/tasks/task-view';
import { listTaskTypes } from '@/server/tasks/registry';
import { toPayloadJsonSchema, toTaskTypeForm } from '@/server/tasks/task-type-catalog';
import type { TaskType } from '@/server/tasks/task-type';

// JSON Schema → form fields, on every registered task type's real schema and on the shapes
// zod writes for what the types do not use yet.

const jsonSchemaOf = (schema: z.ZodType) =>
  z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;

const fieldsOf = (schema: z.ZodType) => buildFormModel(jsonSchemaOf(schema)).fields;

function typeNamed(name: string): TaskType {
  const type = listTaskTypes().find((candidate) => candidate.name === name);
  if (!type) throw new Error(`no task type ${name}`);
  return type;
}

/** The parts of a field a reader of the form sees, without the noise. */
function summarize(field: FormField): Record<string, unknown> {
  const { path, label, required, kind } = field;
  const base = { path: path.join('.'), label, required, kind };
  switch (field.kind) {
    case 'number':
      return {
        ...base,
        integer: field.integer,
        min: field.min,
        max: field.max,
        step: field.step,
        defaultValue: field.defaultValue,
      };
    case 'text':
      return {
        ...base,
        input: field.input,
        minLength: field.minLength,
        maxLength: field.maxLength,
      };
    case 'select':
    case 'checkboxes':
      return { ...base, options: field.options.map((option) => option.value) };
    case 'checkbox':
      return { ...base, defaultValue: field.defaultValue };
    default:
      return base;
  }
}

const fieldsOfType = (name: string) =>
  listFields(buildFormModel(toPayloadJsonSchema(typeNamed(name))).fields).map(summarize);

// One entry per registered type: a type added without one fails the first test.
const EXPECTED: Record<string, Array<Record<string, unknown>>> = {
  'diagnostics.simulate': [
    {
      path: 'steps',
      label: 'Steps',
      required: false,
      kind: 'number',
      integer: true,
      min: 1,
      max: 100_000,
      step: 1,
      defaultValue: 10,
    },
    {
      path: 'stepMs',
      label: 'Step ms',
      required: false,
      kind: 'number',
      integer: false,
      min: 0,
      max: 60_000,
      step: 'any',
      defaultValue: 200,
    },
    {
      path: 'failAtStep',
      label: 'Fail at step',
      required: false,
      kind: 'number',
      integer: true,
      min: 1,
      max: undefined,
      step: 1,
      defaultValue: undefined,
    },
    {
      path: 'failAttempts',
      label: 'Fail attempts',
      required: false,
      kind: 'number',
      integer: true,
      min: 1,
      max: undefined,
      step: 1,
      defaultValue: undefined,
    },
    {
      path: 'scratch',
      label: 'Scratch',
      required: false,
      kind: 'checkbox',
      defaultValue: undefined,
    },
  ],
  'diagnostics.stall': [
    {
      path: 'durationMs',
      label: 'Duration ms',
      required: false,
      kind: 'number',
      integer: true,
      min: 0,
      max: 60_000,
      step: 1,
      defaultValue: 20_000,
    },
    {
      path: 'honourSoftLimit',
      label: 'Honour soft limit',
      required: false,
      kind: 'checkbox',
      defaultValue: false,
    },
  ],
  'report.generate': [
    {
      path: 'kind',
      label: 'Kind',
      required: false,
      kind: 'select',
      options: ['activity', 'failures', 'durations'],
    },
    { path: 'format', label: 'Format', required: false, kind: 'select', options: ['csv', 'pdf'] },
    {
      path: 'from',
      label: 'From',
      required: false,
      kind: 'text',
      input: 'date',
      minLength: undefined,
      maxLength: undefined,
    },
    {
      path: 'to',
      label: 'To',
      required: false,
      kind: 'text',
      input: 'date',
      minLength: undefined,
      maxLength: undefined,
    },
    {
      path: 'days',
      label: 'Days',
      required: false,
      kind: 'number',
      integer: true,
      min: 1,
      max: 366,
      step: 1,
      defaultValue: undefined,
    },
  ],
  'maintenance.cleanup': [
    {
      path: 'olderThanDays',
      label: 'Older than days',
      required: false,
      kind: 'number',
      integer: true,
      min: 1,
      max: 3650,
      step: 1,
      defaultValue: undefined,
    },
  ],
  'email.send': [
    {
      path: 'to',
      label: 'To',
      required: true,
      kind: 'text',
      input: 'email',
      minLength: undefined,
      maxLength: undefined,
    },
    {
      path: 'subject',
      label: 'Subject',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: 1,
      maxLength: 200,
    },
    {
      path: 'text',
      label: 'Text',
      required: true,
      kind: 'text',
      input: 'textarea',
      minLength: undefined,
      maxLength: 20_000,
    },
    {
      path: 'aboutTaskId',
      label: 'About task ID',
      required: false,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: undefined,
    },
  ],
  'webhooks.deliver': [
    {
      path: 'deliveryId',
      label: 'Delivery ID',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: undefined,
    },
    {
      path: 'endpointId',
      label: 'Endpoint ID',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: undefined,
    },
    {
      path: 'eventType',
      label: 'Event type',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: 1,
      maxLength: 64,
    },
  ],
  'tasks.bulk': [
    {
      path: 'action',
      label: 'Action',
      required: true,
      kind: 'select',
      options: ['cancel', 'retry', 'delete'],
    },
    { path: 'filter', label: 'Filter', required: true, kind: 'fieldset' },
    {
      path: 'filter.status',
      label: 'Status',
      required: false,
      kind: 'checkboxes',
      // Every status, in the order the view declares them.
      options: [...TASK_STATUSES],
    },
    ...(
      [
        ['type', 'Type', 100],
        ['owner', 'Owner', 320],
        ['queue', 'Queue', 100],
        ['from', 'From', 40],
        ['to', 'To', 40],
        ['finishedFrom', 'Finished from', 40],
        ['finishedTo', 'Finished to', 40],
        ['q', 'Q', 200],
      ] as const
    ).map(([key, label, maxLength]) => ({
      path: `filter.${key}`,
      label,
      required: false,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength,
    })),
    {
      path: 'filter.include',
      label: 'Include',
      required: false,
      kind: 'select',
      options: ['children'],
    },
    {
      path: 'filter.parent',
      label: 'Parent',
      required: false,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: undefined,
    },
  ],
  'file.process': [
    { path: 'file', label: 'File', required: true, kind: 'fieldset' },
    {
      path: 'file.name',
      label: 'Name',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: 1,
      maxLength: 300,
    },
    {
      path: 'file.size',
      label: 'Size',
      required: true,
      kind: 'number',
      integer: true,
      min: 0,
      max: undefined,
      step: 1,
      defaultValue: undefined,
    },
    {
      path: 'file.sha256',
      label: 'SHA-256',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: undefined,
    },
    {
      path: 'file.type',
      label: 'Type',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: 200,
    },
    {
      path: 'file.kind',
      label: 'Kind',
      required: true,
      kind: 'select',
      options: ['empty', 'csv', 'image', 'text', 'binary'],
    },
    {
      path: 'file.label',
      label: 'Label',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: 200,
    },
    {
      path: 'file.declaredType',
      label: 'Declared type',
      required: true,
      kind: 'text',
      input: 'text',
      minLength: undefined,
      maxLength: 200,
    },
  ],
};

describe('the form of every registered task type', () => {
  it('has an expectation for each type in the registry', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual(
      listTaskTypes()
        .map((type) => type.name)
        .sort(),
    );
  });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: one field per property, with its kind, bounds and default`, () => {
      expect(buildFormModel(toPayloadJsonSchema(typeNamed(name))).mode).toBe('fields');
      expect(fieldsOfType(name)).toEqual(expected);
    });
  }

  it('report.generate is described by what it accepts, not what its transform returns', () => {
    const schema = toPayloadJsonSchema(typeNamed('report.generate'));
    expect(Object.keys(schema.properties ?? {})).toEqual(['kind', 'format', 'from', 'to', 'days']);
    expect(schema.required).toBeUndefined();
    expect(schema.additionalProperties).toBe(false);
  });

  it('hints state ranges and defaults the schema has', () => {
    const [steps, , failAtStep] = buildFormModel(
      toPayloadJsonSchema(typeNamed('diagnostics.simulate')),
    ).fields;
    expect(steps?.hint).toBe('A whole number, 1 to 100,000. Default 10.');
    expect(failAtStep?.hint).toBe('A whole number, at least 1.');
  });

  it('lists internal types as not runnable by hand, with the reason, as plain JSON', () => {
    const forms = listTaskTypes().map(toTaskTypeForm);
    expect(JSON.parse(JSON.stringify(forms))).toEqual(forms);
    const byName = Object.fromEntries(forms.map((form) => [form.name, form]));
    expect(byName['file.process']).toMatchObject({
      access: 'internal',
      runnableByHand: false,
      reason: 'upload a file instead',
    });
    expect(byName['email.send']).toMatchObject({
      access: 'internal',
      runnableByHand: false,
      reason: 'sent by Taskdeck when a task ends',
    });
    expect(byName['diagnostics.simulate']).toMatchObject({
      runnableByHand: true,
      queue: 'diagnostics',
      attempts: 3,
      timeoutMs: 30 * 60_000,
      access: 'user',
    });
    expect(byName['diagnostics.simulate']).not.toHaveProperty('reason');
    expect(byName['maintenance.cleanup']).toMatchObject({ runnableByHand: true, access: 'admin' });
  });
});

describe('buildFormModel on other shapes', () => {
  it('an object without properties takes no settings; anything else is edited as JSON', () => {
    expect(buildFormModel(jsonSchemaOf(z.object({}).strict()))).toEqual({
      mode: 'fields',
      fields: [],
    });
    expect(buildFormModel(jsonSchemaOf(z.object({})))).toEqual({ mode: 'fields', fields: [] });
    expect(buildFormModel(jsonSchemaOf(z.any())).mode).toBe('json');
    expect(buildFormModel(jsonSchemaOf(z.record(z.string(), z.number()))).mode).toBe('json');
  });

  it('maps each kind of value to its input', () => {
    const fields = fieldsOf(
      z.object({
        note: z.string().describe('Shown to the reader'),
        at: z.iso.datetime(),
        site: z.url().optional(),
        colours: z.array(z.enum(['red', 'green'])).optional(),
        level: z.union([z.literal(1), z.literal(2)]),
        mode: z.literal(['fast', 'slow']).default('slow'),
        ratio: z.number().positive(),
        count: z.number().int().positive().lt(10),
        body: z.string().max(5000),
        when: z.date(),
        free: z.record(z.string(), z.string()).optional(),
        big: z.bigint().optional(),
      }),
    ).map((field) => ({ ...summarize(field), description: field.description }));
    expect(fields).toEqual([
      expect.objectContaining({
        path: 'note',
        kind: 'text',
        input: 'text',
        description: 'Shown to the reader',
      }),
      expect.objectContaining({ path: 'at', kind: 'text', input: 'datetime-local' }),
      expect.objectContaining({ path: 'site', kind: 'text', input: 'url', required: false }),
      expect.objectContaining({ path: 'colours', kind: 'checkboxes', options: ['red', 'green'] }),
      expect.objectContaining({ path: 'level', kind: 'select', options: [1, 2], required: true }),
      expect.objectContaining({
        path: 'mode',
        kind: 'select',
        options: ['fast', 'slow'],
        required: false,
      }),
      expect.objectContaining({ path: 'ratio', kind: 'number', integer: false, min: undefined }),
      expect.objectContaining({ path: 'count', kind: 'number', integer: true, min: 1, max: 9 }),
      expect.objectContaining({ path: 'body', kind: 'text', input: 'textarea' }),
      expect.objectContaining({ path: 'when', kind: 'json', required: true }),
      expect.objectContaining({ path: 'free', kind: 'json', required: false }),
      expect.objectContaining({ path: 'big', kind: 'json', required: false }),
    ]);
  });

  it('unwraps nullable values and keeps what the schema says of them', () => {
    const [name, size] = fieldsOf(
      z.object({ name: z.string().nullable(), size: z.number().int().nullable().optional() }),
    );
    expect(name).toMatchObject({ kind: 'text', nullable: true, required: true });
    expect(size).toMatchObject({ kind: 'number', integer: true, nullable: true, required: false });
    const [wrapped] = buildFormModel({
      type: 'object',
      properties: {
        level: {
          anyOf: [{ type: 'integer', minimum: 2 }, { type: 'null' }],
          description: 'How much',
        },
      },
    }).fields;
    expect(wrapped).toMatchObject({
      kind: 'number',
      min: 2,
      nullable: true,
      description: 'How much',
    });
  });

  it('nests objects as fieldsets, recursively, with their own required keys', () => {
    const [outer] = fieldsOf(
      z.object({
        target: z
          .object({ host: z.string(), limits: z.object({ max: z.number().optional() }) })
          .optional(),
      }),
    );
    expect(outer).toMatchObject({ kind: 'fieldset', required: false, label: 'Target' });
    expect(listFields([outer!]).map((field) => [field.path.join('.'), field.required])).toEqual([
      ['target', false],
      ['target.host', true],
      ['target.limits', true],
      ['target.limits.max', false],
    ]);
  });

  it('uses a title as the label, and a default for checkboxes and selects', () => {
    const fields = buildFormModel({
      type: 'object',
      properties: {
        dry_run: { type: 'boolean', default: true },
        tone: { type: 'string', enum: ['calm', 'loud'], default: 'calm', title: 'Voice' },
      },
    }).fields;
    expect(fields).toEqual([
      expect.objectContaining({ label: 'Dry run', kind: 'checkbox', defaultValue: true }),
      expect.objectContaining({ label: 'Voice', kind: 'select', defaultValue: 'calm' }),
    ]);
  });
});

describe('humanizeKey', () => {
  it.each([
    ['stepMs', 'Step ms'],
    ['failAtStep', 'Fail at step'],
    ['aboutTaskId', 'About task ID'],
    ['older_than_days', 'Older than days'],
    ['sha256', 'SHA-256'],
    ['HTMLBody', 'HTML body'],
    ['report-url', 'Report URL'],
    ['x', 'X'],
  ])('%s → %s', (key, label) => {
    expect(humanizeKey(key)).toBe(label);
  });
});
