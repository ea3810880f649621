'use client';

import { ClientButton } from '../../client-button';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import {
  deleteSchedule,
  runScheduleNow,
  setScheduleEnabled,
} from '@/server/schedules/schedule-actions';
import type { ScheduleView } from '@/lib/schedules/schedule-view';
import { ActionError } from '../../action-error';
import { useAction } from '../../hooks/use-action';
import { primaryButtonClass } from '../../styles';
import { ConfirmDialog } from '../confirm-dialog';

const secondaryButtonClass =
  'rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:opacity-60';

/** Run now, pause or resume, edit and delete one schedule. */
export function ScheduleControls({ schedule }: { schedule: ScheduleView }) {
  const router = useRouter();
  const action = useAction();
  const pending = action.pending;
  const [confirmingDelete, setConfirmingDelete] = useState(false);
  // A run now starts real work outside the schedule, so it is asked; pausing the schedule only
  // stops future runs and is undone by Resume, so it is not.
  const [confirmingRun, setConfirmingRun] = useState(false);

  function run() {
    action.run(() => runScheduleNow(schedule.id), {
      onSuccess: () => router.refresh(),
      toast: 'Run started',
      onSettled: () => setConfirmingRun(false),
    });
  }

  function toggle() {
    action.run(() => setScheduleEnabled(schedule.id, !schedule.enabled), {
      onSuccess: () => router.refresh(),
      toast: (changed) => (changed.enabled ? 'Schedule resumed' : 'Schedule paused'),
    });
  }

  function remove() {
    action.run(() => deleteSchedule(schedule.id), {
      onSuccess: () => {
        router.push('/admin/schedules');
        router.refresh();
      },
      toast: 'Schedule deleted',
      onFailure: () => setConfirmingDelete(false),
    });
  }

  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <ClientButton
          type="button"
          onClick={() => setConfirmingRun(true)}
          disabled={pending}
          className={primaryButtonClass}
        >
          Run now
        </ClientButton>
        <ClientButton
          type="button"
          onClick={toggle}
          disabled={pending}
          className={secondaryButtonClass}
        >
          {schedule.enabled ? 'Pause' : 'Resume'}
        </ClientButton>
        <Link href={`/admin/schedules/${schedule.id}/edit`} className={secondaryButtonClass}>
          Edit
        </Link>
        <ClientButton
          type="button"
          onClick={() => setConfirmingDelete(true)}
          disabled={pending}
          className={`${secondaryButtonClass} text-red-700 hover:bg-red-50`}
        >
          Delete
        </ClientButton>
      </div>
      <ActionError message={action.error} />
      <ConfirmDialog
        open={confirmingRun}
        title={`Run "${schedule.name}" now?`}
        pending={pending}
        onConfirm={run}
        onClose={() => setConfirmingRun(false)}
      >
        A task of type {schedule.taskType} is created at once, outside the schedule. The schedule’s
        own next runs do not change.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirmingDelete}
        title={`Delete the schedule "${schedule.name}"?`}
        danger
        pending={pending}
        onConfirm={remove}
        onClose={() => setConfirmingDelete(false)}
      >
        It stops running. Its past runs stay in the task list, no longer linked to it.
      </ConfirmDialog>
    </div>
  );
}
