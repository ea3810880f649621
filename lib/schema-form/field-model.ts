import { humanizeKey } from './humanize-key';
import { isPlainObject, type JsonSchema, type JsonSchemaType, type JsonValue } from './json-schema';

// JSON Schema → the fields of a form. Pure, so it is tested on every task type's real schema
// and runs the same in the browser.

export interface FieldOption {
  /** The <option>/<input> value: the enum value itself for strings, tagged JSON otherwise. */
  key: string;
  value: JsonValue;
  label: string;
}

interface FieldBase {
  /** Keys from the payload's top, e.g. ['file', 'name']. */
  path: string[];
  label: string;
  description?: string;
  /** What a reader needs and the schema says: range, length, default. */
  hint?: string;
  required: boolean;
  /** The schema allows null: an empty required input sends null. */
  nullable: boolean;
}

export type TextInput = 'text' | 'textarea' | 'email' | 'url' | 'date' | 'datetime-local';

export type FormField =
  | (FieldBase & {
      kind: 'text';
      input: TextInput;
      minLength?: number;
      maxLength?: number;
      defaultValue?: string;
    })
  | (FieldBase & {
      kind: 'number';
      integer: boolean;
      min?: number;
      max?: number;
      step: number | 'any';
      defaultValue?: number;
    })
  | (FieldBase & { kind: 'checkbox'; defaultValue?: boolean })
  | (FieldBase & { kind: 'select'; options: FieldOption[]; defaultValue?: JsonValue })
  | (FieldBase & {
      kind: 'checkboxes';
      options: FieldOption[];
      minItems?: number;
      maxItems?: number;
      defaultValue?: JsonValue[];
    })
  | (FieldBase & { kind: 'fieldset'; fields: FormField[] })
  | (FieldBase & { kind: 'json'; defaultValue?: JsonValue });

export type FieldKind = FormField['kind'];

export interface PayloadFormModel {
  /**
   * `fields`: an object with named properties (none: the type takes no settings). `json`: the
   * schema's top is something else (any value, a record), edited as JSON only.
   */
  mode: 'fields' | 'json';
  fields: FormField[];
}

/** Textareas for strings that may be longer than a line. */
const TEXTAREA_MIN_LENGTH = 500;

const TEXT_FORMATS: Record<string, TextInput> = {
  date: 'date',
  'date-time': 'datetime-local',
  email: 'email',
  uri: 'url',
  url: 'url',
};

/** How a field is named in the server's errors (toFieldErrors with the `payload` prefix). */
export function errorKeyOf(path: readonly string[]): string {
  return ['payload', ...path].join('.');
}

export function buildFormModel(schema: JsonSchema): PayloadFormModel {
  const { schema: root } = unwrapNullable(schema);
  if (isObjectSchema(root) && (root.properties || !acceptsAnyKeys(root))) {
    return { mode: 'fields', fields: buildObjectFields(root, []) };
  }
  return { mode: 'json', fields: [] };
}

function typesOf(schema: JsonSchema): JsonSchemaType[] {
  if (Array.isArray(schema.type)) return schema.type;
  return schema.type ? [schema.type] : [];
}

function isObjectSchema(schema: JsonSchema): boolean {
  const types = typesOf(schema);
  return types.length === 1 && types[0] === 'object';
}

/** A record (`additionalProperties` with a schema, or true): its keys are the data. */
function acceptsAnyKeys(schema: JsonSchema): boolean {
  return schema.additionalProperties === true || isPlainObject(schema.additionalProperties);
}

/** `type: ['string', 'null']` or `anyOf: [X, { type: 'null' }]` → X, nullable. */
function unwrapNullable(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const types = typesOf(schema);
  if (types.length === 2 && types.includes('null')) {
    return { schema: { ...schema, type: types.find((t) => t !== 'null') }, nullable: true };
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches?.length === 2) {
    const other = branches.filter((branch) => !(branch.type === 'null' && !branch.enum));
    if (other.length === 1 && other[0]) {
      const { anyOf: _anyOf, oneOf: _oneOf, ...outer } = schema;
      return { schema: { ...other[0], ...outer }, nullable: true };
    }
  }
  return { schema, nullable: false };
}

function optionKey(value: JsonValue): string {
  return typeof value === 'string' ? value : `json:${JSON.stringify(value)}`;
}

function toOptions(values: JsonValue[]): FieldOption[] {
  return values.map((value) => ({
    key: optionKey(value),
    value,
    label: typeof value === 'string' ? humanizeKey(value) : JSON.stringify(value),
  }));
}

/** The allowed values of an enum, a const, or a union of consts (zod's literal unions). */
function enumValues(schema: JsonSchema): JsonValue[] | null {
  if (schema.enum) return schema.enum;
  if (schema.const !== undefined) return [schema.const];
  const branches = schema.anyOf ?? schema.oneOf;
  if (!branches || branches.length === 0) return null;
  const values: JsonValue[] = [];
  for (const branch of branches) {
    const inner = enumValues(branch);
    if (!inner) return null;
    values.push(...inner);
  }
  return values;
}

/** zod writes ±MAX_SAFE_INTEGER for an int without a bound: no bound to show. */
function bound(value: number | undefined): number | undefined {
  return value !== undefined && Math.abs(value) < Number.MAX_SAFE_INTEGER ? value : undefined;
}

function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

