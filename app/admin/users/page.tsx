import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { InviteForm } from '@/components/admin/invite-form';
import { RoleSelect } from '@/components/admin/role-select';
import { BanButton, RevokeKeysButton } from '@/components/admin/user-account-controls';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { DataTable } from '@/components/data-table';
import { LocalTime, RelativeTime } from '@/components/time/local-time';
import { PageHeading } from '@/components/page-heading';
import { isAdmin } from '@/server/auth/principal';
import { listInvitations } from '@/server/auth/invitation-service';
import { getSignUpMode } from '@/server/auth/sign-up-policy';
import { listUsers } from '@/server/auth/user-service';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Users · Taskdeck' };

const SIGNUP_MODE_TEXT = {
  open: 'Sign-up is open: anyone can create an account (SIGNUP_MODE=open).',
  invite: 'Sign-up is by invitation: invite an email, then send the person its link.',
  closed: 'Sign-up is closed (SIGNUP_MODE=closed): no one can create an account.',
} as const;

export default async function UsersPage() {
  const principal = await getPagePrincipal();
  // Admin pages do not exist for anyone else.
  if (principal.kind !== 'user' || !isAdmin(principal)) notFound();
  const [users, invitations] = await Promise.all([
    listUsers(principal),
    listInvitations(principal),
  ]);
  const mode = getSignUpMode();
  return (
    <div>
      <PageHeading title="Users">
        Everyone with an account. Admins see every task and the audit log; there is always at least
        one admin. A banned user is signed out and their API keys stop working.
      </PageHeading>
      <section className="mb-6 rounded-lg border border-slate-200 bg-white p-4">
        <p className="mb-3 text-sm text-slate-600" data-testid="signup-mode">
          {SIGNUP_MODE_TEXT[mode]}
        </p>
        {mode === 'invite' ? <InviteForm /> : null}
        {invitations.length > 0 ? (
          <ul className="mt-3 space-y-1 text-sm text-slate-600" aria-label="Invitations">
            {invitations.map((invitation) => (
              <li key={invitation.id} data-testid="invitation">
                {invitation.email}: {invitation.status}, until{' '}
                <LocalTime iso={invitation.expiresAt} />
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      {users.length === 0 ? (
        <div className="rounded-lg border border-dashed border-slate-300 bg-white p-10 text-center">
          <p className="font-medium">No users yet</p>
        </div>
      ) : (
        <DataTable
          columns={['Email', 'Name', 'Role', 'Access', 'API keys', 'Created']}
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
              <td className="px-4 py-3">
                <span className="mr-2 text-sm" data-testid="user-access">
                  {user.banned ? 'banned' : 'active'}
                </span>
                {user.id === principal.userId ? null : (
                  <BanButton userId={user.id} email={user.email} banned={user.banned} />
                )}
              </td>
              <td className="px-4 py-3">
                <span className="mr-2 text-sm" data-testid="user-keys">
                  {user.activeKeys}
                </span>
                {user.activeKeys > 0 ? (
                  <RevokeKeysButton userId={user.id} email={user.email} />
                ) : null}
              </td>
              <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                <RelativeTime iso={user.createdAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
