import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The static import graph of our own TypeScript, as the bundlers see it: `import type`, imports
// and re-exports of types only, and `import()` are not edges (the first two are erased, the last
// loads on demand). npm packages are leaves, named by their package name.

export interface ImportGraph {
  /** Our files reached, relative to the root, with one file that imports each. */
  files: Map<string, string>;
  /** npm packages reached, with one of our files that imports each. */
  packages: Map<string, string>;
}

function loadCompilerOptions(root: string): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false; // `import 'x'`: a side effect, always kept
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return false;
  return bindings.elements.length > 0 && bindings.elements.every((element) => element.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return (
    !!clause &&
    ts.isNamedExports(clause) &&
    clause.elements.length > 0 &&
    clause.elements.every((element) => element.isTypeOnly)
  );
}

export function listStaticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement) && !isTypeOnlyImport(statement)) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    } else if (
      ts.isExportDeclaration(statement) &&
      statement.moduleSpecifier &&
      !isTypeOnlyExport(statement)
    ) {
      specifiers.push((statement.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return specifiers;
}

function packageNameOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

export function walkImportGraph(root: string, entries: string[]): ImportGraph {
  const options = loadCompilerOptions(root);
  const host = ts.createCompilerHost(options);
  const files = new Map<string, string>();
  const packages = new Map<string, string>();
  const pending = entries.map((entry) => path.resolve(root, entry));
  for (const entry of pending) files.set(path.relative(root, entry), '(entry)');
  while (pending.length > 0) {
    const file = pending.pop()!;
    const from = path.relative(root, file);
    for (const specifier of listStaticImports(file)) {
      if (specifier.startsWith('node:')) continue;
      const resolved = ts.resolveModuleName(specifier, file, options, host).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) {
        const name = packageNameOf(specifier);
        if (!packages.has(name)) packages.set(name, from);
        continue;
      }
      const relative = path.relative(root, resolved.resolvedFileName);
      if (files.has(relative)) continue;
      files.set(relative, from);
      if (/\.tsx?$/.test(relative) && !relative.endsWith('.d.ts')) {
        pending.push(resolved.resolvedFileName);
      }
    }
  }
  return { files, packages };
}
