import { writeFileSync } from 'node:fs';
import { OPENAPI_TYPES_PATH, renderOpenApiTypes } from './render-openapi-types';

// `npm run generate:api`: rewrites lib/api/openapi-types.ts (the request and response types of
// every REST operation, for tests/support/api-client.ts) after the OpenAPI document changed.

writeFileSync(OPENAPI_TYPES_PATH, await renderOpenApiTypes());
console.log(`wrote ${OPENAPI_TYPES_PATH}`);
