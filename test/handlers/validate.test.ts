/** The Validate handler: the same validator as `hpo validate`, plus what only the deployment knows. */
import { handler } from '../../lambda/handlers/validate';
import { prepareTuningRun } from '../../lambda/shared/tuning-input';
import { tuningInput } from '../helpers/inputs';
import { context } from './context';

const ENV = {
  TABLE_NAME: 'results',
  JOB_NAME_PREFIX: 'hpo-1a2b3c4d',
  BUCKET_NAME: 'bucket',
  ALLOWED_TRAINING_ROLE_ARNS: 'arn:aws:iam::123456789012:role/SageMakerTrainingRole',
};

beforeEach(() => Object.assign(process.env, ENV));
afterEach(() => {
  for (const key of Object.keys(ENV)) delete process.env[key];
});

describe('validate handler', () => {
  it('returns only the run name: the input stays in the execution', async () => {
    // Prepare
    const input = tuningInput({ strategy: 'Hyperband', maxJobs: 30 });
    // Act
    const out = await handler(input, context);
    // Assess
    expect(out).toEqual({ runId: 'test-run' });
  });

  it('prepares what Init stores: the input as given and what it means to the core', () => {
    const input = tuningInput({ strategy: 'Hyperband', maxJobs: 30 });
    const prepared = prepareTuningRun(input, { allowedTrainingRoleArns: [ENV.ALLOWED_TRAINING_ROLE_ARNS], jobNamePrefix: 'hpo' });
    expect(prepared.input).toEqual(input);
    expect(prepared.spec).toMatchObject({ runName: 'test-run', scheduler: { kind: 'Hyperband', maxTrainingJobs: 30, maxResource: 9 } });
  });

  it('fills in the tuner\'s training role when RoleArn is left out', () => {
    const input = tuningInput() as unknown as { TrainingJobDefinition: { RoleArn?: string } };
    delete input.TrainingJobDefinition.RoleArn;
    const prepared = prepareTuningRun(input, { allowedTrainingRoleArns: [ENV.ALLOWED_TRAINING_ROLE_ARNS], jobNamePrefix: 'hpo' });
    expect(prepared.input.TrainingJobDefinition?.RoleArn).toBe(ENV.ALLOWED_TRAINING_ROLE_ARNS);
    expect(input.TrainingJobDefinition.RoleArn).toBeUndefined();
  });

  it('asks for RoleArn when the tuner has several training roles', () => {
    const input = tuningInput() as unknown as { TrainingJobDefinition: { RoleArn?: string } };
    delete input.TrainingJobDefinition.RoleArn;
    expect(() => prepareTuningRun(input, { allowedTrainingRoleArns: ['arn:aws:iam::123456789012:role/A', 'arn:aws:iam::123456789012:role/B'], jobNamePrefix: 'hpo' })).toThrow(
      '$.TrainingJobDefinition.RoleArn: required: this tuner may pass 2 roles, name one of: arn:aws:iam::123456789012:role/A, arn:aws:iam::123456789012:role/B',
    );
  });

  it('refuses S3 locations outside the tuner\'s bucket when the run uses the tuner\'s own role', () => {
    const input = tuningInput({ roleArn: null }) as unknown as { TrainingJobDefinition: Record<string, unknown> };
    input.TrainingJobDefinition.OutputDataConfig = { S3OutputPath: 's3://my-bucket/output' };
    input.TrainingJobDefinition.CheckpointConfig = { S3Uri: 's3://tuner-bucket/checkpoints' };
    const deployment = { allowedTrainingRoleArns: [ENV.ALLOWED_TRAINING_ROLE_ARNS], ownTrainingRoleArn: ENV.ALLOWED_TRAINING_ROLE_ARNS, bucketName: 'tuner-bucket', jobNamePrefix: 'hpo' };
    expect(() => prepareTuningRun(input, deployment)).toThrow(
      "$.TrainingJobDefinition.OutputDataConfig.S3OutputPath: 's3://my-bucket/output' is outside the tuner's bucket 'tuner-bucket', and the tuner's own training role may only use s3://tuner-bucket/: " +
        "leave it out where the tuner has a default, use a location under s3://tuner-bucket/, or deploy the tuner with trainingRoles that can reach 'my-bucket'",
    );
    // A role the user brought may reach other buckets: not the tuner's business.
    const own = tuningInput() as unknown as { TrainingJobDefinition: Record<string, unknown> };
    expect(() => prepareTuningRun(own, { ...deployment, allowedTrainingRoleArns: [ENV.ALLOWED_TRAINING_ROLE_ARNS, 'arn:aws:iam::123456789012:role/Other'], ownTrainingRoleArn: 'arn:aws:iam::123456789012:role/Other' })).not.toThrow();
  });

  it('refuses an input too large to start, with its size and the limit', () => {
    const input = tuningInput() as unknown as { TrainingJobDefinition: { StaticHyperParameters: Record<string, string> } };
    for (let i = 0; i < 95; i++) input.TrainingJobDefinition.StaticHyperParameters[`p${i}`] = 'x'.repeat(2800);
    expect(() => prepareTuningRun(input, { allowedTrainingRoleArns: [], jobNamePrefix: 'hpo' })).toThrow(
      /\$: the tuning input is 2\d\d,\d{3} bytes as JSON; a run can start with at most 260,096 /,
    );
  });

  it('fails with InvalidTuningInput naming every problem, before anything starts', async () => {
    const input = tuningInput({ maxJobs: 5, maxParallel: 10 }) as unknown as Record<string, unknown>;
    input.Unknown = 1;
    const error = await handler(input, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('InvalidTuningInput');
    expect((error as Error).message).toContain('$.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs');
    expect((error as Error).message).toContain('$.Unknown');
  });

  it('refuses a role this tuner may not pass to SageMaker', async () => {
    const input = tuningInput() as unknown as { TrainingJobDefinition: { RoleArn: string } };
    input.TrainingJobDefinition.RoleArn = 'arn:aws:iam::123456789012:role/Admin';
    await expect(handler(input, context)).rejects.toThrow(
      "$.TrainingJobDefinition.RoleArn: this tuner may not pass role 'arn:aws:iam::123456789012:role/Admin' to sagemaker; allowed: arn:aws:iam::123456789012:role/SageMakerTrainingRole (or leave RoleArn out for the tuner's own role)",
    );
  });

  it('refuses a run name whose training job names would exceed 63 characters', async () => {
    process.env.JOB_NAME_PREFIX = 'hpo-tuner-abcdef';
    const input = tuningInput({ name: 'a-very-long-run-name-of-32-chars', strategy: 'Hyperband', maxJobs: 750, maxResource: 10_000_000 });
    await expect(handler(input, context)).rejects.toThrow(
      "$.HyperParameterTuningJobName: 'a-very-long-run-name-of-32-chars' makes training job names like " +
        "'hpo-tuner-abcdef-a-very-long-run-name-of-32-chars-0750-r10000000' (64 chars); sagemaker allows at most 63: use a name of at most 31 chars",
    );
  });
});
