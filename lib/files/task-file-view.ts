// What the browser and REST clients see of a task's files and log lines.

export type TaskFileRole = 'input' | 'output';

export interface TaskFileView {
  id: string;
  role: TaskFileRole;
  /** upload, cleaned-csv, csv-summary, thumbnail, clean-image, report, email… */
  kind: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string | null;
  meta: Record<string, unknown> | null;
  createdAt: string;
  /** Downloads it; add `?disposition=inline` to show an image or text in the page. */
  url: string;
}

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
