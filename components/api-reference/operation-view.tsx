import type { ApiMedia, ApiOperation } from './openapi-types';
import { SchemaView } from './schema-view';

// One operation: method and path, who may call it, its parameters, its request body and every
// response it documents, each with its media type and schema.

const METHOD_COLOURS: Record<string, string> = {
  get: 'bg-emerald-100 text-emerald-800',
  post: 'bg-blue-100 text-blue-800',
  patch: 'bg-amber-100 text-amber-800',
  put: 'bg-amber-100 text-amber-800',
  delete: 'bg-red-100 text-red-800',
};

function credentials(operation: ApiOperation): string {
  const schemes = (operation.security ?? []).flatMap((requirement) => Object.keys(requirement));
  return schemes.length === 0 ? 'public' : schemes.join(' or ');
}

/** The events of a text/event-stream answer, each with its payload's schema. */
function EventList({ events }: { events: NonNullable<ApiMedia['x-events']> }) {
  return (
    <ul className="mt-1 space-y-1" aria-label="Events">
      {Object.entries(events).map(([name, event]) => (
        <li key={name} data-testid="api-event" data-event={name}>
          <span className="font-mono text-xs font-semibold">event: {name}</span>{' '}
          <span className="text-slate-600">{event.description}</span>{' '}
          <SchemaView schema={event.schema} depth={1} />
        </li>
      ))}
    </ul>
  );
}

export function OperationView(props: { method: string; path: string; operation: ApiOperation }) {
  const { method, path, operation } = props;
  const parameters = operation.parameters ?? [];
  const body = Object.entries(operation.requestBody?.content ?? {});
  return (
    <section
      id={operation.operationId}
      data-testid="api-operation"
      aria-labelledby={`${operation.operationId}-title`}
      className="scroll-mt-4 rounded-lg border border-slate-200 bg-white p-5"
    >
      <h3 id={`${operation.operationId}-title`} className="flex flex-wrap items-center gap-2">
        <span
          className={`rounded px-2 py-0.5 font-mono text-xs font-bold uppercase ${METHOD_COLOURS[method] ?? ''}`}
        >
          {method}
        </span>
        <code className="font-mono text-sm font-semibold">{path}</code>
        <a href={`#${operation.operationId}`} className="text-xs text-slate-500 hover:underline">
          #{operation.operationId}
        </a>
      </h3>
      {operation.summary ? <p className="mt-2 font-medium">{operation.summary}</p> : null}
      {operation.description ? (
        <p className="mt-1 text-sm text-slate-600">{operation.description}</p>
      ) : null}
      <p className="mt-1 text-xs text-slate-500">Credentials: {credentials(operation)}</p>

      {parameters.length > 0 ? (
        <div className="mt-4">
          <h4 className="text-xs font-semibold uppercase text-slate-500">Parameters</h4>
          <ul className="mt-1 space-y-1">
            {parameters.map((parameter) => (
              <li key={`${parameter.in}-${parameter.name}`} className="text-sm">
                <code className="font-mono font-medium">{parameter.name}</code>{' '}
                <span className="text-xs text-slate-500">
                  in {parameter.in}
                  {parameter.required ? ', required' : ''}
                </span>
                {parameter.description ? (
                  <span className="text-slate-600"> — {parameter.description}</span>
                ) : null}
                {parameter.schema ? <SchemaView schema={parameter.schema} depth={1} /> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {body.map(([media, content]) => (
        <div key={media} className="mt-4">
          <h4 className="text-xs font-semibold uppercase text-slate-500">
            Request body <span className="font-mono normal-case">{media}</span>
          </h4>
          {content.schema ? <SchemaView schema={content.schema} /> : null}
        </div>
      ))}

      <div className="mt-4">
        <h4 className="text-xs font-semibold uppercase text-slate-500">Responses</h4>
        <dl className="mt-1 space-y-2">
          {Object.entries(operation.responses).map(([status, response]) => (
            <div key={status} data-testid="api-response" data-status={status}>
              <dt className="text-sm">
                <span className="font-mono font-semibold">{status}</span>{' '}
                <span className="text-slate-600">{response.description}</span>
              </dt>
              {Object.entries(response.content ?? {}).map(([media, content]) => (
                <dd key={media} className="ml-4 text-sm">
                  <span className="font-mono text-xs text-slate-500">{media}</span>{' '}
                  {content.schema ? <SchemaView schema={content.schema} depth={1} /> : null}
                  {content['x-events'] ? <EventList events={content['x-events']} /> : null}
                </dd>
              ))}
            </div>
          ))}
        </dl>
      </div>
    </section>
  );
}
