import { rm } from 'node:fs/promises';
import type { TestProject } from 'vitest/node';
import { resetServices } from '../support/reset-services';

export default async function setup(project: TestProject): Promise<void> {
  const env = project.config.env as Record<string, string>;
  await resetServices(env);
  if (env.STORAGE_DIR) await rm(env.STORAGE_DIR, { recursive: true, force: true });
}
