import { randomUUID } from 'node:crypto';
import { createApiKey } from '@/server/auth/api-keys';
import { getAuth } from '@/server/auth/auth';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';

// Run with the bench environment: a user to own the benchmark's tasks, and its API key.
const email = `bench-${randomUUID().slice(0, 8)}@example.test`;
const { user } = await getAuth().api.signUpEmail({
  body: { email, password: randomUUID(), name: 'Benchmark' },
});
const { key } = await createApiKey(
  { kind: 'user', userId: user.id, email, role: 'user', via: 'session' },
  { name: 'benchmark' },
  NO_AUDIT_CONTEXT,
);
process.stdout.write(`BENCH_KEY=${key}\n`);
await closeClients();
