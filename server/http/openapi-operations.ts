import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiResponsesObject } from 'zod-openapi';
import { problemSchema } from './problem';

// The pieces the OpenAPI document's operations are made of (openapi-document.ts): the
// documented problem statuses, JSON and file responses, credentials.

const PROBLEMS: Record<string, string> = {
  '400': 'Invalid input: `errors` names each field.',
  '401': 'No valid API key or session.',
  '403': 'Not allowed: an admin route, or a cookie-signed write from another origin.',
  '404': 'No such resource, or not yours.',
  '409': 'The resource is not in a state that allows this.',
  '413': 'The body is larger than allowed.',
  '415': 'The body is not of an accepted media type.',
  '416':
    'The range starts past the end of the file (or the file is empty): `Content-Range: bytes */<size>`.',
  '422': 'Understood but refused: see `code`.',
  '429': 'Too many failed keys or requests: wait for `Retry-After`.',
  '503': 'PostgreSQL or Redis cannot be reached: retry after `Retry-After`.',
};

export type Status = keyof typeof PROBLEMS;

/** `notes`: what a status means for this operation, where the common wording says too little. */
export function problems(
  statuses: Status[],
  notes: Partial<Record<Status, string>> = {},
): ZodOpenApiResponsesObject {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: notes[status] ?? PROBLEMS[status]!,
        content: { 'application/problem+json': { schema: problemSchema } },
      },
    ]),
  );
}

export function json(
  status: string,
  description: string,
  schema: z.ZodType,
): ZodOpenApiResponsesObject {
  return { [status]: { description, content: { 'application/json': { schema } } } };
}

/** A 201 whose `Location` names what it made. */
export function created(description: string, schema: z.ZodType): ZodOpenApiResponsesObject {
  return {
    '201': {
      description,
      headers: z.object({ location: z.string().meta({ description: 'Its URL path.' }) }),
      content: { 'application/json': { schema } },
    },
  };
}

/** Every authenticated route can answer these. */
export const CALLER: Status[] = ['401', '429', '503'];
/** A write: a JSON body, and the same-origin rule for cookie-signed calls. */
export const WRITE: Status[] = ['400', '403', '413', '415'];

export const idParam = (name: string, description: string) =>
  z.object({ [name]: z.string().meta({ description }) });
export const taskId = idParam('id', 'The task id (a UUID).');
export const scheduleId = idParam('id', 'The schedule id (a UUID).');

interface OperationSpec {
  id: string;
  tag: string;
  summary: string;
  description?: string;
  path?: z.ZodObject;
  query?: z.ZodObject;
  header?: z.ZodObject;
  body?: z.ZodType;
  responses: ZodOpenApiResponsesObject;
  errors: Status[];
  /** Replaces the common description of these error statuses. */
  errorNotes?: Partial<Record<Status, string>>;
  /** Who may call it; public routes need no credentials. */
  access?: 'user' | 'admin' | 'public' | 'metrics';
}

export function operation(spec: OperationSpec): ZodOpenApiOperationObject {
  const access = spec.access ?? 'user';
  const security: Array<Record<string, string[]>> =
    access === 'public'
      ? []
      : access === 'metrics'
        ? [{ metricsToken: [] }]
        : [{ apiKey: [] }, { session: [] }];
  const params = { path: spec.path, query: spec.query, header: spec.header };
  return {
    operationId: spec.id,
    tags: [spec.tag],
    summary: spec.summary,
    description:
      access === 'admin' ? `Admins only. ${spec.description ?? ''}`.trim() : spec.description,
    security,
    ...(params.path || params.query || params.header
      ? {
          requestParams: Object.fromEntries(Object.entries(params).filter(([, value]) => value)),
        }
      : {}),
    ...(spec.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: spec.body } } } }
      : {}),
    responses: { ...spec.responses, ...problems(spec.errors, spec.errorNotes) },
  };
}

const fileHeaders = {
  'content-disposition': z
    .string()
    .meta({ description: 'attachment (or inline) with the download name' }),
  'accept-ranges': z.literal('bytes').meta({ description: 'A single Range is honoured.' }),
  etag: z.string().optional().meta({
    description: 'Strong: the file id (and its SHA-256). Send it as If-Range to resume safely.',
  }),
  'last-modified': z
    .string()
    .optional()
    .meta({ description: 'When the file was written (HTTP-date).' }),
};

const fileContent = { '*/*': { schema: z.string().meta({ format: 'binary' }) } };

/** A stored file: whole (200) or one range of it (206), per the `rangeHeaders` request. */
export const binary = (description: string) => ({
  '200': { description, headers: z.object(fileHeaders), content: fileContent },
  '206': {
    description: `${description} Only the bytes of the one Range asked for.`,
    headers: z.object({
      ...fileHeaders,
      'content-range': z.string().meta({ description: '`bytes <first>-<last>/<size>`' }),
    }),
    content: fileContent,
  },
});

/** The request headers of a file download (RFC 9110 §14.2, §13.1.5). */
export const rangeHeaders = z.object({
  range: z
    .string()
    .optional()
    .meta({
      description:
        'One byte range: `bytes=<first>-<last>`, `bytes=<first>-` or `bytes=-<suffix length>`. ' +
        'Several ranges, another unit or a malformed value are ignored: the answer is 200 with ' +
        'the whole file. A range that starts past the end is 416.',
      example: 'bytes=0-1048575',
    }),
  'if-range': z
    .string()
    .optional()
    .meta({
      description:
        'The ETag (or the exact Last-Modified) of the copy being resumed: when the file is no ' +
        'longer that one, the Range is ignored and the whole file is sent (200).',
    }),
});
