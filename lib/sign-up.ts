// Shared by the sign-up form (browser) and the sign-up policy (server/auth/sign-up-policy.ts).

export const SIGNUP_MODES = ['open', 'invite', 'closed'] as const;
export type SignUpMode = (typeof SIGNUP_MODES)[number];

/** The header the sign-up form sends an invitation's token in. */
export const INVITE_TOKEN_HEADER = 'x-taskdeck-invite';
