import { z } from 'zod';
import { defineTaskType } from '../task-type';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

/** Filled in by the upload service from what it measured, never by the client. */
export const fileProcessPayloadSchema = z
  .object({
    file: z
      .object({
        name: z.string().min(1).max(300),
        size: z.number().int().min(0),
        sha256,
        /** The sniffed MIME type. */
        type: z.string().max(200),
        kind: z.enum(['empty', 'csv', 'image', 'text', 'binary']),
        label: z.string().max(200),
        /** What the client claimed; shown when it disagrees with the content. */
        declaredType: z.string().max(200),
      })
      .strict(),
  })
  .strict();

export type FileProcessPayload = z.output<typeof fileProcessPayloadSchema>;

export const fileProcess = defineTaskType({
  name: 'file.process',
  title: 'Process a file',
  label: 'File',
  description:
    'An uploaded file, by its real type: CSV profiled and cleaned, images thumbnailed with EXIF removed, anything else hashed.',
  schema: fileProcessPayloadSchema,
  summarize: ({ file }) =>
    typeof file === 'object' && file !== null
      ? `${String(file.name)} · ${String(file.label)}`
      : null,
  access: 'internal',
  origin: {
    byHand: 'upload a file instead',
    submitHint: 'Upload the file instead: POST /api/v1/files.',
  },
  defaults: {
    queue: 'files',
    attempts: 3,
    backoff: { type: 'exponential', delayMs: 5_000, maxDelayMs: 60_000, jitter: 0.2 },
    timeoutMs: 60 * 60_000,
  },
  processor: () => import('./file-process-processor'),
});
