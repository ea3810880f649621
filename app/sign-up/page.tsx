import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { AuthForm } from '@/components/auth-form';
import { getPagePrincipal } from '@/components/current-principal';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Sign up · Taskdeck' };

export default async function SignUpPage() {
  if ((await getPagePrincipal()).kind === 'user') redirect('/');
  return <AuthForm mode="sign-up" />;
}
