/**
 * The SageMaker training-job emulator: the five operations the tuner calls, validated against
 * the API model, over a store of jobs (job-store.ts) whose lifecycle (queueing, running,
 * stopping, warm pools, events) is lifecycle.ts's and whose S3 transfers are s3-transfers.ts's.
 * Transport-free (see server.ts for HTTP, protocol.ts for the wire and error shapes).
 *
 * Behaviour taken from the service (sources in the report and next to each message):
 * - Unknown job name: ValidationException "Requested resource not found." (job-store.ts).
 * - Duplicate name: ResourceInUse "Training job names must be unique within an AWS account and
 *   region, and a training job with this name already exists (<arn>)" (job-store.ts).
 * - StopTrainingJob on a job that is not InProgress: ValidationException "The request was
 *   rejected because the training job is in status <Status>." (awslabs/benchmark-ai#928).
 * - Stopping and MaxRuntimeInSeconds: see lifecycle.ts.
 * - ListTrainingJobs applies MaxResults before StatusEquals (documented service quirk).
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type {
  CreateTrainingJobRequest,
  DescribeTrainingJobResponse,
  ListTrainingJobsRequest,
  ListTrainingJobsResponse,
  UpdateTrainingJobRequest,
} from '@aws-sdk/client-sagemaker';
import { LocalEventBus } from '../eventbridge/bus';
import { StateChangePublisher } from './events';
import { FaultInjector } from './faults';
import { JobStore } from './job-store';
import { hasObjects } from './jobs';
import { JobLifecycle } from './lifecycle';
import subsetJson from './model/sagemaker-subset.json';
import type { ApiModelSubset } from './model/types';
import { formatValidationMessage, ShapeTypeError, validateAgainstShape } from './model-validate';
import { ServiceError } from './protocol';
import { S3Transfers, type S3Authorizer } from './s3-transfers';
import { jobDirs, resolveFromHyperParameters, s3UriToLocalPath, type CommandResolver, type JobDirs } from './script-mode';
import { describeJob, newJob } from './training-job';
import { TrainingJobLogs } from './training-logs';
import { WarmPoolManager } from './warm-pools';

export type { S3Authorizer } from './s3-transfers';

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

  private readonly jobs = new JobStore();
  /** CloudWatch Logs of the training jobs (`/aws/sagemaker/TrainingJobs`). */
  readonly logs = new TrainingJobLogs();
  private readonly pools = new WarmPoolManager();
  private readonly publisher: StateChangePublisher;
  private readonly lifecycle: JobLifecycle;
  private readonly ownsBus: boolean;
  private closed = false;

  /** @param options see {@link SageMakerEmulatorOptions} */
  constructor(options: SageMakerEmulatorOptions) {
    this.rootDir = resolve(options.rootDir);
    this.s3Root = resolve(options.s3Root ?? join(this.rootDir, 's3'));
    mkdirSync(join(this.rootDir, 'jobs'), { recursive: true });
    mkdirSync(this.s3Root, { recursive: true });
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '000000000000';
    this.faults = new FaultInjector(options.seed ?? 1);
    this.ownsBus = options.bus === undefined;
    this.bus = options.bus ?? new LocalEventBus();
    this.publisher = new StateChangePublisher(this.bus, this.faults);
    const s3ToLocal = (uri: string): string => this.s3ToLocal(uri);
    this.lifecycle = new JobLifecycle({
      jobs: this.jobs,
      faults: this.faults,
      publisher: this.publisher,
      pools: this.pools,
      logs: this.logs,
      transfers: new S3Transfers(s3ToLocal, options.authorizeS3),
      resolveCommand: options.resolveCommand ?? resolveFromHyperParameters,
      s3ToLocal,
      account: this.accountId,
      region: this.region,
      maxConcurrent: options.maxConcurrentJobs ?? Number.POSITIVE_INFINITY,
      graceMs: options.stopGracePeriodMs ?? 3000,
    });
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
    const job = this.jobs.find(name);
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
    this.jobs.assertNameFree(name);
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
    const job = newJob(request, arn, jobDirs(this.rootDir, name));
    this.jobs.add(job);
    this.lifecycle.start(job);
    this.faults.created(name);
    return { TrainingJobArn: arn };
  }

  /** DescribeTrainingJob. */
  describeTrainingJob(name: string): DescribeTrainingJobResponse {
    return describeJob(this.jobs.get(name));
  }

  /** StopTrainingJob: InProgress -> Stopping -> (process ends) -> Stopped. */
  stopTrainingJob(name: string): void {
    const job = this.jobs.get(name);
    if (job.status !== 'InProgress') {
      throw new ServiceError('ValidationException', `The request was rejected because the training job is in status ${job.status}.`);
    }
    this.lifecycle.requestStop(job, 'user');
  }

  /** UpdateTrainingJob: only `ResourceConfig.KeepAlivePeriodInSeconds` has an effect. */
  updateTrainingJob(request: UpdateTrainingJobRequest): { TrainingJobArn: string } {
    const job = this.jobs.get(request.TrainingJobName ?? '');
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
    return this.jobs.list(request);
  }

  /**
   * Stops everything: queued jobs are dropped, running processes get SIGTERM and, after the
   * grace period, SIGKILL; timers are cleared; an emulator-owned bus is closed.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.lifecycle.close();
    this.pools.close();
    this.publisher.close();
    if (this.ownsBus) await this.bus.close();
  }
}
