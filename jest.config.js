/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  // Examples import the construct by its package name, as users do.
  moduleNameMapper: { '^sagemaker-hpo-tuner$': '<rootDir>/lib' },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  collectCoverageFrom: ['core/**/*.ts'],
  // The pure core is held to a high bar (Powertools requires 100% of its packages; we start at 95).
  coverageThreshold: {
    './core/': { lines: 95, branches: 90, functions: 95, statements: 95 },
  },
  coverageReporters: ['text-summary', 'lcov'],
  testTimeout: 30000,
};
