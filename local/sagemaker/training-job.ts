/**
 * One training job as the emulator records it: the record, its status transitions (with
 * SageMaker's secondary-status messages), and the views of it the service shows:
 * DescribeTrainingJob's response, ListTrainingJobs' summary and the state-change event's detail.
 */
import type {
  CreateTrainingJobRequest,
  DescribeTrainingJobResponse,
  SecondaryStatus,
  TrainingJobStatus,
  TrainingJobSummary,
} from '@aws-sdk/client-sagemaker';
import type { TrainingJobStateChangeDetail } from './events';
import type { RunningProcess } from './jobs';
import { MetricCollector } from './metrics';
import type { JobDirs } from './script-mode';
import type { PoolOwner, WarmPoolState } from './warm-pools';

/** One entry of `SecondaryStatusTransitions`. */
export interface Transition {
  Status: SecondaryStatus;
  StartTime: Date;
  EndTime?: Date;
  StatusMessage?: string;
}

/** A training job: its request, its state, and the process and timers of its current attempt. */
export interface Job extends PoolOwner {
  readonly name: string;
  readonly arn: string;
  readonly request: CreateTrainingJobRequest;
  readonly dirs: JobDirs;
  readonly metrics: MetricCollector;
  status: TrainingJobStatus;
  secondary: SecondaryStatus;
  failureReason?: string;
  creationTime: Date;
  trainingStartTime?: Date;
  trainingEndTime?: Date;
  lastModifiedTime: Date;
  transitions: Transition[];
  stopReason?: 'user' | 'max-runtime';
  /** Set when a spot interruption took the instances away during this attempt. */
  interrupted?: 'restart' | 'max-wait';
  started: boolean;
  proc?: RunningProcess;
  killTimer?: NodeJS.Timeout;
  runtimeTimer?: NodeJS.Timeout;
}

const MESSAGES: Partial<Record<SecondaryStatus, string>> = {
  Starting: 'Launching requested ML instances',
  Downloading: 'Downloading input data',
  Training: 'Training image download completed. Training in progress.',
  Uploading: 'Uploading generated training model',
  Completed: 'Training job completed',
  Stopping: 'Stopping the training job',
  Stopped: 'The training job was stopped',
  MaxRuntimeExceeded: 'Training job ran longer than MaxRuntimeInSeconds and was stopped',
  Interrupted: 'The training job was interrupted: the managed spot instances were reclaimed',
  Restarting: 'Restarting the training job',
  MaxWaitTimeExceeded: 'Training job exceeded MaxWaitTimeInSeconds and was stopped',
};

/** A new job record, `InProgress`/`Starting` before its first transition is recorded. */
export function newJob(request: CreateTrainingJobRequest, arn: string, dirs: JobDirs): Job {
  const now = new Date();
  const job: Job = {
    name: request.TrainingJobName ?? '',
    arn,
    request,
    dirs,
    metrics: new MetricCollector(request.AlgorithmSpecification?.MetricDefinitions),
    status: 'InProgress',
    secondary: 'Starting',
    creationTime: now,
    lastModifiedTime: now,
    transitions: [],
    started: false,
  };
  job.onWarmPoolChange = () => {
    job.lastModifiedTime = new Date();
  };
  return job;
}

/**
 * Records a status change: a new `SecondaryStatusTransitions` entry when the secondary status
 * changes, end times, `LastModifiedTime`.
 *
 * @returns the time of the change
 */
export function recordTransition(job: Job, status: TrainingJobStatus, secondary: SecondaryStatus, message?: string): Date {
  const now = new Date();
  const last = job.transitions[job.transitions.length - 1];
  if (last && last.Status !== secondary) last.EndTime = now;
  if (!last || last.Status !== secondary) {
    job.transitions.push({ Status: secondary, StartTime: now, StatusMessage: message ?? MESSAGES[secondary] ?? secondary });
  }
  job.status = status;
  job.secondary = secondary;
  job.lastModifiedTime = now;
  if (status === 'Completed' || status === 'Failed' || status === 'Stopped') {
    const end = job.transitions[job.transitions.length - 1];
    end.EndTime = now;
  }
  return now;
}

function modelArtifactsUri(job: Job): string {
  const base = (job.request.OutputDataConfig?.S3OutputPath ?? '').replace(/\/+$/, '');
  return `${base}/${job.name}/output/model.tar.gz`;
}

function warmPoolStatus(w: WarmPoolState): { Status: WarmPoolState['status']; ResourceRetainedBillableTimeInSeconds?: number; ReusedByJob?: string } {
  return {
    Status: w.status,
    ...(w.retainedSeconds !== undefined ? { ResourceRetainedBillableTimeInSeconds: w.retainedSeconds } : {}),
    ...(w.reusedBy ? { ReusedByJob: w.reusedBy } : {}),
  };
}

