import { z } from 'zod';
import {
  createSchema,
  type ZodOpenApiPathsObject,
  type ZodOpenApiResponsesObject,
} from 'zod-openapi';
import {
  EVENT_STREAM_CONTENT_TYPE,
  eventStreamHeadersSchema,
  STREAM_EVENT_PAYLOADS,
  STREAM_EVENTS,
  taskEventsParamsSchema,
  type StreamEventName,
} from '@/lib/realtime/event-stream';
import { CALLER, operation } from './openapi-operations';

// The two Server-Sent Events operations of the OpenAPI document (openapi-document.ts). OpenAPI
// 3.1 cannot describe the events inside a text/event-stream body, so the body is a string
// described in words, and `x-events` names each event's payload schema (the schemas the
// payloads' types are inferred from, STREAM_EVENT_PAYLOADS), which the contract test checks.

/** What the media type's `x-events` says of one event. */
export interface DocumentedEvent {
  description: string;
  schema: { $ref: string };
}

const EVENT_NOTES: Record<StreamEventName, string> = {
  [STREAM_EVENTS.taskSnapshot]: "The task's whole state, as GET /api/v1/tasks/{id} answers it.",
  [STREAM_EVENTS.taskCreated]: 'A new task.',
  [STREAM_EVENTS.taskUpdated]:
    'A change: a progress report, or a status change carrying every mutable field.',
  [STREAM_EVENTS.taskLog]: 'A line the processor logged (not replayed on reconnect).',
  [STREAM_EVENTS.streamReset]:
    'A reconnect missed more than can be replayed: the most recently changed tasks follow; reload the list for the rest.',
};

/** The component a payload schema is registered as (its `.meta({ id })`). */
function componentRef(schema: z.ZodType): { $ref: string } {
  const id = z.globalRegistry.get(schema)?.id;
  if (!id) throw new Error('an event payload schema needs a .meta({ id })');
  return { $ref: `#/components/schemas/${id}` };
}

/**
 * Adds the payload schemas `x-events` refers to that no operation uses (TaskUpdate,
 * StreamReset) to the document's components, rendered as responses are (output). Registering
 * them through createDocument's `components` would render them for requests too, and add input
 * copies of what they contain.
 */
export function addEventPayloadComponents(document: {
  components?: { schemas?: Record<string, unknown> };
}): void {
  const schemas = ((document.components ??= {}).schemas ??= {});
  for (const payload of Object.values(STREAM_EVENT_PAYLOADS)) {
    const id = z.globalRegistry.get(payload)!.id!;
    if (schemas[id]) continue;
    // With an id, the schema comes back as a $ref, and itself among the components.
    const { components } = createSchema(payload, { io: 'output', openapiVersion: '3.1.0' });
    for (const [name, component] of Object.entries(components)) schemas[name] ??= component;
  }
}

function eventStream(description: string, events: StreamEventName[]): ZodOpenApiResponsesObject {
  const documented: Record<string, DocumentedEvent> = Object.fromEntries(
    events.map((name) => [
      name,
      { description: EVENT_NOTES[name], schema: componentRef(STREAM_EVENT_PAYLOADS[name]) },
    ]),
  );
  const list = events.map((name) => `\`${name}\``).join(', ');
  return {
    '200': {
      description: `${description} Events: ${list}, each \`data:\` one line of JSON whose schema \`x-events\` names. \`retry: 3000\`; a \`: ping\` comment every SSE_HEARTBEAT_MS.`,
      headers: z.object({
        'cache-control': z.string().meta({ description: '`no-cache, no-transform`' }),
      }),
      content: {
        [EVENT_STREAM_CONTENT_TYPE]: {
          schema: z.string().meta({ description: 'Server-Sent Events (WHATWG HTML, §9.2).' }),
          'x-events': documented,
        },
      },
    },
  };
}

const STREAM_ERRORS = {
  '400': 'A `Last-Event-ID` over 200 characters.',
  '401':
    'No valid API key or session; also the reconnect after the key is revoked, a sign-out or a ban ended the stream.',
  '429':
    '`too_many_streams`: SSE_MAX_STREAMS_PER_USER streams of this user are open already; wait for `Retry-After` or close one.',
} as const;

export const eventOperations: ZodOpenApiPathsObject = {
  '/api/v1/events': {
    get: operation({
      id: 'streamTaskEvents',
      tag: 'Events',
      summary: 'Live events of every task the caller may see (admins: all)',
      description:
        "The dashboard's live feed as Server-Sent Events. Each `id:` is `<revision>.<seq>:<taskId>:<cursor>` (the event's task, its position, the server's time in ms). The stream starts with a `task.snapshot` of every unfinished task; a reconnect with `Last-Event-ID` gets a snapshot of every unfinished task and of every task changed since the cursor, at most SSE_REPLAY_MAX_TASKS (past that a `stream.reset` first). Merge by `revision`/`seq`.",
      header: eventStreamHeadersSchema,
      responses: eventStream('The stream; it stays open.', [
        STREAM_EVENTS.taskSnapshot,
        STREAM_EVENTS.taskCreated,
        STREAM_EVENTS.taskUpdated,
        STREAM_EVENTS.streamReset,
      ]),
      errors: ['400', ...CALLER],
      errorNotes: STREAM_ERRORS,
    }),
  },
  '/api/v1/tasks/{id}/events': {
    get: operation({
      id: 'streamTaskEventsOfTask',
      tag: 'Events',
      summary: 'Live events of one task, until it finishes',
      description:
        'Server-Sent Events of one task. Each `id:` is `<revision>.<seq>` and ids only grow. The first event is a `task.snapshot`; after the terminal status the server closes the stream. A reconnect with `Last-Event-ID: r.s` gets a `task.updated` for each status change after revision `r`, then the current state as a `task.updated`; never anything at or before `r.s`.',
      path: taskEventsParamsSchema.extend({
        id: taskEventsParamsSchema.shape.id.meta({ description: 'The task id (a UUID).' }),
      }),
      header: eventStreamHeadersSchema,
      responses: {
        ...eventStream('The stream, until the task finishes.', [
          STREAM_EVENTS.taskSnapshot,
          STREAM_EVENTS.taskUpdated,
          STREAM_EVENTS.taskLog,
        ]),
        '204': {
          description:
            'The task has finished and `Last-Event-ID` is at or after its end: nothing more will come (EventSource clients stop reconnecting).',
        },
      },
      errors: ['400', '404', ...CALLER],
      errorNotes: STREAM_ERRORS,
    }),
  },
};
