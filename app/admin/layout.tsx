import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { NavLinks, type NavLink } from '@/components/nav-links';
import { isAdmin } from '@/server/auth/principal';

const ADMIN_LINKS: NavLink[] = [
  { href: '/admin', label: 'Overview' },
  { href: '/admin/tasks', label: 'All tasks' },
  { href: '/admin/run', label: 'Run a task' },
  { href: '/admin/schedules', label: 'Schedules' },
  { href: '/admin/alerts', label: 'Alerts' },
  { href: '/admin/queues', label: 'Queues' },
  { href: '/admin/dead-letters', label: 'Dead letters' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/audit', label: 'Audit log' },
];

export default async function AdminLayout({ children }: { children: ReactNode }) {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else (each page checks again).
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  return (
    <div>
      <div className="mb-6 border-b border-slate-200 pb-3">
        <NavLinks links={ADMIN_LINKS} label="Admin" exact={['/admin']} />
      </div>
      {children}
    </div>
  );
}
