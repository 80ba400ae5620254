/**
 * `TrainingBackend` on Amazon SageMaker (and on the local SageMaker emulator, which speaks
 * the same API: point the client at it with `AWS_ENDPOINT_URL_SAGEMAKER`).
 *
 * Every error is classified (./aws-errors.ts): the answers with a meaning for one call become
 * results (`exists`, `retry`, `over-quota`, `invalid`, `not-running`, `gone`); the rest become
 * `TransientError`, `PermissionDenied` or `RequestRejected`.
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
import type {
  CreateJobResult,
  ExistingJob,
  ReleaseWarmPoolResult,
  StopJobResult,
  TrainingBackend,
  TrainingJobRequest,
} from '../../../core/orchestrator/backend';
import type { JobObservation, JobStatus } from '../../../core/orchestrator/records';
import {
  awsErrorCode,
  awsErrorMessage,
  classifyAwsError,
  parseQuotaRefusal,
  permanentQuotaReason,
  toTunerError,
  type AwsCall,
} from './aws-errors';

function isNotFound(error: unknown): boolean {
  return awsErrorCode(error) === 'ValidationException' && /not found|does not exist/i.test(awsErrorMessage(error));
}

const call = (operation: string, target: string): AwsCall => ({ service: 'sagemaker', operation, target });

export class SageMakerBackend implements TrainingBackend {
  constructor(private readonly client: SageMakerClient) {}

  async createJob(request: TrainingJobRequest): Promise<CreateJobResult> {
    const jobName = request.TrainingJobName;
    try {
      await this.client.send(new CreateTrainingJobCommand(request as unknown as CreateTrainingJobCommandInput));
      return { kind: 'created' };
    } catch (error) {
      const code = awsErrorCode(error);
      if (code === 'ResourceInUse') return { kind: 'exists', existing: await this.describeExisting(jobName) };
      const classified = classifyAwsError(error);
      const reason = `${classified.code}: ${classified.message}`;
      if (classified.errorClass === 'capacity') {
        const quota = parseQuotaRefusal(classified.message);
        if (quota.permanent) {
          const instanceType = (request.ResourceConfig as { InstanceType?: string } | undefined)?.InstanceType;
          return { kind: 'over-quota', reason: permanentQuotaReason(quota, instanceType), ...(quota.quotaName ? { quotaName: quota.quotaName } : {}) };
        }
        return { kind: 'retry', reason, cause: 'capacity' };
      }
      if (classified.errorClass === 'retry') return { kind: 'retry', reason, cause: 'temporary' };
      if (code === 'ValidationException') return { kind: 'invalid', reason: classified.message };
      throw toTunerError(call('CreateTrainingJob', jobName), error);
    }
  }

  /** What SageMaker says about the job that already has this name (for the ownership check). */
  private async describeExisting(jobName: string): Promise<ExistingJob> {
    let out: DescribeTrainingJobCommandOutput;
    try {
      out = await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
    } catch (error) {
      throw toTunerError(call('DescribeTrainingJob', jobName), error);
    }
    return {
      ...(out.CreationTime === undefined ? {} : { createdAt: new Date(out.CreationTime).toISOString() }),
      ...(out.HyperParameters === undefined ? {} : { hyperParameters: out.HyperParameters }),
      ...(out.RoleArn === undefined ? {} : { roleArn: out.RoleArn }),
    };
  }

  async describeJob(jobName: string): Promise<JobObservation | undefined> {
    try {
      const out = await this.client.send(new DescribeTrainingJobCommand({ TrainingJobName: jobName }));
      return toObservation(jobName, out);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw toTunerError(call('DescribeTrainingJob', jobName), error);
    }
  }

  async stopJob(jobName: string): Promise<StopJobResult> {
    try {
      await this.client.send(new StopTrainingJobCommand({ TrainingJobName: jobName }));
      return 'stopping';
    } catch (error) {
      // SageMaker answers ValidationException for a job that has ended or does not exist.
      if (awsErrorCode(error) === 'ValidationException') return 'not-running';
      throw toTunerError(call('StopTrainingJob', jobName), error);
    }
  }

  async releaseWarmPool(jobName: string): Promise<ReleaseWarmPoolResult> {
    try {
      await this.client.send(
        new UpdateTrainingJobCommand({ TrainingJobName: jobName, ResourceConfig: { KeepAlivePeriodInSeconds: 0 } }),
      );
      return 'released';
    } catch (error) {
      // A pool that is no longer Available (terminated, reused, expired) or a job without one:
      // SageMaker answers ValidationException. Nothing is left billing.
      if (awsErrorCode(error) === 'ValidationException') return 'gone';
      throw toTunerError(call('UpdateTrainingJob', jobName), error);
    }
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
