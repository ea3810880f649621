import { getEnv } from '@/lib/env';
import { authenticateRequest, requireUser } from '@/server/auth/principal';
import { uploadFiles } from '@/server/files/upload-service';
import { readMultipartFiles } from '@/server/http/multipart';
import { withProblems } from '@/server/http/route';

export const dynamic = 'force-dynamic';

/** multipart/form-data, one or more file parts: each file becomes a `file.process` task. */
export const POST = withProblems(async (request) => {
  // Authenticate before reading a byte of the body.
  const principal = await authenticateRequest(request.headers);
  requireUser(principal);
  const env = getEnv();
  const files = readMultipartFiles(request, {
    maxBytes: env.UPLOAD_MAX_BYTES,
    maxFiles: env.UPLOAD_MAX_FILES,
  });
  const tasks = await uploadFiles(principal, files);
  return Response.json({ tasks }, { status: 201 });
});
