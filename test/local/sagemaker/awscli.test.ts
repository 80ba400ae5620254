// A real non-JS client: Debian's AWS CLI v2 (not the pyenv `aws` v1 shim first on PATH).
// The emulator does not need it; the test runs only where /usr/bin/aws is installed.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { startHarness } from './helpers';

const AWS_V2 = '/usr/bin/aws';
const maybe = existsSync(AWS_V2) ? test : test.skip;

describe('SageMaker emulator and the AWS CLI', () => {
  if (!existsSync(AWS_V2)) {
    test('Debian awscli v2 is not installed: the CLI check is skipped (the emulator does not need it)', () => {
      expect(existsSync(AWS_V2)).toBe(false);
    });
  }

  maybe('aws sagemaker describe-training-job gets the ValidationException', async () => {
    const h = await startHarness();
    try {
      const run = promisify(execFile);
      const err = await run(AWS_V2, ['sagemaker', 'describe-training-job', '--training-job-name', 'nope', '--endpoint-url', h.sm.endpoint, '--region', 'us-east-1'], {
        env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_MAX_ATTEMPTS: '1' },
      }).catch((e: { stderr: string }) => e);
      expect((err as { stderr: string }).stderr).toContain('(ValidationException) when calling the DescribeTrainingJob operation: Requested resource not found.');
    } finally {
      await h.close();
    }
  });
});
