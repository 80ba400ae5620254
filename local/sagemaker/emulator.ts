/**
 * The SageMaker training-job emulator: the five operations the tuner calls, job lifecycle,
 * queueing, stopping, warm pools, events and fault injection. Transport-free (see server.ts).
 *
 * Behaviour taken from the service (sources in the report and next to each message):
 * - Unknown job name: ValidationException "Requested resource not found." (DescribeTrainingJob
 *   answers ValidationException, not ResourceNotFound: aws/aws-sdk#165, boto/boto3#2808).
 * - Duplicate name: ResourceInUse "Training job names must be unique within an AWS account and
 *   region, and a training job with this name already exists (<arn>)".
 * - StopTrainingJob on a job that is not InProgress: ValidationException "The request was
 *   rejected because the training job is in status <Status>." (awslabs/benchmark-ai#928).
 * - Stopping sends SIGTERM, waits a grace period (120 s in SageMaker; configurable here),
 *   then kills; status goes InProgress -> Stopping -> Stopped, checkpoints are uploaded.
 * - MaxRuntimeInSeconds reached: the job is stopped like StopTrainingJob and ends Stopped
 *   with SecondaryStatus MaxRuntimeExceeded (SecondaryStatusTransition docs).
 * - ListTrainingJobs applies MaxResults before StatusEquals (documented service quirk).
 */
import { mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  CreateTrainingJobRequest,
  DescribeTrainingJobResponse,
  ListTrainingJobsRequest,
  ListTrainingJobsResponse,
  SecondaryStatus,
  TrainingJobStatus,
  UpdateTrainingJobRequest,
} from '@aws-sdk/client-sagemaker';
import { LocalEventBus } from '../eventbridge/bus';
import { stateChangeEvent, StateChangePublisher, type TrainingJobStateChangeDetail } from './events';
import { FaultInjector } from './faults';
import { copyFolder, failureReasonFor, hasObjects, prepareJobFolders, startProcess, type RunningProcess } from './jobs';
import { MetricCollector } from './metrics';
import { TrainingJobLogs } from './training-logs';
import subsetJson from './model/sagemaker-subset.json';
import type { ApiModelSubset } from './model/types';
import { formatValidationMessage, ShapeTypeError, validateAgainstShape } from './model-validate';
import { ServiceError } from './protocol';
import {
  hyperParameterArgs,
  jobDirs,
  resolveFromHyperParameters,
  s3UriToLocalPath,
  scriptModeEnv,
  type CommandResolver,
  type JobDirs,
} from './script-mode';
import { WarmPoolManager, type PoolOwner, type WarmPoolState } from './warm-pools';

/** The committed API model subset the emulator validates against. */
export const SAGEMAKER_MODEL = subsetJson as unknown as ApiModelSubset;

/** Options of {@link SageMakerEmulator}. */
export interface SageMakerEmulatorOptions {
  /** Folder for job folders (`<rootDir>/jobs/<name>/`) and, by default, the local S3. */
  readonly rootDir: string;
  /**
   * Maps a request to the local command that runs it.
   *
   * @default resolveFromHyperParameters (sagemaker_program / sagemaker_submit_directory)
   */
  readonly resolveCommand?: CommandResolver;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /**
   * Jobs that run at once; more wait InProgress/Starting.
   *
   * @default - no limit
   */
  readonly maxConcurrentJobs?: number;
  /**
   * Bus that receives the state-change events.
   *
   * @default - a bus owned (and closed) by the emulator, exposed as `bus`
   */
  readonly bus?: LocalEventBus;
  /**
   * Folder standing in for S3: `s3://bucket/key` is `<s3Root>/bucket/key`.
   *
   * @default - `<rootDir>/s3`
   */
  readonly s3Root?: string;
  /**
   * Time between SIGTERM and SIGKILL when a job is stopped (SageMaker waits 120 s).
   *
   * @default 3000
   */
  readonly stopGracePeriodMs?: number;
  /**
   * Seed of the generator behind probabilistic faults.
   *
   * @default 1
   */
  readonly seed?: number;
  /**
   * Authorizes what a training job does in S3 under its `RoleArn`, the way SageMaker's
   * transfers are authorized in AWS: `list` and `get` of the checkpoint prefix before the
   * job starts, `put` of every checkpoint and output file after it ends. Resolves to a
   * denial message, or `undefined` when allowed. A denial fails the job with a `ClientError`.
   *
   * @default - nothing is checked
   */
  readonly authorizeS3?: S3Authorizer;
}

