import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

// Checks real HTTP answers against the OpenAPI document the app serves: the status must be one
// the operation documents, the content type one it documents for that status, and a JSON body
// must validate against that response's schema (JSON Schema 2020-12, as OpenAPI 3.1 uses).

type Json = Record<string, unknown>;

interface OpenApiMediaType {
  schema?: Json;
  /** The event streams': each event's payload schema (server/http/openapi-event-paths.ts). */
  'x-events'?: Record<string, { schema: Json }>;
}

interface OpenApiResponse {
  content?: Record<string, OpenApiMediaType>;
}

interface OpenApiOperation {
  operationId: string;
  responses: Record<string, OpenApiResponse>;
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, Json> };
}

export interface CheckedAnswer {
  status: number;
  type: string;
  body: unknown;
}

// ajv-formats is CommonJS with a default export.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

/** Points the document's component references at one schema holding them all. */
function rewriteRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        key === '$ref' && typeof inner === 'string'
          ? inner.replace('#/components/schemas/', 'components#/$defs/')
          : rewriteRefs(inner),
      ]),
    );
  }
  return value;
}

export function createContractChecker(doc: OpenApiDoc) {
  // strictSchema off: OpenAPI keeps `example`, `id` and other annotations beside the keywords.
  const ajv = addFormats(new Ajv2020({ strictSchema: false, allErrors: true }));
  ajv.addSchema({ $id: 'components', $defs: rewriteRefs(doc.components.schemas) });
  const compiled = new Map<Json, ValidateFunction>();
  const seen = new Map<string, Set<number>>();

  function validateAgainst(schema: Json, value: unknown, label: string): void {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(rewriteRefs(schema) as Json);
      compiled.set(schema, validate);
    }
    const valid = validate(value);
    expect(valid, `${label}: ${ajv.errorsText(validate.errors)}`).toBe(true);
  }

  function operationOf(method: string, path: string): OpenApiOperation {
    const operation = doc.paths[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${path} is not in the document`);
    return operation;
  }

  return {
    /** Asserts the answer is one the document allows for the operation. */
    check(method: string, path: string, answer: CheckedAnswer): void {
      const operation = operationOf(method, path);
      const label = `${operation.operationId} ${answer.status}`;
      const documented = operation.responses[String(answer.status)];
      expect(
        documented,
        `${label}: status not documented; body ${JSON.stringify(answer.body)}`,
      ).toBeDefined();
      const media = answer.type.split(';')[0]!.trim();
      const contentTypes = Object.keys(documented!.content ?? {});
      if (contentTypes.length === 0) {
        expect(answer.body, `${label}: documented without a body`).toBe('');
      } else if (!contentTypes.includes('*/*')) {
        expect(contentTypes, `${label}: content type`).toContain(media);
        validateAgainst(documented!.content![media]!.schema!, answer.body, label);
      }
      const statuses = seen.get(`${method.toUpperCase()} ${path}`) ?? new Set<number>();
      statuses.add(answer.status);
      seen.set(`${method.toUpperCase()} ${path}`, statuses);
    },
    /** Asserts one event of a 200 event stream is documented, its payload valid. */
    checkEvent(method: string, path: string, event: { type: string; data: unknown }): void {
      const operation = operationOf(method, path);
      const media = operation.responses['200']?.content?.['text/event-stream'];
      const label = `${operation.operationId} event ${event.type}`;
      const documented = media?.['x-events']?.[event.type];
      expect(documented, `${label}: not documented`).toBeDefined();
      validateAgainst(documented!.schema, event.data, label);
    },
    /** Every documented operation, with the statuses it was seen answering. */
    coverage(): Array<{ operation: string; statuses: number[] }> {
      return Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => {
          const key = `${method.toUpperCase()} ${path}`;
          return { operation: key, statuses: [...(seen.get(key) ?? [])].sort() };
        }),
      );
    },
  };
}
