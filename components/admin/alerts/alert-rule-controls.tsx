'use client';

import { ClientButton } from '../../client-button';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { AlertRuleView } from '@/lib/alerts/alert-view';
import { deleteAlertRule, setAlertRuleEnabled } from '@/server/alerts/alert-actions';
import { ActionError } from '../../action-error';
import { useAction } from '../../hooks/use-action';
import { ConfirmDialog } from '../confirm-dialog';

const buttonClass =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60';

/** Enable or disable, edit and delete one rule: a row's buttons on the rules page. */
export function AlertRuleControls({ rule }: { rule: AlertRuleView }) {
  const router = useRouter();
  const action = useAction();
  const [confirmingDelete, setConfirmingDelete] = useState(false);

  function toggle() {
    action.run(() => setAlertRuleEnabled(rule.id, !rule.enabled), {
      onSuccess: () => router.refresh(),
      toast: rule.enabled ? 'Alert rule paused' : 'Alert rule resumed',
    });
  }

  function remove() {
    action.run(() => deleteAlertRule(rule.id), {
      onSuccess: () => {
        setConfirmingDelete(false);
        router.refresh();
      },
      toast: 'Alert rule deleted',
      onFailure: () => setConfirmingDelete(false),
    });
  }

  return (
    <div className="space-y-1">
      <div className="flex gap-2">
        <ClientButton
          type="button"
          onClick={toggle}
          disabled={action.pending}
          className={buttonClass}
        >
          {rule.enabled ? 'Disable' : 'Enable'}
        </ClientButton>
        <Link href={`/admin/alerts/${rule.id}`} className={buttonClass}>
          Edit
        </Link>
        <ClientButton
          type="button"
          onClick={() => setConfirmingDelete(true)}
          disabled={action.pending}
          className={`${buttonClass} text-red-700 hover:bg-red-50`}
        >
          Delete
        </ClientButton>
      </div>
      <ActionError message={action.error} className="text-xs text-red-700" />
      <ConfirmDialog
        open={confirmingDelete}
        title={`Delete the alert rule "${rule.name}"?`}
        danger
        pending={action.pending}
        onConfirm={remove}
        onClose={() => setConfirmingDelete(false)}
      >
        It stops being checked, and its history of firing goes with it. No resolved notice is sent.
      </ConfirmDialog>
    </div>
  );
}