/** See {@link SageMakerEmulatorOptions.authorizeS3}. */
export type S3Authorizer = (roleArn: string, operation: 'get' | 'put' | 'list', bucket: string, key: string) => Promise<string | undefined>;

interface Transition {
  Status: SecondaryStatus;
  StartTime: Date;
  EndTime?: Date;
  StatusMessage?: string;
}

interface Job extends PoolOwner {
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

function notFound(): ServiceError {
  return new ServiceError('ValidationException', 'Requested resource not found.');
}

/**
 * Emulates the SageMaker training-job API on this machine.
 *
 * Each operation takes the parsed JSON request and returns the response object (Dates for
 * timestamps), or throws a {@link ServiceError}.
 */
export class SageMakerEmulator {
  /** Injectable faults (throttling, limits, failing jobs, event loss/duplication/delay). */
  readonly faults: FaultInjector;
  /** The bus that receives "SageMaker Training Job State Change" events. */
  readonly bus: LocalEventBus;
  readonly region: string;
  readonly accountId: string;
  readonly rootDir: string;
  readonly s3Root: string;

  private readonly jobs = new Map<string, Job>();
  /** CloudWatch Logs of the training jobs (`/aws/sagemaker/TrainingJobs`). */
  readonly logs = new TrainingJobLogs();
  private readonly queue: Job[] = [];
  private readonly runs = new Set<Promise<void>>();
  private readonly pools = new WarmPoolManager();
  private readonly publisher: StateChangePublisher;
  private readonly ownsBus: boolean;
  private readonly resolveCommand: CommandResolver;
  private readonly maxConcurrent: number;
  private readonly graceMs: number;
  private readonly authorizeS3: S3Authorizer | undefined;
  private running = 0;
  private closed = false;

  /** @param options see {@link SageMakerEmulatorOptions} */
  constructor(options: SageMakerEmulatorOptions) {
    this.rootDir = resolve(options.rootDir);
    this.s3Root = resolve(options.s3Root ?? join(this.rootDir, 's3'));
    mkdirSync(join(this.rootDir, 'jobs'), { recursive: true });
    mkdirSync(this.s3Root, { recursive: true });
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.resolveCommand = options.resolveCommand ?? resolveFromHyperParameters;
    this.maxConcurrent = options.maxConcurrentJobs ?? Number.POSITIVE_INFINITY;
    this.graceMs = options.stopGracePeriodMs ?? 3000;
    this.faults = new FaultInjector(options.seed ?? 1);
    this.authorizeS3 = options.authorizeS3;
    this.ownsBus = options.bus === undefined;
    this.bus = options.bus ?? new LocalEventBus();
    this.publisher = new StateChangePublisher(this.bus, this.faults);
  }

  /** Maps `s3://bucket/key` to its local folder. */
  s3ToLocal(uri: string): string {
    return s3UriToLocalPath(this.s3Root, uri);
  }

  /** Local folders of a job (exists once the job has started). */
  jobDirs(name: string): JobDirs {
    return jobDirs(this.rootDir, name);
  }

  /** PID of a job's running process, if any (for tests). */
  pidOf(name: string): number | undefined {
    const job = this.jobs.get(name);
    return job?.proc?.isRunning() ? job.proc.pid : undefined;
  }

