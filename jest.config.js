/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }],
  },
  setupFiles: ['<rootDir>/test/setup-env.ts'],
  collectCoverageFrom: ['lambda/core/**/*.ts'],
  coverageThreshold: {
    './lambda/core/': { lines: 90, branches: 80, functions: 90, statements: 90 },
  },
  testTimeout: 30000,
};
