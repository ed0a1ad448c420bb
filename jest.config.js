// Handlers log one JSON line per request; tests keep the console for their own output.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';

/** @type {import('jest').Config} */
const common = {
  testEnvironment: 'node',
  // Stryker's sandboxes are copies of the tree: never collect their modules or tests.
  modulePathIgnorePatterns: ['<rootDir>/.stryker-tmp/'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/.stryker-tmp/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    // keepImportAttributes: JSON modules (the OpenAPI document) are imported `with { type: 'json' }`.
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2024', experimental: { keepImportAttributes: true } } },
    ],
  },
};

/** @type {import('jest').Config} */
export default {
  // Tests never assert times: this only bounds a hung test. Browser and integration tests drive several
  // page loads or DynamoDB Local round trips, and 5 s is too tight on a busy 2-core machine.
  // (A global option: jest ignores testTimeout inside a project.)
  testTimeout: 60_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/globalSetup.ts',
      globalTeardown: '<rootDir>/test/integration/globalTeardown.ts',
      setupFiles: ['<rootDir>/test/integration/env.ts'],
    },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    {
      ...common,
      displayName: 'browser',
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      globalSetup: '<rootDir>/test/browser/globalSetup.ts',
      globalTeardown: '<rootDir>/test/browser/globalTeardown.ts',
    },
  ],
};
