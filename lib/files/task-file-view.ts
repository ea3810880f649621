import { z } from 'zod';

// What the browser and REST clients see of a task's files and log lines.

export const TASK_FILE_ROLES = ['input', 'output'] as const;
export type TaskFileRole = (typeof TASK_FILE_ROLES)[number];

export const taskFileViewSchema = z
  .object({
    id: z.string().meta({ format: 'uuid' }),
    role: z.enum(TASK_FILE_ROLES),
    kind: z.string().meta({
      description: 'upload, cleaned-csv, csv-summary, thumbnail, clean-image, report, email…',
    }),
    name: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .nullable()
      .meta({
        description:
          'Hex SHA-256 of the stored bytes; null only for files made before it was kept.',
      }),
    meta: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.string().meta({ format: 'date-time' }),
    url: z.string().meta({
      description: 'Downloads it; add `?disposition=inline` to show an image or text in the page.',
    }),
  })
  .meta({ id: 'TaskFile' });
export type TaskFileView = z.infer<typeof taskFileViewSchema>;

/** Types a browser may show inline from our origin without risk (no HTML, no SVG, no script). */
const INLINE_SAFE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'text/plain',
  'text/csv',
  'application/json',
  'message/rfc822',
  'application/pdf',
]);

export function isInlineSafe(contentType: string): boolean {
  return INLINE_SAFE_TYPES.has(contentType.split(';')[0]?.trim().toLowerCase() ?? '');
}

export function taskFileUrl(taskId: string, fileId: string): string {
  return `/api/v1/tasks/${taskId}/files/${fileId}`;
}
