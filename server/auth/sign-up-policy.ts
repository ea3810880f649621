import { getEnv } from '@/lib/env';
import { ForbiddenError } from '@/lib/errors';
import { INVITE_TOKEN_HEADER, type SignUpMode } from '@/lib/sign-up';
import { claimInvitation, releaseInvitation } from './invitation-service';

// Who may create an account (SIGNUP_MODE): anyone, only an invitee, or no one. Enforced in front
// of Better Auth's sign-up endpoint, the only way in from outside.

export function getSignUpMode(): SignUpMode {
  return getEnv().SIGNUP_MODE;
}

async function readEmail(request: Request): Promise<string> {
  try {
    const body = (await request.clone().json()) as { email?: unknown };
    return typeof body.email === 'string' ? body.email : '';
  } catch {
    return '';
  }
}

/** Runs a sign-up (`signUp`: Better Auth's handler) if the mode allows it; 403 otherwise. */
export async function runSignUp(
  request: Request,
  signUp: () => Promise<Response>,
): Promise<Response> {
  const mode = getSignUpMode();
  if (mode === 'open') return signUp();
  if (mode === 'closed') {
    throw new ForbiddenError('Sign-up is closed. Ask an admin of this Taskdeck for an account.');
  }
  const token = request.headers.get(INVITE_TOKEN_HEADER);
  if (!token) throw new ForbiddenError('Sign-up is by invitation: use the link an admin sent you.');
  const invitationId = await claimInvitation(token, await readEmail(request));
  let response: Response;
  try {
    response = await signUp();
  } catch (error) {
    await releaseInvitation(invitationId);
    throw error;
  }
  // A refused sign-up (a short password) leaves the invitation for the next try.
  if (!response.ok) await releaseInvitation(invitationId);
  return response;
}
