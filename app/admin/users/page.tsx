import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RoleSelect } from '@/components/admin/role-select';
import { getPagePrincipal } from '@/components/current-principal';
import { formatUtc } from '@/components/format';
import { PageHeading } from '@/components/page-heading';
import { isAdmin } from '@/server/auth/principal';
import { listUsers } from '@/server/auth/user-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Users · Taskdeck' };

export default async function UsersPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const users = await listUsers(principal);
  return (
    <div>
      <PageHeading title="Users">
        Everyone with an account. Admins see every task and the audit log; there is always at least
        one admin. Times are UTC.
      </PageHeading>
      {users.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium">No users yet</p>
        </div>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2">
                  Email
                </th>
                <th scope="col" className="px-4 py-2">
                  Name
                </th>
                <th scope="col" className="px-4 py-2">
                  Role
                </th>
                <th scope="col" className="px-4 py-2">
                  Created
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-200">
              {users.map((user) => (
                <tr key={user.id} data-testid="user-row" data-user-id={user.id}>
                  <td className="px-4 py-3 font-medium">
                    {user.email}
                    {user.id === principal.userId ? (
                      <span className="ml-2 text-xs font-normal text-slate-500">(you)</span>
                    ) : null}
                  </td>
                  <td className="px-4 py-3 text-slate-600">{user.name}</td>
                  <td className="px-4 py-3">
                    <RoleSelect
                      userId={user.id}
                      email={user.email}
                      role={user.role}
                      isSelf={user.id === principal.userId}
                    />
                  </td>
                  <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                    {formatUtc(user.createdAt)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {users.length >= 500 ? (
            <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-500">
              Showing the first 500 users.
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}
