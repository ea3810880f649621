import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ForbiddenError, ValidationError } from '@/lib/errors';
import { executeAction, type ActionDefinition } from '@/server/actions/action-definition';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { ANONYMOUS, type Principal } from '@/server/auth/principal';

// How an action's definition turns the caller's arguments into its parsed input: the part of
// the dispatcher every server action shares (the authorization matrix runs each one whole).

const alice: Principal = {
  kind: 'user',
  userId: 'u1',
  email: 'alice@example.test',
  role: 'user',
  via: 'session',
};

function definition(
  args: ActionDefinition['args'],
  input: z.ZodType,
  guard?: ActionDefinition['guard'],
): ActionDefinition {
  return { name: 'probe', args, input, guard, run: async (_p, _c, parsed) => parsed };
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('executeAction', () => {
  const pair = z.object({ id: z.uuid('No such thing.'), enabled: z.boolean() });

  it('names positional arguments after the fields they fill, so field errors name them', async () => {
    const ok = definition(['id', 'enabled'], pair);
    const id = '0193c5a0-0000-7000-8000-000000000000';
    expect(await executeAction(ok, alice, NO_AUDIT_CONTEXT, [id, true])).toEqual({
      id,
      enabled: true,
    });
    const error = await rejectionOf(executeAction(ok, alice, NO_AUDIT_CONTEXT, ['x', 'yes']));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).fieldErrors.map((field) => field.path)).toEqual([
      'id',
      'enabled',
    ]);
  });

  it("reads a form's fields, and takes an object as it is", async () => {
    const form = definition('form', z.object({ name: z.string().min(1) }));
    const data = new FormData();
    data.set('name', 'nightly');
    expect(await executeAction(form, alice, NO_AUDIT_CONTEXT, [data])).toEqual({
      name: 'nightly',
    });
    expect(await executeAction(form, alice, NO_AUDIT_CONTEXT, [{ name: 'x' }])).toEqual({
      name: 'x',
    });
  });

  it('parses one value as it is', async () => {
    const value = definition('value', z.record(z.string(), z.number()));
    expect(await executeAction(value, alice, NO_AUDIT_CONTEXT, [{ a: 1 }])).toEqual({ a: 1 });
    await expect(executeAction(value, alice, NO_AUDIT_CONTEXT, ['a'])).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('checks the caller before the input', async () => {
    const guarded = definition(['id', 'enabled'], pair, (principal) => {
      if (principal.kind !== 'user') throw new ForbiddenError('No.');
    });
    await expect(
      executeAction(guarded, ANONYMOUS, NO_AUDIT_CONTEXT, ['not an id']),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      executeAction(guarded, alice, NO_AUDIT_CONTEXT, ['not an id']),
    ).rejects.toBeInstanceOf(ValidationError);
  });
});
