/**
 * `TrainingBackend` on Amazon SageMaker (and on the local SageMaker emulator, which speaks
 * the same API: point the client at it with `AWS_ENDPOINT_URL_SAGEMAKER`).
 */
import {
  CreateTrainingJobCommand,
  type CreateTrainingJobCommandInput,
  DescribeTrainingJobCommand,
  type DescribeTrainingJobCommandOutput,
  SageMakerClient,
  StopTrainingJobCommand,
  UpdateTrainingJobCommand,
} from '@aws-sdk/client-sagemaker';
import type { CreateJobResult, StopJobResult, TrainingBackend, TrainingJobRequest } from '../../core/orchestrator/backend';
import type { JobObservation, JobStatus } from '../../core/orchestrator/records';

/** Errors that mean "not now": keep the job pending and try again (DESIGN.md: never drop a trial). */
const RETRYABLE = new Set([
  'ThrottlingException',
  'ResourceLimitExceeded',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalServerError',
  'RequestLimitExceeded',
  'TooManyRequestsException',
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : 'UnknownError';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNotFound(error: unknown): boolean {
  return errorName(error) === 'ValidationException' && /not found|does not exist/i.test(errorMessage(error));
}

export class SageMakerBackend implements TrainingBackend {
  constructor(private readonly client: SageMakerClient) {}

  async createJob(request: TrainingJobRequest): Promise<CreateJobResult> {
    try {
      await this.client.send(new CreateTrainingJobCommand(request as unknown as CreateTrainingJobCommandInput));
      return { kind: 'created' };
    } catch (error) {
      const name = errorName(error);
      if (name === 'ResourceInUse') return { kind: 'exists' };
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
      if (RETRYABLE.has(name) || status >= 500) return { kind: 'retry', reason: `${name}: ${errorMessage(error)}` };
      if (name === 'ValidationException') return { kind: 'invalid', reason: errorMessage(error) };
      throw error;
    }
  }

  async describeJob(jobName: string): Promise<JobObservation | undefined> {
    try {
      const out = await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      return toObservation(jobName, out);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  async stopJob(jobName: string): Promise<StopJobResult> {
    try {
      await this.client.send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
      return 'stopping';
    } catch (error) {
      // SageMaker answers ValidationException for a job that has ended or does not exist.
      if (errorName(error) === 'ValidationException') return 'not-running';
      throw error;
    }
  }

  async releaseWarmPool(jobName: string): Promise<void> {
    await this.client.send(
      new UpdateTrainingJobCommand({ TrainingJobName: jobName, ResourceConfig: { KeepAlivePeriodInSeconds: 0 } }),
    );
  }
}

const STATUSES: ReadonlySet<string> = new Set(['InProgress', 'Stopping', 'Completed', 'Failed', 'Stopped']);

/** Map DescribeTrainingJob to what the store records. */
export function toObservation(jobName: string, out: DescribeTrainingJobCommandOutput): JobObservation {
  const status = String(out.TrainingJobStatus ?? 'InProgress');
  if (!STATUSES.has(status)) throw new Error(`unexpected TrainingJobStatus '${status}' for ${jobName}`);
  const iso = (d: Date | undefined) => (d === undefined ? undefined : new Date(d).toISOString());
  const observation: JobObservation = {
    jobName,
    status: status as Exclude<JobStatus, 'Pending'>,
    secondaryStatus: out.SecondaryStatus,
    startedAt: iso(out.TrainingStartTime),
    endedAt: iso(out.TrainingEndTime),
    billableSeconds: out.BillableTimeInSeconds,
    trainingSeconds: out.TrainingTimeInSeconds,
    finalMetrics: out.FinalMetricDataList?.map((m) => ({
      name: String(m.MetricName),
      value: Number(m.Value),
      ...(m.Timestamp === undefined ? {} : { timestamp: new Date(m.Timestamp).toISOString() }),
    })),
    failureReason: out.FailureReason,
    warmPoolStatus: out.WarmPoolStatus?.Status,
  };
  return Object.fromEntries(Object.entries(observation).filter(([, v]) => v !== undefined)) as unknown as JobObservation;
}
