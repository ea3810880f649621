import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getPagePrincipal } from '@/server/auth/page-principal';
import { PageHeading } from '@/components/page-heading';
import { getEnv } from '@/lib/env';
import { getEmailPreferences } from '@/server/email/preferences';
import { CompletionEmailsToggle } from './completion-emails-toggle';

export const dynamic = 'force-dynamic';

export const metadata: Metadata = { title: 'Notifications · Taskdeck' };

export default async function NotificationsPage() {
  const principal = await getPagePrincipal();
  if (principal.kind !== 'user') redirect('/sign-in');
  const preferences = await getEmailPreferences(principal);
  const sending = Boolean(getEnv().SMTP_URL);
  return (
    <div className="space-y-6">
      <PageHeading title="Notifications">
        Emails go to <span className="font-medium">{principal.email}</span>. Other settings:{' '}
        <Link href="/settings/api-keys" className="text-blue-700 underline">
          API keys
        </Link>
        .
      </PageHeading>

      <section aria-labelledby="completion-heading">
        <h2 id="completion-heading" className="mb-3 text-sm font-semibold uppercase text-slate-500">
          Finished tasks
        </h2>
        <CompletionEmailsToggle initial={preferences.completionEmails} />
        {sending ? null : (
          <p className="mt-3 text-xs text-slate-500">
            No mail server is configured here (<code className="font-mono">SMTP_URL</code>): each
            email is kept with its email task, in your task list, instead of being sent.
          </p>
        )}
      </section>
    </div>
  );
}
