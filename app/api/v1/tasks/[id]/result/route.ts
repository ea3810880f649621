import { downloadTaskResultEndpoint } from '@/server/http/download-endpoints';

export const dynamic = 'force-dynamic';

/**
 * The task's main output (the first of its files); a single `Range` answers 206 with it. The
 * web process answers this path before Next (server/http/direct-endpoints.ts) with the same
 * handler; this route serves it wherever Next runs alone.
 */
export async function GET(
  request: Request,
  { params }: { params: Promise<{ id: string }> },
): Promise<Response> {
  return downloadTaskResultEndpoint(request, await params);
}
