// Mutation testing of the pure modules (rules and texts with no I/O) against the unit tests alone:
// `npm run mutation`. Kept out of `npm test` because a full run takes about half an hour on 2 cores.
import jestConfig from './jest.config.js';

// Jest runs the unit project's settings at the top level, with no `projects` (an empty list, as the
// options are passed on as JSON, where undefined would vanish and leave jest.config.js's four
// projects in place): each mutant then runs only unit tests, never the integration or browser
// suites' global setup.
const { displayName: _name, ...unitProject } = jestConfig.projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  // The suite is native ESM (jest's vm modules), exactly as `npm test` runs it.
  testRunnerNodeArgs: ['--experimental-vm-modules', '--disable-warning=ExperimentalWarning'],
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    config: { ...unitProject, projects: [] },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // Static mutants (in module-level constants such as patterns and limits) need every related test
  // file re-run for each of them: about a fifth of the mutants but 95 % of the run time. They are
  // reported as ignored, so the score covers the other four fifths; unit tests state those
  // constants' rules directly (API-key pattern anchors, summary-ID length).
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  // The pure modules, named one by one (a glob would silently take in whatever moves into a folder):
  // domain rules, HTTP problem details and validation messages, i18n, the text and email rules, the
  // customer form, visitors, checkout, the offer-page links and submission tokens.
  mutate: [
    'shared/domain/acceptance.ts',
    'shared/domain/api-key.ts',
    'shared/domain/errors.ts',
    'shared/domain/idempotency.ts',
    'shared/domain/offer.ts',
    'shared/domain/offer-create.ts',
    'shared/domain/offer-queries.ts',
    'shared/domain/office.ts',
    'shared/domain/partner.ts',
    'shared/domain/summary-id.ts',
    'shared/http/problem.ts',
    'shared/http/validation.ts',
    'shared/i18n/format.ts',
    'shared/i18n/locale.ts',
    'shared/schemas/text.ts',
    'shared/schemas/email.ts',
    'functions/offer-page/form.ts',
    'shared/http/form-body.ts',
    'functions/offer-page/visitors.ts',
    'functions/offer-page/checkout.ts',
    'shared/offer-page/links.ts',
    'shared/offer-page/submission-token.ts',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Build output, benchmark bundles and local database files are not needed to run the unit tests.
  // tsconfig.json stays out of the sandbox too: jest compiles with swc and never reads it, and Stryker's
  // tsconfig rewriting calls a TypeScript JS API that the native TypeScript 7 compiler does not ship.
  ignorePatterns: ['cdk.out', '.bench', '.local', 'coverage', 'test/artifacts', 'tsconfig.json'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
  thresholds: { high: 85, low: 70, break: null },
};
