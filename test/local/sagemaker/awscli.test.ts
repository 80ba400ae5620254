// A second real client, not written in JavaScript: Debian's AWS CLI v2 (/usr/bin/aws; not the
// pyenv `aws` v1 shim that comes first on PATH). CI installs it (.ci/run); where it is absent
// the suite is skipped with a notice.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describeUnless } from '../../helpers/skip';
import { startHarness } from './helpers';

const AWS_V2 = '/usr/bin/aws';
const run = promisify(execFile);

async function aws(endpoint: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(AWS_V2, [...args, '--endpoint-url', endpoint, '--region', 'us-east-1', '--output', 'json'], {
    env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_MAX_ATTEMPTS: '1', AWS_PAGER: '' },
  }).catch((e: { stdout: string; stderr: string }) => e);
}

const NO_AWS_V2 = existsSync(AWS_V2) ? undefined : `${AWS_V2} (Debian's awscli v2) is not installed (apt-get install awscli; CI installs it)`;

describeUnless(NO_AWS_V2, 'SageMaker emulator and the AWS CLI v2', () => {
  it('answers describe-training-job for an unknown job with the service\'s ValidationException', async () => {
    const h = await startHarness();
    try {
      const out = await aws(h.sm.endpoint, ['sagemaker', 'describe-training-job', '--training-job-name', 'nope']);
      expect(out.stderr).toMatch(/\(ValidationException\) when calling the DescribeTrainingJob operation( \(reached max retries: 0\))?: Requested resource not found\./);
    } finally {
      await h.close();
    }
  });

  it('validates create-training-job against the API model, as the CLI serializes it', async () => {
    const h = await startHarness();
    try {
      const out = await aws(h.sm.endpoint, [
        'sagemaker',
        'create-training-job',
        '--training-job-name',
        'bad_name',
        '--algorithm-specification',
        'TrainingImage=img,TrainingInputMode=File',
        '--role-arn',
        'arn:aws:iam::123456789012:role/SageMakerTrainingRole',
        '--output-data-config',
        'S3OutputPath=s3://bucket/out',
        '--resource-config',
        'InstanceType=ml.m5.large,InstanceCount=1,VolumeSizeInGB=10',
        '--stopping-condition',
        'MaxRuntimeInSeconds=60',
      ]);
      expect(out.stderr).toMatch(/\(ValidationException\) when calling the CreateTrainingJob operation/);
      expect(out.stderr).toContain("Value 'bad_name' at 'trainingJobName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}");
    } finally {
      await h.close();
    }
  });
});
