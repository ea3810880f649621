import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { getSignUpMode } from '@/server/auth/sign-up-policy';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign up · Taskdeck' };

function Notice({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="mx-auto max-w-sm rounded-lg border border-slate-200 bg-white p-6 text-center shadow-sm">
      <h1 className="mb-2 text-xl font-semibold tracking-tight">{title}</h1>
      <p className="text-sm text-slate-600">{children}</p>
    </div>
  );
}

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if ((await getPagePrincipal()).kind === 'user') redirect('/');
  const mode = getSignUpMode();
  const invite = (await searchParams).invite;
  const token = typeof invite === 'string' ? invite.slice(0, 100) : undefined;
  if (mode === 'closed') {
    return <Notice title="Sign-up is closed">Ask an admin of this Taskdeck for an account.</Notice>;
  }
  if (mode === 'invite' && !token) {
    return (
      <Notice title="Sign-up is by invitation">
        Use the link an admin sent you. Already have an account?{' '}
        <Link href="/sign-in">Sign in</Link>.
      </Notice>
    );
  }
  return <AuthForm mode="sign-up" inviteToken={mode === 'invite' ? token : undefined} />;
}