  /**
   * Dispatches an operation by name (`CreateTrainingJob`, ...), after fault injection and
   * validation against the API model.
   */
  async handle(operation: string, input: unknown): Promise<unknown> {
    if (this.closed) throw new ServiceError('InternalFailure', 'the SageMaker emulator is shutting down');
    const op = SAGEMAKER_MODEL.operations[operation];
    if (!op) throw new ServiceError('UnknownOperationException', `Operation ${operation} is not supported by the local SageMaker emulator.`);
    if (this.faults.takeThrottle(operation)) throw new ServiceError('ThrottlingException', 'Rate exceeded');
    if (op.input) this.validate(op.input, input);
    switch (operation) {
      case 'CreateTrainingJob':
        return this.createTrainingJob(input as CreateTrainingJobRequest);
      case 'DescribeTrainingJob':
        return this.describeTrainingJob((input as { TrainingJobName: string }).TrainingJobName);
      case 'StopTrainingJob':
        this.stopTrainingJob((input as { TrainingJobName: string }).TrainingJobName);
        return {};
      case 'UpdateTrainingJob':
        return this.updateTrainingJob(input as UpdateTrainingJobRequest);
      default:
        return this.listTrainingJobs(input as ListTrainingJobsRequest);
    }
  }

  private validate(shape: string, input: unknown): void {
    let violations: string[];
    try {
      violations = validateAgainstShape(SAGEMAKER_MODEL, shape, input ?? {});
    } catch (e) {
      if (e instanceof ShapeTypeError) throw new ServiceError('SerializationException', e.message);
      throw e;
    }
    if (violations.length > 0) throw new ServiceError('ValidationException', formatValidationMessage(violations));
  }

