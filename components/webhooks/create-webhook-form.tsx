'use client';

import { useState } from 'react';
import type { FieldError } from '@/lib/errors';
import type { WebhookEventType } from '@/lib/webhooks/webhook-events';
import type { WebhookScope } from '@/lib/webhooks/webhook-view';
import { createWebhook } from '@/server/webhooks/webhook-actions';
import { ActionError } from '@/components/action-error';
import { handleSubmit, useAction } from '@/components/hooks/use-action';
import { OneTimeSecret } from '@/components/one-time-secret';
import { inputClass, primaryButtonClass } from '@/components/styles';
import { WebhookEventChoices } from './webhook-event-choices';

const DEFAULT_EVENTS: WebhookEventType[] = ['task.succeeded', 'task.failed', 'task.cancelled'];

function fieldMessage(errors: FieldError[], field: string): string | undefined {
  return errors.find((error) => error.path === field)?.message;
}

export function CreateWebhookForm({ admin }: { admin: boolean }) {
  const { run, pending, failure } = useAction();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEventType[]>(DEFAULT_EVENTS);
  const [scope, setScope] = useState<WebhookScope>('own');
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);

  function submit() {
    run(() => createWebhook({ url, description, events, scope }), {
      onSuccess: (endpoint) => {
        setCreated({ url: endpoint.url, secret: endpoint.secret });
        setUrl('');
        setDescription('');
      },
      toast: 'Webhook created',
    });
  }

  const errors = failure?.fieldErrors ?? [];
  const urlError = fieldMessage(errors, 'url');
  return (
    <div className="space-y-4">
      {created ? (
        <OneTimeSecret
          heading={`Signing secret for ${created.url}`}
          label="Webhook signing secret"
          inputId="new-webhook-secret"
          value={created.secret}
          onDismiss={() => setCreated(null)}
        />
      ) : null}
      <form
        onSubmit={handleSubmit(submit)}
        aria-label="Add a webhook endpoint"
        className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      >
        <div className="grid gap-4 sm:grid-cols-2">
          <label className="block text-sm font-medium text-slate-700">
            Endpoint URL
            <input
              name="url"
              type="url"
              required
              maxLength={2048}
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              placeholder="https://example.com/webhooks/taskdeck"
              aria-invalid={urlError ? true : undefined}
              className={inputClass}
            />
            {urlError ? (
              <span className="mt-1 block text-xs font-normal text-red-700">{urlError}</span>
            ) : null}
          </label>
          <label className="block text-sm font-medium text-slate-700">
            Description
            <input
              name="description"
              type="text"
              maxLength={200}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              placeholder="Optional"
              className={inputClass}
            />
          </label>
        </div>
        <WebhookEventChoices
          selected={events}
          onChange={setEvents}
          admin={admin}
          error={fieldMessage(errors, 'events')}
        />
        {admin ? (
          <label className="block text-sm font-medium text-slate-700 sm:w-80">
            Tasks
            <select
              name="scope"
              value={scope}
              onChange={(event) => setScope(event.target.value as WebhookScope)}
              className={inputClass}
            >
              <option value="own">My tasks</option>
              <option value="all">Every task (and alerts)</option>
            </select>
          </label>
        ) : null}
        <div>
          <button type="submit" disabled={pending} className={primaryButtonClass}>
            {pending ? 'Adding…' : 'Add endpoint'}
          </button>
        </div>
        <ActionError
          message={failure?.message}
          className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800"
        />
      </form>
    </div>
  );
}
