/** The Validate handler: the same validator as `hpo validate`, plus what only the deployment knows. */
import { handler } from '../../lambda/handlers/validate';
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
  it('returns the input and what it means to the core', async () => {
    // Prepare
    const input = tuningInput({ strategy: 'Hyperband', maxJobs: 30 });
    // Act
    const out = await handler(input, context);
    // Assess
    expect(out.input).toEqual(input);
    expect(out.spec).toMatchObject({ runName: 'test-run', scheduler: { kind: 'Hyperband', maxTrainingJobs: 30, maxResource: 9 } });
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
      "$.TrainingJobDefinition.RoleArn: this tuner may not pass role 'arn:aws:iam::123456789012:role/Admin' to sagemaker; allowed: arn:aws:iam::123456789012:role/SageMakerTrainingRole",
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
