// Used by the Prisma CLI only (generate; migrate where its engine can be downloaded).
// The app reads DATABASE_URL through lib/env.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: {
    url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/taskdeck',
  },
});
