import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { listTaskTypes } from '@/server/tasks/registry';

// A task type's facts live in its module (server/tasks/types/<domain>-<verb>.ts and its
// -processor.ts): no other source may single a type out by its name. Code that needs one
// imports the module (`emailSend.name`) or reads a field it declares. A string literal naming
// a type anywhere else in server/, components/, app/ or lib/ is a special case and fails here.

const root = path.resolve(import.meta.dirname, '../..');
const SOURCE_DIRS = ['server', 'components', 'app', 'lib'];
const SKIPPED = /^lib\/generated\//;

function listSources(): string[] {
  return SOURCE_DIRS.flatMap((dir) =>
    readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.tsx?$/.test(file))
      .map((file) => path.posix.join(dir, file.split(path.sep).join('/')))
      .filter((file) => !SKIPPED.test(file)),
  );
}

/** The module files of a type: `report.generate` → report-generate.ts and its processor. */
function moduleFilesOf(typeName: string): string[] {
  const base = `server/tasks/types/${typeName.replace('.', '-')}`;
  return [`${base}.ts`, `${base}-processor.ts`];
}

/** Every string literal (template literals without substitutions too) equal to a name. */
function findNameLiterals(file: string, text: string, names: ReadonlySet<string>): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) &&
      names.has(node.text)
    ) {
      const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
      found.push(`${file}:${line + 1} '${node.text}'`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const typeNames = listTaskTypes().map((type) => type.name);

describe('task type names outside their modules', () => {
  it('each type lives in the module file named after it', () => {
    for (const name of typeNames) {
      const [modulePath = ''] = moduleFilesOf(name);
      expect(readFileSync(path.join(root, modulePath), 'utf8'), modulePath).toContain(
        `name: '${name}'`,
      );
    }
  });

  it('no other source file names a type by a string literal', () => {
    const sources = listSources();
    expect(sources.length).toBeGreaterThan(100);
    const found = sources.flatMap((file) => {
      const text = readFileSync(path.join(root, file), 'utf8');
      // Parsed only where a name occurs at all (mostly in comments): parsing every file is slow.
      const others = typeNames.filter(
        (name) => !moduleFilesOf(name).includes(file) && text.includes(name),
      );
      return others.length === 0 ? [] : findNameLiterals(file, text, new Set(others));
    });
    expect(found).toEqual([]);
  });

  it('catches a special case, and leaves comments alone', () => {
    const names = new Set(['email.send']);
    const code = [
      '// an email.send task, mentioned in a comment',
      "if (task.type === 'email.send') skip();",
      'const other = `email.send`;',
      "const fine = 'email.sender';",
    ].join('\n');
    expect(findNameLiterals('x.ts', code, names)).toEqual([
      "x.ts:2 'email.send'",
      "x.ts:3 'email.send'",
    ]);
  });
});
