import {
  ADMIN_ONLY_EVENT_TYPES,
  WEBHOOK_EVENT_DESCRIPTIONS,
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '@/lib/webhooks/webhook-events';

/** The events an endpoint subscribes to, as checkboxes; admin-only ones for admins alone. */
export function WebhookEventChoices({
  selected,
  onChange,
  admin,
  error,
  legend = 'Events',
}: {
  selected: readonly WebhookEventType[];
  onChange: (next: WebhookEventType[]) => void;
  admin: boolean;
  error?: string;
  legend?: string;
}) {
  const choices = WEBHOOK_EVENT_TYPES.filter((type) => admin || !ADMIN_ONLY_EVENT_TYPES.has(type));
  return (
    <fieldset className="text-sm">
      <legend className="font-medium text-slate-700">{legend}</legend>
      <div className="mt-1 grid gap-1 sm:grid-cols-2">
        {choices.map((type) => (
          <label key={type} className="flex items-start gap-2">
            <input
              type="checkbox"
              name="events"
              value={type}
              checked={selected.includes(type)}
              onChange={(event) =>
                onChange(
                  event.target.checked
                    ? [...selected, type]
                    : selected.filter((chosen) => chosen !== type),
                )
              }
              className="mt-0.5"
            />
            <span>
              <code className="font-mono text-xs">{type}</code>
              <span className="block text-xs text-slate-500">
                {WEBHOOK_EVENT_DESCRIPTIONS[type]}
              </span>
            </span>
          </label>
        ))}
      </div>
      {error ? <span className="mt-1 block text-xs text-red-700">{error}</span> : null}
    </fieldset>
  );
}
