import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { RoleSelect } from '@/components/admin/role-select';
import { getPagePrincipal } from '@/components/current-principal';
import { DataTable } from '@/components/data-table';
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
        <DataTable
          columns={['Email', 'Name', 'Role', 'Created']}
          cellClassName="px-4 py-2"
          footer={
            users.length >= 500 ? (
              <p className="border-t border-slate-200 px-4 py-2 text-xs text-slate-500">
                Showing the first 500 users.
              </p>
            ) : null
          }
        >
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
        </DataTable>
      )}
    </div>
  );
}
