import type { z } from 'zod';
import type { AuditContext } from '@/server/audit/audit-service';
import type { Principal } from '@/server/auth/principal';
import { formObject, parseActionInput } from './parse-action-input';

// What a server action is, apart from how Next calls it: its input schema and its run function.
// The dispatcher (server/http/action.ts) and the tests run definitions through executeAction,
// so a caller is checked, then the input parsed, the same way everywhere.

/**
 * How the caller's arguments become the input the schema parses: positional arguments named in
 * order (`['id', 'enabled']` → `{ id, enabled }`, so field errors name the argument), a form
 * (FormData → its fields; an object as it is), or the one argument as it is.
 */
export type ActionArgs = readonly string[] | 'form' | 'value';

export interface ActionDefinition<Schema extends z.ZodType = z.ZodType, Output = unknown> {
  /** The export's name: failures are logged under it, the authorization matrix is keyed by it. */
  name: string;
  args: ActionArgs;
  input: Schema;
  /** Runs before the input is parsed: a caller who may not ask learns nothing of its rules. */
  guard?: (principal: Principal) => unknown;
  /** A page whose server render shows what a successful call changed. */
  revalidate?: string;
  run: (principal: Principal, context: AuditContext, input: z.output<Schema>) => Promise<Output>;
}

/** The value the definition's schema parses, built from the caller's arguments. */
export function inputOf(definition: ActionDefinition, args: readonly unknown[]): unknown {
  if (definition.args === 'form') return formObject(args[0]);
  if (definition.args === 'value') return args[0];
  return Object.fromEntries(definition.args.map((name, index) => [name, args[index]]));
}

/** Checks the caller, parses the arguments and runs the action; typed errors are thrown. */
export async function executeAction<Output>(
  definition: ActionDefinition<z.ZodType, Output>,
  principal: Principal,
  context: AuditContext,
  args: readonly unknown[],
): Promise<Output> {
  definition.guard?.(principal);
  const input = parseActionInput(definition.input, inputOf(definition, args));
  return definition.run(principal, context, input);
}
