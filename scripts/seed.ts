import { getEnv } from '@/lib/env';
import { ensureAdmin } from '@/server/auth/seed-admin';
import { closeClients } from '@/server/infra/clients';

// Run by `npm start`: the first admin, from ADMIN_EMAIL / ADMIN_PASSWORD or a demo one.
const env = getEnv();
const seeded = await ensureAdmin({ email: env.ADMIN_EMAIL, password: env.ADMIN_PASSWORD });
if (seeded?.generatedPassword) {
  console.log(
    `\n  Demo admin created: ${seeded.email} / ${seeded.generatedPassword}\n  (shown once; set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own)\n`,
  );
} else if (seeded?.created) {
  console.log(`Admin ${seeded.email} created from ADMIN_EMAIL.`);
}
await closeClients();
