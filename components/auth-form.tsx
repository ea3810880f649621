'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { authClient, describeAuthFailure, type AuthFailure } from '@/lib/auth-client';
import { INVITE_TOKEN_HEADER } from '@/lib/sign-up';
import { inputClass } from './styles';

const MIN_PASSWORD_LENGTH = 8;

type Mode = 'sign-in' | 'sign-up';

const COPY: Record<Mode, { title: string; submit: string; pending: string }> = {
  'sign-in': { title: 'Sign in to Taskdeck', submit: 'Sign in', pending: 'Signing in…' },
  'sign-up': { title: 'Create your account', submit: 'Sign up', pending: 'Creating account…' },
};

/**
 * The sign-in and sign-up forms: Better Auth's email and password endpoints, from the browser.
 * With SIGNUP_MODE=invite the sign-up sends the invitation's token from the link.
 */
export function AuthForm({ mode, inviteToken }: { mode: Mode; inviteToken?: string }) {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const copy = COPY[mode];

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const name = String(form.get('name') ?? '').trim();
    setPending(true);
    setError(null);
    let retryAfter: string | null = null;
    const fetchOptions = {
      ...(inviteToken ? { headers: { [INVITE_TOKEN_HEADER]: inviteToken } } : {}),
      onError(context: { response: Response }) {
        retryAfter = context.response.headers.get('retry-after');
      },
    };
    try {
      const result =
        mode === 'sign-up'
          ? await authClient.signUp.email({ email, password, name: name || email }, fetchOptions)
          : await authClient.signIn.email({ email, password }, fetchOptions);
      if (result.error) {
        setError(describeAuthFailure(result.error as AuthFailure, retryAfter));
        setPending(false);
        return;
      }
      router.push('/');
      router.refresh();
    } catch {
      setError('Could not reach Taskdeck. Check your connection and try again.');
      setPending(false);
    }
  }

  return (
    <div className="mx-auto max-w-sm">
      <h1 className="mb-6 text-center text-2xl font-semibold tracking-tight">{copy.title}</h1>
      <form
        onSubmit={submit}
        aria-label={copy.title}
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-6 shadow-sm"
      >
        {mode === 'sign-up' ? (
          <label className="block text-sm font-medium text-slate-700">
            Name
            <input
              name="name"
              type="text"
              autoComplete="name"
              maxLength={100}
              required
              className={inputClass}
            />
          </label>
        ) : null}
        <label className="block text-sm font-medium text-slate-700">
          Email
          <input
            name="email"
            type="email"
            autoComplete="email"
            maxLength={320}
            required
            className={inputClass}
          />
        </label>
        <label className="block text-sm font-medium text-slate-700">
          Password
          <input
            name="password"
            type="password"
            autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
            minLength={mode === 'sign-up' ? MIN_PASSWORD_LENGTH : undefined}
            maxLength={128}
            required
            aria-describedby={mode === 'sign-up' ? 'password-hint' : undefined}
            className={inputClass}
          />
          {mode === 'sign-up' ? (
            <span id="password-hint" className="mt-1 block text-xs font-normal text-slate-500">
              At least {MIN_PASSWORD_LENGTH} characters.
            </span>
          ) : null}
        </label>
        {error ? (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        ) : null}
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-md bg-blue-600 px-3 py-2 text-sm font-semibold text-white shadow-sm hover:bg-blue-700 disabled:cursor-not-allowed disabled:opacity-60"
        >
          {pending ? copy.pending : copy.submit}
        </button>
      </form>
      <p className="mt-4 text-center text-sm text-slate-600">
        {mode === 'sign-in' ? (
          <>
            No account yet?{' '}
            <Link href="/sign-up" className="font-medium text-blue-700 hover:underline">
              Sign up
            </Link>
          </>
        ) : (
          <>
            Already have an account?{' '}
            <Link href="/sign-in" className="font-medium text-blue-700 hover:underline">
              Sign in
            </Link>
          </>
        )}
      </p>
    </div>
  );
}
