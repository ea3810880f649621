import { auditContextOf } from '@/server/audit/audit-service';
import { authenticateRequest } from '@/server/auth/authenticate-request';
import { openTaskFile } from '@/server/files/task-files';
import { rangeChooser } from '@/server/http/download-range';
import { fileResponse } from '@/server/http/file-response';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/**
 * `?disposition=inline` shows images and text in the page; everything else downloads. A single
 * `Range` (with `If-Range`) answers 206 with those bytes, for resumed and partial downloads.
 */
export const GET = withProblems<{ params: Promise<{ id: string; fileId: string }> }>(
  async (request, { params }) => {
    const { id, fileId } = await params;
    const principal = await authenticateRequest(request.headers);
    const file = await openTaskFile(
      principal,
      id,
      fileId,
      auditContextOf(request.headers),
      rangeChooser(request.headers),
    );
    const inline = new URL(request.url).searchParams.get('disposition') === 'inline';
    return fileResponse(file, inline);
  },
);