  /** CreateTrainingJob: records the job and queues it; returns its ARN. */
  createTrainingJob(request: CreateTrainingJobRequest): { TrainingJobArn: string } {
    const name = request.TrainingJobName ?? '';
    const arn = `arn:aws:sagemaker:${this.region}:${this.accountId}:training-job/${name.toLowerCase()}`;
    const existing = this.jobs.get(name.toLowerCase());
    if (existing) {
      throw new ServiceError(
        'ResourceInUse',
        `Training job names must be unique within an AWS account and region, and a training job with this name already exists (${existing.arn})`,
      );
    }
    const quota = this.faults.takeLimitExceeded();
    if (quota !== undefined) {
      // SageMaker's wording (current form, which points at Service Quotas).
      const type = request.ResourceConfig?.InstanceType ?? 'ml.m5.xlarge';
      const spot = request.EnableManagedSpotTraining === true ? 'spot ' : '';
      const delta = request.ResourceConfig?.InstanceCount ?? 1;
      const limit = quota.limit ?? delta;
      const utilization = quota.utilization ?? limit;
      throw new ServiceError(
        'ResourceLimitExceeded',
        `The account-level service limit '${type} for ${spot}training job usage' is ${limit} Instances, with current utilization of ${utilization} Instances and a request delta of ${delta} Instances. Please use AWS Service Quotas to request an increase for this quota. If AWS Service Quotas is not available, contact AWS support to request an increase for this quota.`,
      );
    }
    for (const ch of request.InputDataConfig ?? []) {
      const uri = ch.DataSource?.S3DataSource?.S3Uri;
      if (uri && !hasObjects(this.s3ToLocal(uri))) {
        const bucket = /^s3:\/\/([^/]+)/.exec(uri)?.[1] ?? '';
        throw new ServiceError(
          'ValidationException',
          `No S3 objects found under S3 URL "${uri}" given in input data source. Please ensure that the bucket exists in the selected region (${this.region}), that objects exist under that S3 prefix, and that the role "${request.RoleArn}" has "s3:ListBucket" permissions on bucket "${bucket}".`,
        );
      }
    }
    const now = new Date();
    const job: Job = {
      name,
      arn,
      request,
      dirs: jobDirs(this.rootDir, name),
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
    this.jobs.set(name.toLowerCase(), job);
    this.transition(job, 'InProgress', 'Starting');
    this.queue.push(job);
    this.pump();
    this.faults.created(name);
    return { TrainingJobArn: arn };
  }

  /** DescribeTrainingJob. */
  describeTrainingJob(name: string): DescribeTrainingJobResponse {
    const job = this.jobs.get(name.toLowerCase());
    if (!job) throw notFound();
    const r = job.request;
    const wall = job.trainingStartTime && job.trainingEndTime ? (job.trainingEndTime.getTime() - job.trainingStartTime.getTime()) / 1000 : undefined;
    const seconds = wall === undefined ? undefined : Math.max(1, Math.ceil(wall));
    const finalMetrics = job.metrics.finalMetrics();
    return {
      TrainingJobName: job.name,
      TrainingJobArn: job.arn,
      ModelArtifacts: { S3ModelArtifacts: this.modelArtifactsUri(job) },
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

  /** StopTrainingJob: InProgress -> Stopping -> (process ends) -> Stopped. */
  stopTrainingJob(name: string): void {
    const job = this.jobs.get(name.toLowerCase());
    if (!job) throw notFound();
    if (job.status !== 'InProgress') {
      throw new ServiceError('ValidationException', `The request was rejected because the training job is in status ${job.status}.`);
    }
    this.requestStop(job, 'user');
  }

  /** UpdateTrainingJob: only `ResourceConfig.KeepAlivePeriodInSeconds` has an effect. */
  updateTrainingJob(request: UpdateTrainingJobRequest): { TrainingJobArn: string } {
    const job = this.jobs.get((request.TrainingJobName ?? '').toLowerCase());
    if (!job) throw notFound();
    const seconds = request.ResourceConfig?.KeepAlivePeriodInSeconds;
    if (seconds !== undefined) {
      if (job.status === 'InProgress') {
        job.request.ResourceConfig = { ...job.request.ResourceConfig, KeepAlivePeriodInSeconds: seconds };
      } else if (job.warmPool?.status === 'Available') {
        job.request.ResourceConfig = { ...job.request.ResourceConfig, KeepAlivePeriodInSeconds: seconds };
        this.pools.update(job, seconds);
      } else {
        // emulator wording: the service's exact text for this case was not found
        throw new ServiceError(
          'ValidationException',
          `The warm pool of training job ${job.name} cannot be updated: the job is ${job.status} and its warm pool is ${job.warmPool?.status ?? 'absent'}.`,
        );
      }
      job.lastModifiedTime = new Date();
    }
    return { TrainingJobArn: job.arn };
  }

  /** ListTrainingJobs (filters, sorting and pagination; MaxResults applies before StatusEquals). */
  listTrainingJobs(request: ListTrainingJobsRequest): ListTrainingJobsResponse {
    const toDate = (t: Date | number | string | undefined): Date | undefined =>
      t === undefined ? undefined : t instanceof Date ? t : typeof t === 'number' ? new Date(t * 1000) : new Date(t);
    const after = toDate(request.CreationTimeAfter);
    const before = toDate(request.CreationTimeBefore);
    const modAfter = toDate(request.LastModifiedTimeAfter);
    const modBefore = toDate(request.LastModifiedTimeBefore);
    const contains = request.NameContains?.toLowerCase();
    let jobs = [...this.jobs.values()].filter(
      (j) =>
        (!contains || j.name.toLowerCase().includes(contains)) &&
        (!after || j.creationTime > after) &&
        (!before || j.creationTime < before) &&
        (!modAfter || j.lastModifiedTime > modAfter) &&
        (!modBefore || j.lastModifiedTime < modBefore) &&
        (!request.WarmPoolStatusEquals || j.warmPool?.status === request.WarmPoolStatusEquals),
    );
    const by = request.SortBy ?? 'CreationTime';
    const key = (j: Job): string | number => (by === 'Name' ? j.name : by === 'Status' ? j.status : j.creationTime.getTime());
    jobs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if ((request.SortOrder ?? 'Ascending') === 'Descending') jobs.reverse();
    const start = request.NextToken ? Number.parseInt(Buffer.from(request.NextToken, 'base64').toString('utf8'), 10) || 0 : 0;
    const size = request.MaxResults ?? 10;
    const page = jobs.slice(start, start + size);
    const more = start + size < jobs.length;
    jobs = request.StatusEquals ? page.filter((j) => j.status === request.StatusEquals) : page;
    return {
      TrainingJobSummaries: jobs.map((j) => ({
        TrainingJobName: j.name,
        TrainingJobArn: j.arn,
        CreationTime: j.creationTime,
        TrainingEndTime: j.trainingEndTime,
        LastModifiedTime: j.lastModifiedTime,
        TrainingJobStatus: j.status,
        SecondaryStatus: j.secondary,
        ...(j.warmPool ? { WarmPoolStatus: warmPoolStatus(j.warmPool) } : {}),
      })),
      ...(more ? { NextToken: Buffer.from(String(start + size)).toString('base64') } : {}),
    };
  }

  /**
   * Stops everything: queued jobs are dropped, running processes get SIGTERM and, after the
   * grace period, SIGKILL; timers are cleared; an emulator-owned bus is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    for (const job of this.jobs.values()) {
      if (job.proc?.isRunning()) this.kill(job);
    }
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
    for (const job of this.jobs.values()) {
      clearTimeout(job.killTimer);
      clearTimeout(job.runtimeTimer);
    }
    this.pools.close();
    this.publisher.close();
    if (this.ownsBus) await this.bus.close();
  }

  // ---- lifecycle ----

  private modelArtifactsUri(job: Job): string {
    const base = (job.request.OutputDataConfig?.S3OutputPath ?? '').replace(/\/+$/, '');
    return `${base}/${job.name}/output/model.tar.gz`;
  }

  private transition(job: Job, status: TrainingJobStatus, secondary: SecondaryStatus, message?: string): void {
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
    this.publisher.publish(stateChangeEvent(this.eventDetail(job), { account: this.accountId, region: this.region, now }));
  }

  private eventDetail(job: Job): TrainingJobStateChangeDetail {
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
      ModelArtifacts: { S3ModelArtifacts: this.modelArtifactsUri(job) },
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

  private pump(): void {
    while (!this.closed && this.running < this.maxConcurrent && this.queue.length > 0) {
      const job = this.queue.shift() as Job;
      this.running++;
      const run = this.run(job)
        .catch((e: unknown) => {
          if (job.status === 'InProgress' || job.status === 'Stopping') {
            job.failureReason = `InternalServerError: local emulator error: ${e instanceof Error ? e.message : String(e)}`;
            this.finish(job, 'Failed', 'Failed');
          }
        })
        .finally(() => {
          this.running--;
          this.runs.delete(run);
          this.pump();
        });
      this.runs.add(run);
    }
  }

  private requestStop(job: Job, reason: 'user' | 'max-runtime'): void {
    job.stopReason = reason;
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.transition(job, 'Stopping', 'Stopping');
      this.finish(job, 'Stopped', 'Stopped');
      return;
    }
    this.transition(job, 'Stopping', 'Stopping');
    if (job.proc?.isRunning()) this.kill(job);
  }

  private kill(job: Job): void {
    const proc = job.proc;
    if (!proc) return;
    proc.signal('SIGTERM');
    clearTimeout(job.killTimer);
    job.killTimer = setTimeout(() => proc.signal('SIGKILL'), this.graceMs);
  }

  private async run(job: Job): Promise<void> {
    job.started = true;
    // SageMaker's RetryStrategy: a job that fails with an internal error restarts in place.
    let retriesLeft = job.request.RetryStrategy?.MaximumRetryAttempts ?? 0;
    for (;;) {
      const failure = this.faults.takeFailure(job.name);
      if (failure !== undefined) {
        if (failure.startsWith('InternalServerError') && retriesLeft > 0) {
          retriesLeft--;
          this.transition(job, job.status, 'Restarting', `Restarting the training job after an internal error: ${failure}`);
          continue;
        }
        job.failureReason = failure;
        this.finish(job, 'Failed', 'Failed');
        return;
      }
      const again = await this.runAttempt(job);
      if (!again) return;
      // A spot interruption with capacity back: the job restarts and resumes from its checkpoint.
      this.transition(job, job.status, 'Restarting');
    }
  }

  /** One attempt of a job's training; true when it was interrupted and restarts. */
  private async runAttempt(job: Job): Promise<boolean> {
    job.interrupted = undefined;
    if (this.pools.claim(job) === undefined && (job.request.ResourceConfig?.KeepAlivePeriodInSeconds ?? 0) > 0) {
      job.warmPool = { status: 'InUse' };
    }
    this.transition(job, job.status, 'Downloading');
    const channels = await prepareJobFolders(job.dirs, job.request, (u) => this.s3ToLocal(u));
    const checkpointUri = job.request.CheckpointConfig?.S3Uri;
    if (checkpointUri) {
      const denied = await this.checkS3(job, 'list', checkpointUri) ?? await this.checkS3(job, 'get', checkpointUri, this.s3ToLocal(checkpointUri));
      if (denied !== undefined) {
        job.failureReason = denied;
        this.finish(job, 'Failed', 'Failed');
        return false;
      }
      await copyFolder(this.s3ToLocal(checkpointUri), job.dirs.checkpoints);
    }
    if (job.stopReason || this.closed) {
      await this.upload(job);
      this.finish(job, 'Stopped', 'Stopped');
      return false;
    }
    let resolved;
    try {
      resolved = this.resolveCommand(job.request, { s3ToLocal: (u) => this.s3ToLocal(u) });
    } catch (e) {
      job.failureReason = `ClientError: ${e instanceof Error ? e.message : String(e)}`;
      this.finish(job, 'Failed', 'Failed');
      return false;
    }
    const command = [...resolved.command, ...hyperParameterArgs(job.request.HyperParameters)];
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
    Object.assign(env, job.request.Environment ?? {}, scriptModeEnv(job.request, job.dirs, channels), resolved.env ?? {});
    job.trainingStartTime ??= new Date();
    const stream = this.logs.openStream(job.name, job.trainingStartTime);
    this.transition(job, job.status, 'Training');
    job.proc = startProcess({
      command,
      cwd: resolved.cwd,
      env,
      logFile: job.dirs.log,
      onLine: (line) => {
        this.logs.append(stream, line);
        job.metrics.observe(line);
      },
    });
    const maxRuntime = job.request.StoppingCondition?.MaxRuntimeInSeconds;
    if (maxRuntime !== undefined) {
      job.runtimeTimer = setTimeout(() => {
        if (job.status === 'InProgress') this.requestStop(job, 'max-runtime');
      }, maxRuntime * 1000);
    }
    const interruption = this.faults.takeInterruption(job.name);
    let interruptTimer: NodeJS.Timeout | undefined;
    if (interruption !== undefined) {
      interruptTimer = setTimeout(() => {
        if (job.status !== 'InProgress' || job.stopReason) return;
        job.interrupted = interruption.outcome ?? 'restart';
        this.kill(job);
      }, interruption.afterMs);
    }
    const exit = await job.proc.exited;
    clearTimeout(interruptTimer);
    clearTimeout(job.runtimeTimer);
    clearTimeout(job.killTimer);
    if (job.interrupted !== undefined && !job.stopReason) {
      // The instances are gone: what the script saved in its checkpoint folder is uploaded.
      this.transition(job, job.status, 'Interrupted');
      const checkpoint = job.request.CheckpointConfig?.S3Uri;
      if (checkpoint) await copyFolder(job.dirs.checkpoints, this.s3ToLocal(checkpoint));
      if (job.interrupted === 'restart' && !this.closed) return true;
      job.trainingEndTime = new Date();
      this.finish(job, 'Stopped', 'MaxWaitTimeExceeded');
      return false;
    }
    job.trainingEndTime = new Date();
    this.transition(job, job.status, 'Uploading');
    const uploadDenied = await this.checkUpload(job);
    if (uploadDenied === undefined) await this.upload(job);
    if (uploadDenied !== undefined) {
      job.failureReason = uploadDenied;
      this.finish(job, 'Failed', 'Failed');
    } else if (job.stopReason) {
      this.finish(job, 'Stopped', job.stopReason === 'max-runtime' ? 'MaxRuntimeExceeded' : 'Stopped');
    } else if (exit.code === 0) {
      this.finish(job, 'Completed', 'Completed');
    } else {
      job.failureReason = await failureReasonFor(exit, command, join(job.dirs.output, 'failure'));
      this.finish(job, 'Failed', 'Failed');
    }
    return false;
  }

  /**
   * Authorizes one S3 operation of the job under its role: for `get`/`put` with a local
   * folder, every file in it (as SageMaker transfers them one object at a time).
   *
   * @returns the job's failure reason when denied
   */
  private async checkS3(job: Job, operation: 'get' | 'put' | 'list', uri: string, folder?: string): Promise<string | undefined> {
    if (this.authorizeS3 === undefined) return undefined;
    const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
    if (match === null) return undefined;
    const [, bucket, prefix] = match;
    const base = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
    const keys = operation === 'list' ? [base] : folder === undefined ? [] : listFiles(folder).map((f) => `${base}${f}`);
    for (const key of keys) {
      const denied = await this.authorizeS3(String(job.request.RoleArn ?? ''), operation, bucket, key);
      if (denied !== undefined) return `ClientError: ${denied}`;
    }
    return undefined;
  }

  /** Authorizes the uploads {@link upload} is about to make. */
  private async checkUpload(job: Job): Promise<string | undefined> {
    const checkpointUri = job.request.CheckpointConfig?.S3Uri;
    const denied = checkpointUri === undefined ? undefined : await this.checkS3(job, 'put', checkpointUri, job.dirs.checkpoints);
    if (denied !== undefined) return denied;
    const out = job.request.OutputDataConfig?.S3OutputPath;
    if (out === undefined || !job.proc) return undefined;
    const base = `${out.replace(/\/+$/, '')}/${job.name}/output`;
    return (await this.checkS3(job, 'put', `${base}/model`, job.dirs.model)) ?? (await this.checkS3(job, 'put', `${base}/data`, job.dirs.outputData));
  }

  /** Syncs checkpoints back and copies model/ and output/data/ under S3OutputPath/<job>/output/. */
  private async upload(job: Job): Promise<void> {
    const checkpointUri = job.request.CheckpointConfig?.S3Uri;
    if (checkpointUri) await copyFolder(job.dirs.checkpoints, this.s3ToLocal(checkpointUri));
    const out = job.request.OutputDataConfig?.S3OutputPath;
    if (out && job.proc) {
      const base = this.s3ToLocal(`${out.replace(/\/+$/, '')}/${job.name}/output`);
      await copyFolder(job.dirs.model, join(base, 'model'));
      await copyFolder(job.dirs.outputData, join(base, 'data'));
    }
  }

  private finish(job: Job, status: TrainingJobStatus, secondary: SecondaryStatus): void {
    if (job.trainingStartTime && !job.trainingEndTime) job.trainingEndTime = new Date();
    if (job.proc && !this.closed) {
      const keepAlive = job.request.ResourceConfig?.KeepAlivePeriodInSeconds ?? 0;
      if (keepAlive > 0) this.pools.retain(job, keepAlive);
      else if (job.warmPool) this.pools.terminate(job);
    } else if (job.warmPool) {
      job.warmPool = { status: 'Terminated', retainedSeconds: 0 };
    }
    this.transition(job, status, secondary);
  }
}

function warmPoolStatus(w: WarmPoolState): { Status: WarmPoolState['status']; ResourceRetainedBillableTimeInSeconds?: number; ReusedByJob?: string } {
  return {
    Status: w.status,
    ...(w.retainedSeconds !== undefined ? { ResourceRetainedBillableTimeInSeconds: w.retainedSeconds } : {}),
    ...(w.reusedBy ? { ReusedByJob: w.reusedBy } : {}),
  };
}

/** Files under a folder, as paths relative to it ('/'-separated); none when it does not exist. */
function listFiles(folder: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.isDirectory()) files.push(...listFiles(join(folder, entry.name), `${prefix}${entry.name}/`));
    else files.push(`${prefix}${entry.name}`);
  }
  return files;
}
