import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getPagePrincipal } from '@/server/auth/page-principal';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign in · Taskdeck' };

export default async function SignInPage() {
  if ((await getPagePrincipal()).kind === 'user') redirect('/');
  return <AuthForm mode="sign-in" />;
}
