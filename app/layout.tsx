import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { SiteHeader, type HeaderUser } from '@/components/site-header';
import { isAdmin } from '@/server/auth/principal';
import { PageMain } from '@/components/navigation-progress';
import { ToastProvider } from '@/components/toast/toast-provider';
import './globals.css';

export const metadata: Metadata = {
  title: 'Taskdeck',
  description: 'Background work, live.',
};

export const dynamic = 'force-dynamic';

async function readHeaderUser(): Promise<HeaderUser | null> {
  // The layout never takes the page down (no error boundary sits above it): whatever goes
  // wrong resolving the principal, the header shows signed out and the page reports the error.
  try {
    const principal = await getPagePrincipal();
    return principal.kind === 'user' ? { email: principal.email, admin: isAdmin(principal) } : null;
  } catch {
    return null;
  }
}

export default async function RootLayout({ children }: { children: ReactNode }) {
  const user = await readHeaderUser();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased">
        <ToastProvider>
          <SiteHeader user={user} />
          <PageMain className="mx-auto max-w-6xl px-6 py-8">{children}</PageMain>
        </ToastProvider>
      </body>
    </html>
  );
}
