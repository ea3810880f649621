import type { z } from 'zod';
import { runAction, type ActionResult } from '@/server/http/action';
import type { ActionDefinition } from './action-definition';

// defineAction turns a definition into the server action itself: the async function a
// 'use server' module (server/<feature>/<feature>-actions.ts) exports and a component calls.
// It carries its definition, so tests and the authorization matrix enumerate the exports.

/** A callable server action and the definition it runs. */
export interface ServerAction<Args extends unknown[] = never[], Output = unknown> {
  (...args: Args): Promise<ActionResult<Output>>;
  readonly definition: ActionDefinition<z.ZodType, Output>;
}

type DefinitionOf<Schema extends z.ZodType, How, Output> = Omit<
  ActionDefinition<Schema, Output>,
  'args'
> & { args: How };

/** Positional arguments typed by the schema's fields they name. */
type Positional<Schema extends z.ZodType, Names extends readonly string[]> = {
  -readonly [Index in keyof Names]: Names[Index] extends keyof z.input<Schema>
    ? z.input<Schema>[Names[Index]]
    : never;
};

export function defineAction<
  Schema extends z.ZodType,
  const Names extends readonly (keyof z.input<Schema> & string)[],
  Output,
>(definition: DefinitionOf<Schema, Names, Output>): ServerAction<Positional<Schema, Names>, Output>;
export function defineAction<Schema extends z.ZodType, Output>(
  definition: DefinitionOf<Schema, 'form', Output>,
): ServerAction<[form: FormData], Output>;
export function defineAction<Schema extends z.ZodType, Output>(
  definition: DefinitionOf<Schema, 'value', Output>,
): ServerAction<[input: z.input<Schema>], Output>;
export function defineAction(definition: ActionDefinition): ServerAction<unknown[]> {
  const action = async (...args: unknown[]) => runAction(definition, ...args);
  return Object.assign(action, { definition });
}

/** Whether a module's export is an action made by defineAction. */
export function isServerAction(value: unknown): value is ServerAction<unknown[]> {
  return (
    typeof value === 'function' &&
    'definition' in value &&
    typeof (value as { definition?: { run?: unknown } }).definition?.run === 'function'
  );
}
