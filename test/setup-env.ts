// Shared test environment: quiet Powertools logs and never reach a real AWS endpoint.
process.env.POWERTOOLS_DEV ??= 'true';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.AWS_REGION ??= 'us-east-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// A home of its own per test file: `hpo` keeps runs in ~/.hpo by default (local/workspace.ts),
// and the AWS SDK reads ~/.aws; neither may see, or write to, the developer's. Tests that run
// npm (the install-like-a-user tests) hand it the real one, kept in HPO_TEST_REAL_HOME.
{
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { mkdtempSync } = require('node:fs') as typeof import('node:fs');
  const { tmpdir } = require('node:os') as typeof import('node:os');
  const { join } = require('node:path') as typeof import('node:path');
  /* eslint-enable @typescript-eslint/no-require-imports */
  process.env.HPO_TEST_REAL_HOME ??= process.env.HOME;
  process.env.HOME = mkdtempSync(join(tmpdir(), 'hpo-test-home-'));
}
