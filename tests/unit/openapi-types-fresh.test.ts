import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  OPENAPI_TYPES_PATH,
  REGENERATE_COMMAND,
  renderOpenApiTypes,
} from '@/scripts/render-openapi-types';

// The typed client (tests/support/api-client.ts) is only as true as lib/api/openapi-types.ts:
// regenerate it in memory from today's OpenAPI document and fail when the committed one differs.

describe('lib/api/openapi-types.ts', () => {
  it('matches the OpenAPI document the server serves', async () => {
    const committed = readFileSync(OPENAPI_TYPES_PATH, 'utf8');
    const fresh = await renderOpenApiTypes();
    expect(
      committed === fresh,
      `${OPENAPI_TYPES_PATH} is stale: run \`${REGENERATE_COMMAND}\` and commit the result`,
    ).toBe(true);
  });
});
