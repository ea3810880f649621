import { getEnv } from '@/lib/env';
import { migrateDatabase } from '@/server/db/migrate';

const env = getEnv();
const applied = await migrateDatabase(env.DATABASE_URL);
const database = new URL(env.DATABASE_URL).pathname.slice(1);
console.log(
  applied.length > 0
    ? `Applied ${applied.length} migration(s) to ${database}: ${applied.join(', ')}`
    : `Database ${database} is up to date.`,
);
