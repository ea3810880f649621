import type { z } from 'zod';
import { toFieldErrors, ValidationError } from '@/lib/errors';

/** Parses a server action's input; a ValidationError names the fields to highlight. */
export function parseActionInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new ValidationError('Check the highlighted fields.', toFieldErrors(parsed.error.issues));
  }
  return parsed.data;
}

/** A form's fields as an object; anything else as it is. */
export const formObject = (formData: unknown) =>
  formData instanceof FormData ? Object.fromEntries(formData) : formData;
