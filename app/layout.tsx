import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { getPagePrincipal } from '@/components/current-principal';
import { SiteHeader } from '@/components/site-header';
import { ANONYMOUS, type Principal } from '@/server/auth/principal';
import './globals.css';

export const metadata: Metadata = {
  title: 'Taskdeck',
  description: 'Background work, live.',
};

export const dynamic = 'force-dynamic';

async function headerPrincipal(): Promise<Principal> {
  // The layout never takes the page down (no error boundary sits above it): whatever goes
  // wrong resolving the principal, the header shows signed out and the page reports the error.
  try {
    return await getPagePrincipal();
  } catch {
    return ANONYMOUS;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const principal = await headerPrincipal();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <SiteHeader principal={principal} />
        <main className="mx-auto max-w-6xl px-6 py-8">{children}</main>
      </body>
    </html>
  );
}
