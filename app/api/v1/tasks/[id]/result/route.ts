import { Readable } from 'node:stream';
import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/principal';
import { withProblems } from '@/server/http/route';
import { openTaskResult } from '@/server/tasks/task-service';

export const dynamic = 'force-dynamic';

function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

export const GET = withProblems<{ params: Promise<{ id: string }> }>(
  async (request, { params }) => {
    const { id } = await params;
    const principal = await authenticateRequest(request.headers);
    const file = await openTaskResult(principal, id, auditContextOf(request.headers));
    return new Response(Readable.toWeb(file.stream) as ReadableStream, {
      headers: {
        'content-type': file.contentType,
        'content-length': String(file.size),
        'content-disposition': contentDisposition(file.name),
        'cache-control': 'private, no-store',
      },
    });
  },
);
