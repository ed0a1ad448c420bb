import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Every package the code imports is declared in package.json, so a clean `npm ci` installs it
 * rather than a hoisted copy some other package happened to bring along (which can vanish or
 * change version with that package's next release).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FOLDERS = ['functions', 'infra', 'shared', 'test'];
const SOURCE = /\.(ts|mts|mjs|js|cjs)$/;

interface PackageImport {
  readonly name: string;
  /** `import type` / `export type`: satisfied by a declared `@types/` package too. */
  readonly typeOnly: boolean;
}

const STATIC = /^\s*(import|export)\s+(type\s+)?[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;
const SIDE_EFFECT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`; undefined for relative paths and built-ins. */
function packageName(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
  return builtinModules.includes(name) ? undefined : name;
}

function importedPackages(source: string): PackageImport[] {
  const found: PackageImport[] = [];
  const add = (specifier: string, typeOnly: boolean) => {
    const name = packageName(specifier);
    if (name) found.push({ name, typeOnly });
  };
  for (const match of source.matchAll(STATIC)) add(match[3] ?? '', match[2] !== undefined);
  for (const match of source.matchAll(SIDE_EFFECT)) add(match[1] ?? '', false);
  for (const match of source.matchAll(DYNAMIC)) add(match[1] ?? '', false);
  return found;
}

function typesPackage(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

function undeclared(imports: readonly PackageImport[], declared: ReadonlySet<string>): string[] {
  const missing = imports.filter(
    ({ name, typeOnly }) => !declared.has(name) && !(typeOnly && declared.has(typesPackage(name))),
  );
  return [...new Set(missing.map(({ name }) => name))].sort();
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => SOURCE.test(path) && !path.split(/[\\/]/).includes('node_modules'))
    .map((path) => join(ROOT, folder, path));
}

function declaredPackages(): Set<string> {
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  return new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})]);
}

describe('imported packages', () => {
  it('reads static, type-only, side-effect, dynamic and require imports, skipping relative paths and built-ins', () => {
    // Arrange
    const source = [
      "import { z } from 'zod/mini';",
      'import type {',
      '  Context,',
      "} from 'aws-lambda';",
      "export { thing } from '@scope/pkg/deep/path.js';",
      "import 'side-effect';",
      "const lazy = await import('@aws-sdk/client-ssm');",
      "const old = require('legacy');",
      "import { local } from './local.ts';",
      "import { readFileSync } from 'node:fs';",
      "import { join } from 'path';",
    ].join('\n');

    // Act
    const imports = importedPackages(source);

    // Assert
    expect(imports).toEqual([
      { name: 'zod', typeOnly: false },
      { name: 'aws-lambda', typeOnly: true },
      { name: '@scope/pkg', typeOnly: false },
      { name: 'side-effect', typeOnly: false },
      { name: '@aws-sdk/client-ssm', typeOnly: false },
      { name: 'legacy', typeOnly: false },
    ]);
  });

  it('counts a package as declared by its own name, or by its @types package for type-only imports', () => {
    // Arrange
    const declared = new Set(['zod', '@types/aws-lambda', '@types/scope__typed']);
    const imports: PackageImport[] = [
      { name: 'zod', typeOnly: false },
      { name: 'aws-lambda', typeOnly: true },
      { name: '@scope/typed', typeOnly: true },
      { name: 'aws-lambda', typeOnly: false },
      { name: '@smithy/types', typeOnly: true },
    ];

    // Act
    const missing = undeclared(imports, declared);

    // Assert
    expect(missing).toEqual(['@smithy/types', 'aws-lambda']);
  });

  it('finds every package imported in functions/, infra/, shared/ and test/ in package.json', () => {
    // Arrange
    // This file's own examples name made-up packages.
    const files = FOLDERS.flatMap(sourceFiles).filter((file) => file !== fileURLToPath(import.meta.url));
    const imports = files.flatMap((file) => importedPackages(readFileSync(file, 'utf8')));

    // Act
    const missing = undeclared(imports, declaredPackages());

    // Assert: the scan saw every folder and the packages the code is built on.
    expect(files.map((file) => relative(ROOT, file))).toEqual(
      expect.arrayContaining([
        join('functions', 'authorizer', 'handler.ts'),
        join('infra', 'stack.ts'),
        join('shared', 'routes.ts'),
        join('test', 'support', 'ensure-system-packages.mjs'),
      ]),
    );
    expect(imports.map(({ name }) => name)).toEqual(
      expect.arrayContaining(['zod', 'aws-cdk-lib', '@aws-sdk/lib-dynamodb', '@jest/globals', 'playwright-core']),
    );
    expect(missing).toEqual([]);
  });
});
