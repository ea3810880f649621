import { z } from 'zod';
import type { JsonSchema } from '@/lib/schema-form/json-schema';
import type { TaskTypeForm } from '@/lib/tasks/task-type-form';
import { requireAdmin, type Principal } from '@/server/auth/principal';
import { listTaskTypes } from './registry';
import { DEFAULT_ORIGIN, type TaskType } from './task-type';

// Task types as forms: what each takes (as JSON Schema, for the browser) and whether an admin
// may run it by hand.

/** Null when an admin may run the type by hand; otherwise why not (its tasks come from elsewhere). */
export function describeByHandRefusal(type: TaskType): string | null {
  if ((type.access ?? 'user') !== 'internal') return null;
  return type.origin?.byHand ?? DEFAULT_ORIGIN.byHand;
}

// The input shape: report.generate's transform and refinements describe what it accepts, not
// what it becomes. Anything JSON Schema cannot say (a date object) becomes {}: a JSON field.
const jsonSchemas = new WeakMap<TaskType, JsonSchema>();

export function toPayloadJsonSchema(type: TaskType): JsonSchema {
  let schema = jsonSchemas.get(type);
  if (!schema) {
    const generated = z.toJSONSchema(type.schema, { io: 'input', unrepresentable: 'any' });
    // A round trip through JSON: plain data only, as client components need.
    schema = JSON.parse(JSON.stringify(generated)) as JsonSchema;
    jsonSchemas.set(type, schema);
  }
  return schema;
}

export function toTaskTypeForm(type: TaskType): TaskTypeForm {
  const refusal = describeByHandRefusal(type);
  return {
    name: type.name,
    title: type.title,
    description: type.description,
    queue: type.defaults.queue,
    access: type.access ?? 'user',
    attempts: type.defaults.attempts,
    timeoutMs: type.defaults.timeoutMs,
    jsonSchema: toPayloadJsonSchema(type),
    runnableByHand: refusal === null,
    ...(refusal === null ? {} : { reason: refusal }),
  };
}

/** Every registered type, runnable ones first, each group by name. */
export function listTaskTypeForms(principal: Principal): TaskTypeForm[] {
  requireAdmin(principal);
  return listTaskTypes()
    .map(toTaskTypeForm)
    .sort(
      (a, b) => Number(b.runnableByHand) - Number(a.runnableByHand) || a.name.localeCompare(b.name),
    );
}
