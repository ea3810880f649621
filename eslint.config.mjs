import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';

const root = import.meta.dirname;

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
    // Layering (docs/architecture.md). Resolved paths, so relative and `@/` imports count alike;
    // a type-only import counts too. tests/unit/layering-lint.test.ts proves each zone fires.
    files: ['**/*.ts', '**/*.tsx'],
    ignores: ['tests/**'],
    rules: {
      'import/no-restricted-paths': [
        'error',
        {
          basePath: root,
          zones: [
            {
              target: ['components/**', 'lib/**'],
              from: ['server/**'],
              // A client component calls a server action through its 'use server' module.
              except: [`${root}/server/**/*-actions.ts`],
              message:
                'components/ and lib/ must not import server/ (only server/**/<x>-actions.ts): take the data as props, or move the shared type or pure helper to lib/.',
            },
            {
              target: ['lib/**'],
              from: ['components/**', 'app/**'],
              message: 'lib/ is shared by every side: it must not import components/ or app/.',
            },
            {
              // app/ holds routes and pages only: server actions live in server/<feature>/*-actions.ts.
              target: ['components/**'],
              from: ['app/**'],
              message:
                'components/ must not import app/: import an action from its server/<feature>/<feature>-actions module.',
            },
            {
              // Everything the web process or a browser may load: all but the worker's own code.
              target: ['app/**', 'components/**', 'lib/**', 'server/*.ts', 'server/!(attempts)/**'],
              from: ['worker/**', 'server/attempts/**'],
              message:
                'Worker-only code (worker/, server/attempts/) must not be imported by the web side.',
            },
          ],
        },
      ],
      // Processors load only through their type's `processor: () => import(...)`, so the web
      // process, which imports every type, never loads them (tests/unit/lean-web-imports.test.ts).
      // A static import anywhere would defeat that; the lazy import() is the one allowed path.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/*-processor', '**/*-processor.ts'],
              message:
                "Load a processor lazily, through its task type's processor: () => import('./<name>-processor').",
            },
          ],
        },
      ],
    },
  },
  {
    // A server-rendered button with only a click handler does nothing until React hydrates, and
    // the click is lost without a word. ClientButton stays disabled until then.
    files: ['app/**/*.tsx', 'components/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'JSXOpeningElement[name.name="button"]:has(JSXAttribute[name.name="onClick"])',
          message:
            'Use <ClientButton> from components/client-button for a button with onClick: it stays disabled until hydration, so an early click is not lost.',
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
