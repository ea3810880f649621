// A redocly plugin (redocly.yaml) that teaches the linter the `x-events` extension of the
// event streams' text/event-stream media type (server/http/openapi-event-paths.ts): a map from
// event name to { description, schema }. Typed, its schemas are linted and its $refs count as
// uses of the components they name.

const XEvent = {
  properties: { description: { type: 'string' }, schema: 'Schema' },
  required: ['description', 'schema'],
};

const XEvents = { properties: {}, additionalProperties: 'XEvent' };

export default function xEventsPlugin() {
  return {
    id: 'taskdeck-x-events',
    typeExtension: {
      oas3(types) {
        return {
          ...types,
          XEvent,
          XEvents,
          MediaType: {
            ...types.MediaType,
            properties: { ...types.MediaType.properties, 'x-events': 'XEvents' },
          },
        };
      },
    },
  };
}
