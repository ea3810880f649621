import { writeFileSync } from 'node:fs';
import { getOpenApiDocument } from '@/server/http/openapi-document';

// Writes the OpenAPI document to the path given (for `redocly lint` in scripts/test.sh), the
// same document GET /api/v1/openapi.json serves.

const target = process.argv[2];
if (!target) throw new Error('usage: tsx scripts/write-openapi.ts <file.json>');
writeFileSync(target, JSON.stringify(getOpenApiDocument(), null, 2) + '\n');
