// ESLint flat config. The one architectural rule that matters most: the tuning core
// (core) is pure and imports nothing from AWS, CDK or Powertools.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'dist/**', 'cli/dist/**', 'assets/**', '.hpo/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'examples/**/*.py'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], message: 'core is pure: no CDK imports.' },
          { group: ['@aws-sdk/*', '@smithy/*'], message: 'core is pure: no AWS SDK imports (use a port in core/ports.ts).' },
          { group: ['@aws-lambda-powertools/*'], message: 'core is pure: return reasons, let handlers log.' },
          { group: ['**/adapters/**', '**/handlers/**', '**/shared/**', 'fs', 'node:*', 'child_process'], message: 'core depends on nothing outside core.' },
        ],
      }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
