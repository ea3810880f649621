import { isPlainObject, type Payload } from './json-schema';

// The "Edit as JSON" view: the whole payload as text, and back.

export function formatPayloadJson(payload: Payload): string {
  return JSON.stringify(payload, null, 2);
}

export type ParsedPayloadJson = { ok: true; payload: Payload } | { ok: false; error: string };

export function parsePayloadJson(text: string): ParsedPayloadJson {
  if (text.trim() === '') return { ok: true, payload: {} };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
  }
  if (!isPlainObject(value)) {
    return { ok: false, error: 'The payload must be a JSON object: { "name": value, … }.' };
  }
  return { ok: true, payload: value };
}