function describeRange(min: number | undefined, max: number | undefined, unit = ''): string {
  if (min !== undefined && max !== undefined)
    return `${formatNumber(min)} to ${formatNumber(max)}${unit}`;
  if (min !== undefined) return `at least ${formatNumber(min)}${unit}`;
  if (max !== undefined) return `at most ${formatNumber(max)}${unit}`;
  return '';
}

function joinHint(parts: Array<string | undefined | false>): string | undefined {
  const sentences = parts
    .filter((part): part is string => Boolean(part))
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}.`);
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

function defaultHint(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `default ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}

function buildObjectFields(schema: JsonSchema, parent: string[]): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([key, property]) =>
    buildField([...parent, key], property, required.has(key)),
  );
}

function buildField(path: string[], original: JsonSchema, required: boolean): FormField {
  const { schema, nullable } = unwrapNullable(original);
  const key = path.at(-1) ?? '';
  const base: FieldBase = {
    path,
    label: schema.title ?? humanizeKey(key),
    ...(schema.description ? { description: schema.description } : {}),
    required,
    nullable,
  };
  const fallback = (): FormField => ({
    ...base,
    kind: 'json',
    hint: joinHint(['as JSON', defaultHint(schema.default)]),
    ...(schema.default !== undefined ? { defaultValue: schema.default } : {}),
  });

  const choices = enumValues(schema);
  if (choices) {
    const defaultValue = schema.default;
    return {
      ...base,
      kind: 'select',
      options: toOptions(choices),
      hint: joinHint([defaultHint(defaultValue)]),
      ...(defaultValue !== undefined ? { defaultValue } : {}),
    };
  }

  const types = typesOf(schema);
  if (types.length !== 1) return fallback();
  switch (types[0]) {
    case 'string':
      return buildTextField(base, schema);
    case 'number':
    case 'integer':
      return buildNumberField(base, schema, types[0] === 'integer');
    case 'boolean':
      return {
        ...base,
        kind: 'checkbox',
        ...(typeof schema.default === 'boolean' ? { defaultValue: schema.default } : {}),
      };
    case 'array': {
      const options = schema.items ? enumValues(schema.items) : null;
      if (!options) return fallback();
      const defaultValue = Array.isArray(schema.default) ? schema.default : undefined;
      return {
        ...base,
        kind: 'checkboxes',
        options: toOptions(options),
        ...(schema.minItems !== undefined ? { minItems: schema.minItems } : {}),
        ...(schema.maxItems !== undefined ? { maxItems: schema.maxItems } : {}),
        hint: joinHint([
          describeRange(schema.minItems, schema.maxItems, ' choices'),
          defaultValue && defaultHint(defaultValue),
        ]),
        ...(defaultValue ? { defaultValue } : {}),
      };
    }
    case 'object':
      if (!schema.properties || acceptsAnyKeys(schema)) return fallback();
      return { ...base, kind: 'fieldset', fields: buildObjectFields(schema, path) };
    default:
      return fallback();
  }
}

function buildTextField(base: FieldBase, schema: JsonSchema): FormField {
  const format = schema.format ? TEXT_FORMATS[schema.format] : undefined;
  // Without a maxLength there is no telling: one line, as most such strings are.
  const long = schema.maxLength !== undefined && schema.maxLength > TEXTAREA_MIN_LENGTH;
  const input: TextInput = format ?? (long ? 'textarea' : 'text');
  const defaultValue = typeof schema.default === 'string' ? schema.default : undefined;
  const length = describeRange(bound(schema.minLength), bound(schema.maxLength), ' characters');
  return {
    ...base,
    kind: 'text',
    input,
    ...(schema.minLength !== undefined ? { minLength: schema.minLength } : {}),
    ...(schema.maxLength !== undefined ? { maxLength: schema.maxLength } : {}),
    hint: joinHint([
      input === 'date' && 'a date like 2026-01-31',
      format === undefined && length,
      defaultHint(defaultValue),
    ]),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
  };
}

function buildNumberField(base: FieldBase, schema: JsonSchema, integer: boolean): FormField {
  let min = bound(schema.minimum);
  let max = bound(schema.maximum);
  // A strict bound is one step further in for whole numbers; for others the server says.
  const exclusiveMin = bound(schema.exclusiveMinimum);
  const exclusiveMax = bound(schema.exclusiveMaximum);
  if (integer && exclusiveMin !== undefined) min = Math.floor(exclusiveMin) + 1;
  if (integer && exclusiveMax !== undefined) max = Math.ceil(exclusiveMax) - 1;
  const step = schema.multipleOf ?? (integer ? 1 : 'any');
  const defaultValue = typeof schema.default === 'number' ? schema.default : undefined;
  const range = describeRange(min, max);
  return {
    ...base,
    kind: 'number',
    integer,
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    step,
    hint: joinHint([
      integer ? `a whole number${range ? `, ${range}` : ''}` : range,
      exclusiveMin !== undefined && !integer && `more than ${formatNumber(exclusiveMin)}`,
      exclusiveMax !== undefined && !integer && `less than ${formatNumber(exclusiveMax)}`,
      defaultHint(defaultValue),
    ]),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
  };
}

/** Every field, depth first, fieldsets included. */
export function listFields(fields: readonly FormField[]): FormField[] {
  return fields.flatMap((field) =>
    field.kind === 'fieldset' ? [field, ...listFields(field.fields)] : [field],
  );
}
