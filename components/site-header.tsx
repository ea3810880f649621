import Link from 'next/link';
import { NavLinks, type NavLink } from './nav-links';
import { SignOutButton } from './sign-out-button';

/** Who the header shows as signed in; the layout derives it from the request's principal. */
export interface HeaderUser {
  email: string;
  admin: boolean;
}

export function SiteHeader({ user }: { user: HeaderUser | null }) {
  const admin = user?.admin ?? false;
  const links: NavLink[] =
    user !== null
      ? [
          { href: '/', label: 'Tasks' },
          { href: '/settings/api-keys', label: 'API keys' },
          { href: '/settings/webhooks', label: 'Webhooks' },
          ...(admin ? [{ href: '/admin', label: 'Admin' }] : []),
        ]
      : [];
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center justify-between gap-x-6 gap-y-3 px-6 py-4">
        <div className="flex flex-wrap items-center gap-6">
          <Link href="/" className="text-lg font-semibold tracking-tight">
            Taskdeck
          </Link>
          {links.length > 0 ? <NavLinks links={links} /> : null}
        </div>
        {user !== null ? (
          <div className="flex items-center gap-3 text-sm">
            <span data-testid="current-user" className="text-slate-600">
              {user.email}
            </span>
            {admin ? (
              <span
                data-testid="admin-badge"
                className="rounded-full bg-violet-100 px-2 py-0.5 text-xs font-semibold text-violet-800"
              >
                admin
              </span>
            ) : null}
            <SignOutButton />
          </div>
        ) : (
          <div className="flex items-center gap-2 text-sm">
            <Link
              href="/sign-in"
              className="rounded-md px-2.5 py-1 font-medium text-slate-700 hover:bg-slate-50"
            >
              Sign in
            </Link>
            <Link
              href="/sign-up"
              className="rounded-md bg-blue-600 px-2.5 py-1 font-medium text-white hover:bg-blue-700"
            >
              Sign up
            </Link>
          </div>
        )}
      </div>
    </header>
  );
}
