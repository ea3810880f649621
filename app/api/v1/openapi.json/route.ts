import { withProblems } from '@/server/http/route';
import { getOpenApiDocument } from '@/server/http/openapi-document';

// Public: the document describes the contract, not anyone's data, and a client generator or a
// gateway must be able to read it before it holds a key.
export const GET = withProblems(async () =>
  Response.json(getOpenApiDocument(), {
    headers: { 'cache-control': 'public, max-age=300' },
  }),
);
