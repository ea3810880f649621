// Who is acting. Accounts arrive in a later issue: until then every caller is anonymous and
// sees the tasks without an owner. Every service takes a Principal so that seam is the only
// thing that changes.

export type Principal = { kind: 'anonymous' };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The owner recorded on tasks this principal creates. */
export function ownerIdFor(principal: Principal): string | null {
  switch (principal.kind) {
    case 'anonymous':
      return null;
  }
}

/** Narrows a task query to what the principal may see. */
export function visibleTasksWhere(principal: Principal): { ownerId: string | null } {
  return { ownerId: ownerIdFor(principal) };
}

export function canSeeTask(principal: Principal, task: { ownerId: string | null }): boolean {
  return task.ownerId === ownerIdFor(principal);
}

/** The Socket.IO room that receives every event of this principal's tasks. */
export function ownerRoom(ownerId: string | null): string {
  return `owner:${ownerId ?? 'anonymous'}`;
}

export async function authenticateRequest(_headers: Headers): Promise<Principal> {
  return ANONYMOUS;
}
