import { errorKeyOf, listFields, type FormField } from './field-model';

// The server names payload problems by path (`payload.steps`, `payload.file.name`,
// `payload.tags.0`); each goes under the field that holds it, the rest above the fields.

export interface PlacedErrors {
  /** By the field's error key. */
  byField: Record<string, string>;
  /** Payload errors no field holds (the payload as a whole, an unknown key), as `path: message`. */
  other: string[];
}

const isPayloadKey = (key: string) => key === 'payload' || key.startsWith('payload.');

/** Errors about anything but the payload (the schedule's name, priority) are the caller's. */
export function placeErrors(
  fields: readonly FormField[],
  errors: Readonly<Record<string, string>>,
): PlacedErrors {
  const fieldKeys = listFields(fields)
    .map((field) => errorKeyOf(field.path))
    .sort((a, b) => b.length - a.length);
  const placed: PlacedErrors = { byField: {}, other: [] };
  for (const [key, message] of Object.entries(errors)) {
    if (!isPayloadKey(key)) continue;
    const holder = fieldKeys.find((fieldKey) => key === fieldKey || key.startsWith(`${fieldKey}.`));
    if (holder !== undefined) {
      placed.byField[holder] = placed.byField[holder]
        ? `${placed.byField[holder]} ${message}`
        : message;
    } else {
      placed.other.push(describeErrorKey(key, message));
    }
  }
  return placed;
}

/** `payload.file.size: …` → `file.size: …`; the payload itself has no prefix. */
export function describeErrorKey(key: string, message: string): string {
  const path = key === 'payload' ? '' : key.replace(/^payload\./, '');
  return path ? `${path}: ${message}` : message;
}

/** Every payload error as a line, for the JSON view where no field shows them. */
export function listPayloadErrors(errors: Readonly<Record<string, string>>): string[] {
  return Object.entries(errors)
    .filter(([key]) => isPayloadKey(key))
    .map(([key, message]) => describeErrorKey(key, message));
}
