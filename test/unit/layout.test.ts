import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Code lives beside its only user: each function's folder holds its handler and the code only it
 * uses, and `shared/` holds what two or more functions use. So no function reaches into another
 * function's folder, and `shared/` never reaches into a function's folder. (infra/ and test/ may
 * import any function's modules: the local runtime and the tests drive the same handlers.)
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE = /\.(ts|mts|mjs|js|cjs)$/;

const FROM = /\bfrom\s*['"]([^'"]+)['"]/g;
const SIDE_EFFECT = /^\s*import\s*['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Relative specifiers only: packages and built-ins are not part of the layout. */
function relativeImports(source: string): string[] {
  const found = [
    ...[...source.matchAll(FROM)].map((match) => match[1] ?? ''),
    ...[...source.matchAll(SIDE_EFFECT)].map((match) => match[1] ?? ''),
    ...[...source.matchAll(DYNAMIC)].map((match) => match[1] ?? ''),
  ];
  return found.filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'));
}

/** `functions/offer-page/pages.ts` -> `functions/offer-page`; `shared/i18n/locale.ts` -> `shared`. */
function owner(path: string): string {
  const [top, name] = path.split('/');
  return top === 'functions' ? `functions/${name}` : (top ?? '');
}

/**
 * `files`: repository-relative paths (with `/`) and their source. Returns one line per import that
 * breaks the layout, as `importer -> imported`.
 */
function layoutViolations(files: ReadonlyArray<{ path: string; source: string }>): string[] {
  const violations: string[] = [];
  for (const { path, source } of files) {
    const from = owner(path);
    if (!from.startsWith('functions/') && from !== 'shared') continue;
    for (const specifier of relativeImports(source)) {
      const target = normalize(join(dirname(path), specifier))
        .split(sep)
        .join('/');
      const to = owner(target);
      if (to.startsWith('functions/') && to !== from) violations.push(`${path} -> ${target}`);
    }
  }
  return violations.sort();
}

function sourceFiles(folder: string): Array<{ path: string; source: string }> {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => SOURCE.test(path) && !path.split(/[\\/]/).includes('node_modules'))
    .map((path) => join(ROOT, folder, path))
    .map((file) => ({ path: relative(ROOT, file).split(sep).join('/'), source: readFileSync(file, 'utf8') }));
}

describe('layoutViolations', () => {
  it('names a function importing from another function’s folder', () => {
    const files = [
      { path: 'functions/fallback/handler.ts', source: "import { offerPage } from '../offer-page/pages.ts';\n" },
    ];

    expect(layoutViolations(files)).toEqual(['functions/fallback/handler.ts -> functions/offer-page/pages.ts']);
  });

  it('names a multi-line and a dynamic import into another function’s folder', () => {
    const source = [
      'import {',
      '  syncPartnerOffices,',
      "} from '../office-sync/sync.ts';",
      "const { qrSvg } = await import('../offers-read/qr.ts');",
    ].join('\n');

    expect(layoutViolations([{ path: 'functions/offices/handler.ts', source }])).toEqual([
      'functions/offices/handler.ts -> functions/offers-read/qr.ts',
      'functions/offices/handler.ts -> functions/office-sync/sync.ts',
    ]);
  });

  it('names shared code importing from a function’s folder', () => {
    const files = [
      {
        path: 'shared/db/offer-events.ts',
        source: "import type { X } from '../../functions/offer-events/publisher.ts';",
      },
    ];

    expect(layoutViolations(files)).toEqual(['shared/db/offer-events.ts -> functions/offer-events/publisher.ts']);
  });

  it('allows a function’s own modules, shared code, packages, and infra or tests importing a function', () => {
    const files = [
      {
        path: 'functions/office-sync/handler.ts',
        source: [
          "import { HttpDirectory } from './directory/http-directory.ts';",
          "import { logger } from '../../shared/observability/logger.ts';",
          "import * as z from 'zod/mini';",
        ].join('\n'),
      },
      { path: 'infra/local/start.ts', source: "import { handler } from '../../functions/offer-page/handler.ts';" },
      {
        path: 'test/unit/visitors.test.ts',
        source: "import { isAutomatedVisitor } from '../../functions/offer-page/visitors.ts';",
      },
    ];

    expect(layoutViolations(files)).toEqual([]);
  });
});

describe('the repository layout', () => {
  it('has no import from one function’s folder into another’s, nor from shared/ into a function', () => {
    const files = [...sourceFiles('functions'), ...sourceFiles('shared')];

    expect(layoutViolations(files)).toEqual([]);
  });
});
