'use client';

import { ClientButton } from '../client-button';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { toFieldErrorMap } from '@/lib/errors';
import { shortTaskId } from '@/lib/tasks/short-task-id';
import type { TaskTypeForm } from '@/lib/tasks/task-type-form';
import { replayTaskWithChanges } from '@/server/tasks/task-actions';
import { ActionError } from '../action-error';
import { useAction } from '../hooks/use-action';
import { PayloadEditor } from '../schema-form/payload-editor';
import { cardClass, primaryButtonClass } from '../styles';
import { useHydrated } from '../use-hydrated';

// "Replay with changes" on a finished task's page: its payload in the type's form, prefilled,
// submitted as a new task linked to this one; the new task's page opens. The server checks
// the payload with the type's schema and answers per-field errors, shown on their fields.

const ID = 'replay';

const linkClass = 'font-mono text-blue-700 hover:underline';

export function ReplayLinks({ replayOf, replays }: { replayOf: string | null; replays: string[] }) {
  if (!replayOf && replays.length === 0) return null;
  return (
    <div data-testid="replay-links" className="text-sm text-slate-700">
      {replayOf ? (
        <p>
          Replay of{' '}
          <Link href={`/tasks/${replayOf}`} className={linkClass}>
            {shortTaskId(replayOf)}
          </Link>
        </p>
      ) : null}
      {replays.length > 0 ? (
        <p>
          Replayed as{' '}
          {replays.map((id, index) => (
            <span key={id}>
              {index > 0 ? ', ' : null}
              <Link href={`/tasks/${id}`} className={linkClass}>
                {shortTaskId(id)}
              </Link>
            </span>
          ))}
        </p>
      ) : null}
    </div>
  );
}

export function ReplayWithChanges({
  taskId,
  type,
  payload: original,
}: {
  taskId: string;
  type: TaskTypeForm;
  payload: Record<string, unknown>;
}) {
  const router = useRouter();
  const hydrated = useHydrated();
  const [open, setOpen] = useState(false);
  const [payload, setPayload] = useState(original);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | null>(null);
  const { run, pending } = useAction();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    run(() => replayTaskWithChanges(taskId, payload), {
      onSuccess: (task) => {
        setErrors({});
        setMessage(null);
        router.push(`/tasks/${task.id}`);
      },
      onFailure: (failure) => {
        setErrors(toFieldErrorMap(failure.fieldErrors));
        setMessage(failure.message);
      },
    });
  }

  if (!open) {
    return (
      <ClientButton
        type="button"
        disabled={!hydrated}
        onClick={() => setOpen(true)}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-50"
      >
        Replay with changes
      </ClientButton>
    );
  }
  return (
    <form
      onSubmit={submit}
      noValidate
      aria-label="Replay with changes"
      className={`${cardClass} max-w-2xl space-y-4 p-4`}
    >
      <h2 className="text-base font-semibold">Replay with changes</h2>
      <p className="text-sm text-slate-600">
        A new {type.title.toLowerCase()} task with this payload, linked to this one. This task stays
        as it is.
      </p>
      <PayloadEditor
        jsonSchema={type.jsonSchema}
        value={payload}
        onChange={setPayload}
        errors={errors}
        idPrefix={`${ID}-payload`}
        disabled={pending}
      />
      <ActionError
        message={message}
        className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
      />
      <div className="flex flex-wrap gap-2">
        <button type="submit" disabled={pending} className={primaryButtonClass}>
          {pending ? 'Replaying…' : 'Replay'}
        </button>
        <ClientButton
          type="button"
          disabled={pending}
          onClick={() => {
            setOpen(false);
            setPayload(original);
            setErrors({});
            setMessage(null);
          }}
          className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50"
        >
          Discard
        </ClientButton>
      </div>
    </form>
  );
}
