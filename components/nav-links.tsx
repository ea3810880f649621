'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

export interface NavLink {
  href: string;
  label: string;
}

function isCurrent(pathname: string, href: string, exact: readonly string[]): boolean {
  if (href === '/' || exact.includes(href)) return pathname === href;
  return pathname === href || pathname.startsWith(`${href}/`);
}

/**
 * A row of links, the current page's marked for assistive technology and by colour. Links in
 * `exact` are current only on their own page (the admin overview, not every admin page).
 */
export function NavLinks({
  links,
  label = 'Main',
  exact = [],
}: {
  links: NavLink[];
  label?: string;
  exact?: readonly string[];
}) {
  const pathname = usePathname();
  return (
    <nav aria-label={label}>
      <ul className="flex flex-wrap items-center gap-1 text-sm">
        {links.map((link) => {
          const current = isCurrent(pathname, link.href, exact);
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={current ? 'page' : undefined}
                className={`rounded-md px-2.5 py-1.5 font-medium ${
                  current
                    ? 'bg-slate-100 text-slate-900'
                    : 'text-slate-600 hover:bg-slate-50 hover:text-slate-900'
                }`}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
