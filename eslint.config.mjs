import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

// Processors load only through their type's `processor: () => import(...)`, so the web process,
// which imports every type, never loads them (tests/unit/lean-web-imports.test.ts).
const lazyProcessors = {
  group: ['**/*-processor', '**/*-processor.ts'],
  message:
    "Load a processor lazily, through its task type's processor: () => import('./<name>-processor').",
};

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores([
    '.next/**',
    '.data/**',
    'dist/**',
    'node_modules/**',
    'lib/generated/**',
    'next-env.d.ts',
  ]),
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through getEnv() from lib/env.ts.',
        },
      ],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['tests/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [lazyProcessors] }] },
  },
  {
    // app/ holds routes and pages only: server actions live in server/<feature>/*-actions.ts.
    files: ['components/**', 'lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            lazyProcessors,
            {
              group: ['@/app/**', '**/app/**'],
              message:
                'Components and lib do not import app/: import an action from its server/<feature>/<feature>-actions module.',
            },
          ],
        },
      ],
    },
  },
  {
    // The env module itself, and tooling that configures processes rather than reading config.
    files: ['lib/env.ts', 'prisma.config.ts', 'scripts/**', 'tests/**', 'vitest.config.ts'],
    rules: { 'no-restricted-properties': 'off' },
  },
]);
