import { downloadTaskFileEndpoint } from '@/server/http/download-endpoints';

export const dynamic = 'force-dynamic';

/**
 * `?disposition=inline` shows images and text in the page; everything else downloads. A single
 * `Range` (with `If-Range`) answers 206 with those bytes, for resumed and partial downloads.
 * The web process answers this path before Next (server/http/direct-endpoints.ts) with the
 * same handler; this route serves it wherever Next runs alone.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string; fileId: string }> },
): Promise<Response> {
  return downloadTaskFileEndpoint(request, await params);
}
