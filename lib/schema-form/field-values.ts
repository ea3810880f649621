import { buildFormModel, errorKeyOf, type FormField } from './field-model';
import { isPlainObject, type JsonSchema, type JsonValue, type Payload } from './json-schema';
import { fromLocalDateTimeInput, toLocalDateTimeInput } from './local-date-time';

// What the inputs hold (strings, checkbox states) ↔ the payload object. Empty optional inputs
// are left out so the type's own defaults apply; what cannot be converted is sent as typed, so
// the server's validation names the field, and reported here as a problem for the form to show.

/** Text and number inputs, selects and JSON: a string; checkbox: boolean; checkbox group: keys. */
export type FieldValue = string | boolean | string[];

/** By field key (`fieldKeyOf`); fieldsets hold no value of their own. */
export type FieldValues = Record<string, FieldValue>;

export interface BuiltPayload {
  payload: Payload;
  /** Inputs that could not be converted, by error key (`payload.steps`), with what to fix. */
  problems: Record<string, string>;
}

export function fieldKeyOf(field: Pick<FormField, 'path'>): string {
  return field.path.join('.');
}

function stringOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The inputs' contents for a payload (an edit, or the JSON editor going back to fields). */
export function toFieldValues(fields: readonly FormField[], payload: Payload): FieldValues {
  const values: FieldValues = {};
  for (const field of fields) {
    const key = field.path.at(-1) ?? '';
    const value = payload[key];
    Object.assign(values, fieldValueOf(field, value));
  }
  return values;
}

function fieldValueOf(field: FormField, value: unknown): FieldValues {
  const key = fieldKeyOf(field);
  switch (field.kind) {
    case 'fieldset':
      return toFieldValues(field.fields, isPlainObject(value) ? value : {});
    case 'text':
      if (field.input === 'datetime-local' && typeof value === 'string') {
        return { [key]: toLocalDateTimeInput(value) || value };
      }
      return { [key]: stringOf(value) };
    case 'number':
      return { [key]: stringOf(value) };
    case 'checkbox':
      // A checkbox cannot show "not set": it shows what the type would use.
      return { [key]: typeof value === 'boolean' ? value : (field.defaultValue ?? false) };
    case 'select': {
      const option = field.options.find((candidate) => sameJson(candidate.value, value));
      return { [key]: option?.key ?? '' };
    }
    case 'checkboxes': {
      const chosen = Array.isArray(value) ? value : [];
      return {
        [key]: field.options
          .filter((option) => chosen.some((item) => sameJson(option.value, item)))
          .map((option) => option.key),
      };
    }
    case 'json':
      return { [key]: value === undefined ? '' : JSON.stringify(value, null, 2) };
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The inputs of a fresh form: each field's default, empty where there is none. */
export function defaultFieldValues(fields: readonly FormField[]): FieldValues {
  const values: FieldValues = {};
  for (const field of fields) {
    if (field.kind === 'fieldset') {
      Object.assign(values, defaultFieldValues(field.fields));
    } else if (field.defaultValue !== undefined) {
      Object.assign(values, fieldValueOf(field, field.defaultValue));
    } else {
      Object.assign(values, fieldValueOf(field, undefined));
    }
  }
  return values;
}

/** The payload a fresh form stands for: the defaults the schema states. */
export function buildDefaultPayload(fields: readonly FormField[]): Payload {
  return buildPayload(fields, defaultFieldValues(fields)).payload;
}

/** A fresh form's payload for a schema: what a new run or schedule starts from. */
export function defaultPayloadOf(schema: JsonSchema): Payload {
  return buildDefaultPayload(buildFormModel(schema).fields);
}

export function buildPayload(fields: readonly FormField[], values: FieldValues): BuiltPayload {
  const problems: Record<string, string> = {};
  const payload = buildObject(fields, values, problems);
  return { payload, problems };
}

function buildObject(
  fields: readonly FormField[],
  values: FieldValues,
  problems: Record<string, string>,
): Payload {
  const payload: Payload = {};
  for (const field of fields) {
    const value = buildValue(field, values, problems);
    if (value !== undefined) payload[field.path.at(-1) ?? ''] = value;
  }
  return payload;
}

/** An empty input: left out when optional (the default applies), null when it may be. */
function emptyValue(field: FormField): null | undefined {
  return field.required && field.nullable ? null : undefined;
}

function buildValue(
  field: FormField,
  values: FieldValues,
  problems: Record<string, string>,
): unknown {
  const raw = values[fieldKeyOf(field)];
  const text = typeof raw === 'string' ? raw : '';
  switch (field.kind) {
    case 'fieldset': {
      const inner = buildObject(field.fields, values, problems);
      return Object.keys(inner).length === 0 && !field.required ? undefined : inner;
    }
    case 'text': {
      if (text === '') return field.required && !field.nullable ? '' : emptyValue(field);
      if (field.input !== 'datetime-local') return text;
      const iso = fromLocalDateTimeInput(text);
      if (iso === null) problems[errorKeyOf(field.path)] = 'Enter a date and time.';
      return iso ?? text;
    }
    case 'number': {
      const trimmed = text.trim();
      if (trimmed === '') return emptyValue(field);
      const number = Number(trimmed);
      if (Number.isFinite(number)) return number;
      problems[errorKeyOf(field.path)] = 'Enter a number.';
      return trimmed;
    }
    case 'checkbox':
      if (raw === true) return true;
      // Unticked means false, unless leaving it out means the same (no default to override).
      return field.required || field.defaultValue !== undefined ? false : undefined;
    case 'select': {
      if (text === '') return emptyValue(field);
      const option = field.options.find((candidate) => candidate.key === text);
      if (option) return option.value;
      problems[errorKeyOf(field.path)] = 'Choose one of the options.';
      return text;
    }
    case 'checkboxes': {
      const keys = Array.isArray(raw) ? raw : [];
      const chosen = field.options.filter((option) => keys.includes(option.key));
      if (chosen.length === 0 && !field.required && field.defaultValue === undefined) {
        return undefined;
      }
      return chosen.map((option) => option.value);
    }
    case 'json': {
      if (text.trim() === '') return emptyValue(field);
      try {
        return JSON.parse(text) as JsonValue;
      } catch (error) {
        problems[errorKeyOf(field.path)] = `Not valid JSON: ${(error as Error).message}`;
        return text;
      }
    }
  }
}