/** DescribeTrainingJob's response. */
export function describeJob(job: Job): DescribeTrainingJobResponse {
  const r = job.request;
  const wall = job.trainingStartTime && job.trainingEndTime ? (job.trainingEndTime.getTime() - job.trainingStartTime.getTime()) / 1000 : undefined;
  const seconds = wall === undefined ? undefined : Math.max(1, Math.ceil(wall));
  const finalMetrics = job.metrics.finalMetrics();
  return {
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    ModelArtifacts: { S3ModelArtifacts: modelArtifactsUri(job) },
    TrainingJobStatus: job.status,
    SecondaryStatus: job.secondary,
    ...(job.failureReason ? { FailureReason: job.failureReason } : {}),
    HyperParameters: r.HyperParameters,
    AlgorithmSpecification: r.AlgorithmSpecification,
    RoleArn: r.RoleArn,
    InputDataConfig: r.InputDataConfig,
    OutputDataConfig: r.OutputDataConfig,
    ResourceConfig: r.ResourceConfig,
    ...(job.warmPool ? { WarmPoolStatus: warmPoolStatus(job.warmPool) } : {}),
    VpcConfig: r.VpcConfig,
    StoppingCondition: r.StoppingCondition ?? { MaxRuntimeInSeconds: 86400 },
    CreationTime: job.creationTime,
    TrainingStartTime: job.trainingStartTime,
    TrainingEndTime: job.trainingEndTime,
    LastModifiedTime: job.lastModifiedTime,
    SecondaryStatusTransitions: job.transitions.map((t) => ({ ...t })),
    ...(finalMetrics.length > 0 ? { FinalMetricDataList: finalMetrics } : {}),
    EnableNetworkIsolation: r.EnableNetworkIsolation ?? false,
    EnableInterContainerTrafficEncryption: r.EnableInterContainerTrafficEncryption ?? false,
    EnableManagedSpotTraining: r.EnableManagedSpotTraining ?? false,
    CheckpointConfig: r.CheckpointConfig,
    TrainingTimeInSeconds: seconds,
    BillableTimeInSeconds: seconds,
    Environment: r.Environment,
    RetryStrategy: r.RetryStrategy,
  };
}

/** The job's entry in ListTrainingJobs. */
export function summarizeJob(j: Job): TrainingJobSummary {
  return {
    TrainingJobName: j.name,
    TrainingJobArn: j.arn,
    CreationTime: j.creationTime,
    TrainingEndTime: j.trainingEndTime,
    LastModifiedTime: j.lastModifiedTime,
    TrainingJobStatus: j.status,
    SecondaryStatus: j.secondary,
    ...(j.warmPool ? { WarmPoolStatus: warmPoolStatus(j.warmPool) } : {}),
  };
}

/** The detail of the job's "SageMaker Training Job State Change" event (timestamps in epoch ms). */
export function eventDetail(job: Job): TrainingJobStateChangeDetail {
  const r = job.request;
  const ms = (d: Date | undefined): number | undefined => d?.getTime();
  const tags: Record<string, string> = {};
  for (const t of r.Tags ?? []) if (t.Key !== undefined) tags[t.Key] = t.Value ?? '';
  return {
    TrainingJobName: job.name,
    TrainingJobArn: job.arn,
    TrainingJobStatus: job.status,
    SecondaryStatus: job.secondary,
    ...(job.status === 'Failed' && job.failureReason ? { FailureReason: job.failureReason } : {}),
    HyperParameters: r.HyperParameters ?? {},
    AlgorithmSpecification: r.AlgorithmSpecification,
    RoleArn: r.RoleArn,
    InputDataConfig: r.InputDataConfig,
    OutputDataConfig: r.OutputDataConfig,
    ResourceConfig: r.ResourceConfig,
    VpcConfig: r.VpcConfig ?? {},
    StoppingCondition: r.StoppingCondition,
    ModelArtifacts: { S3ModelArtifacts: modelArtifactsUri(job) },
    CreationTime: job.creationTime.getTime(),
    TrainingStartTime: ms(job.trainingStartTime),
    TrainingEndTime: ms(job.trainingEndTime),
    LastModifiedTime: job.lastModifiedTime.getTime(),
    SecondaryStatusTransitions: job.transitions.map((t) => ({
      Status: t.Status,
      StartTime: t.StartTime.getTime(),
      ...(t.EndTime ? { EndTime: t.EndTime.getTime() } : {}),
      ...(t.StatusMessage ? { StatusMessage: t.StatusMessage } : {}),
    })),
    Tags: tags,
  };
}
