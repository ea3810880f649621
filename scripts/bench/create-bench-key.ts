import { randomUUID } from 'node:crypto';
import { createApiKey } from '@/server/auth/api-keys';
import { getAuth } from '@/server/auth/auth';
import { NO_AUDIT_CONTEXT } from '@/server/audit/audit-service';
import { closeClients } from '@/server/infra/clients';

// Run with the bench environment: a user to own the benchmark's tasks, its API key, and the
// session cookie of its sign-up (for the benchmarks that drive the dashboard in a browser).
const email = `bench-${randomUUID().slice(0, 8)}@example.test`;
const response = await getAuth().api.signUpEmail({
  body: { email, password: randomUUID(), name: 'Benchmark' },
  asResponse: true,
});
if (!response.ok) throw new Error(`sign-up failed: ${response.status} ${await response.text()}`);
const { user } = (await response.json()) as { user: { id: string } };
const cookie = response.headers
  .getSetCookie()
  .map((entry) => entry.split(';')[0])
  .join('; ');
const { key } = await createApiKey(
  { kind: 'user', userId: user.id, email, role: 'user', via: 'session' },
  { name: 'benchmark' },
  NO_AUDIT_CONTEXT,
);
// One line, so the reader cannot miss the second value; the cookie header has spaces.
process.stdout.write(`BENCH_KEY=${key} BENCH_COOKIE=${encodeURIComponent(cookie)}\n`);
await closeClients();
