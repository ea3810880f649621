import { closeClients } from '@/server/infra/clients';
import { createTestApiKey, createTestUser } from '@/tests/support/users';

// Run as a child with the chaos run's environment (its private database): an admin account,
// signed up through Better Auth, and an API key for the load clients.
const admin = await createTestUser('admin', 'chaos');
const key = await createTestApiKey(admin);
process.stdout.write(`CHAOS_KEY=${key}\n`);
await closeClients();
