/**
 * A `TrainingBackend` that trains nothing: jobs are simulated with a caller-supplied
 * objective, in virtual time (Syne Tune's `SimulatorBackend`). Used by the orchestrator's
 * unit tests and the benchmarks; the end-to-end tests use the SageMaker emulator instead.
 */
import type {
  CreateJobResult,
  ReleaseWarmPoolResult,
  StopJobResult,
  TrainingBackend,
  TrainingJobRequest,
} from '../../../core/orchestrator/backend';
import type { JobObservation, MetricValue } from '../../../core/orchestrator/records';

/** What a simulated job reports: its metrics at the requested resource, or a failure. */
export type SimulatedOutcome =
  | { readonly kind: 'completed'; readonly metrics: Readonly<Record<string, number>>; readonly seconds: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly seconds: number }
  /** Managed spot capacity did not come back in time: the job ends Stopped (MaxWaitTimeExceeded). */
  | { readonly kind: 'max-wait-exceeded'; readonly seconds: number };

export type Objective = (hyperParameters: Readonly<Record<string, string>>, jobName: string) => SimulatedOutcome;

interface SimJob {
  readonly request: TrainingJobRequest;
  status: JobObservation['status'];
  readonly outcome: SimulatedOutcome;
  readonly startedAt: number;
  /** When SageMaker created it (virtual ms). */
  readonly createdAt: number;
  endedAt?: number;
  warmPool?: string;
}

export interface SimulatedBackendOptions {
  readonly objective: Objective;
  /** Virtual clock (ms). */
  readonly clock: () => number;
}

export class SimulatedBackend implements TrainingBackend {
  private readonly jobs = new Map<string, SimJob>();
  /** Jobs stopped since `endedJobs` last reported (their state-change event is due). */
  private readonly stoppedUnreported = new Set<string>();
  /** Refuse the next N creates with a throttling error. */
  throttleNext = 0;
  /** Reject every create as invalid with this reason, when set. */
  rejectWith: string | undefined;
  /** Refuse the next N creates for lack of capacity (a temporary quota or capacity refusal). */
  noCapacityNext = 0;
  /** Refuse every create over a quota that can never fit a job, with this reason, when set. */
  overQuotaWith: string | undefined;

  constructor(private readonly options: SimulatedBackendOptions) {}

  async createJob(request: TrainingJobRequest): Promise<CreateJobResult> {
    if (this.rejectWith !== undefined) return { kind: 'invalid', reason: this.rejectWith };
    if (this.overQuotaWith !== undefined) return { kind: 'over-quota', reason: this.overQuotaWith };
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      return { kind: 'retry', reason: 'ThrottlingException: Rate exceeded', cause: 'temporary' };
    }
    if (this.noCapacityNext > 0) {
      this.noCapacityNext -= 1;
      return { kind: 'retry', reason: 'ResourceLimitExceeded: no capacity', cause: 'capacity' };
    }
    const name = request.TrainingJobName;
    const existing = this.jobs.get(name);
    if (existing !== undefined) {
      return {
        kind: 'exists',
        existing: {
          createdAt: new Date(existing.createdAt).toISOString(),
          hyperParameters: (existing.request.HyperParameters ?? {}) as Record<string, string>,
          ...(typeof existing.request.RoleArn === 'string' ? { roleArn: existing.request.RoleArn } : {}),
        },
      };
    }
    const hyperParameters = (request.HyperParameters ?? {}) as Record<string, string>;
    this.jobs.set(name, {
      request,
      status: 'InProgress',
      outcome: this.options.objective(hyperParameters, name),
      startedAt: this.options.clock(),
      createdAt: this.options.clock(),
    });
    return { kind: 'created' };
  }

  /**
   * A job of someone else (an earlier run with the same name) that already has this name,
   * created at `createdAt` (virtual ms), with these hyperparameters; it has ended.
   */
  addForeignJob(name: string, createdAt: number, hyperParameters: Readonly<Record<string, string>> = {}): void {
    this.jobs.set(name, {
      request: { TrainingJobName: name, HyperParameters: { ...hyperParameters } },
      status: 'Completed',
      outcome: { kind: 'completed', metrics: { accuracy: 0.99 }, seconds: 1 },
      startedAt: createdAt,
      createdAt,
      endedAt: createdAt + 1000,
    });
  }

  async describeJob(jobName: string): Promise<JobObservation | undefined> {
    const job = this.jobs.get(jobName);
    if (job === undefined) return undefined;
    this.settle(job);
    const base: JobObservation = {
      jobName,
      status: job.status,
      startedAt: new Date(job.startedAt).toISOString(),
      ...(job.endedAt === undefined ? {} : { endedAt: new Date(job.endedAt).toISOString(), billableSeconds: Math.max(1, Math.ceil((job.endedAt - job.startedAt) / 1000)) }),
      ...(job.warmPool === undefined ? {} : { warmPoolStatus: job.warmPool }),
    };
    if (job.status === 'Completed' && job.outcome.kind === 'completed') {
      const metrics: MetricValue[] = Object.entries(job.outcome.metrics).map(([name, value]) => ({ name, value }));
      return { ...base, finalMetrics: metrics };
    }
    if (job.status === 'Failed' && job.outcome.kind === 'failed') return { ...base, failureReason: job.outcome.reason };
    if (job.status === 'Stopped' && job.outcome.kind === 'max-wait-exceeded') return { ...base, secondaryStatus: 'MaxWaitTimeExceeded' };
    return base;
  }

  async stopJob(jobName: string): Promise<StopJobResult> {
    const job = this.jobs.get(jobName);
    if (job === undefined) return 'not-running';
    this.settle(job);
    if (job.status !== 'InProgress') return 'not-running';
    job.status = 'Stopped';
    job.endedAt = this.options.clock();
    this.stoppedUnreported.add(jobName);
    return 'stopping';
  }

  /** Warm pools released so far, in call order (a job may appear twice if released twice). */
  readonly releasedWarmPools: string[] = [];

  async releaseWarmPool(jobName: string): Promise<ReleaseWarmPoolResult> {
    const job = this.jobs.get(jobName);
    this.releasedWarmPools.push(jobName);
    if (job === undefined || job.warmPool === 'Terminated') return 'gone';
    job.warmPool = 'Terminated';
    return 'released';
  }

  /** Names of jobs that have ended by now (in virtual time) but were not reported yet. */
  endedJobs(): string[] {
    const out: string[] = [...this.stoppedUnreported];
    this.stoppedUnreported.clear();
    for (const [name, job] of this.jobs) {
      const before = job.status;
      this.settle(job);
      if (before === 'InProgress' && job.status !== 'InProgress') out.push(name);
    }
    return out;
  }

  /** When the next running job ends (virtual ms), or undefined when none runs. */
  nextEndTime(): number | undefined {
    let next: number | undefined;
    for (const job of this.jobs.values()) {
      if (job.status !== 'InProgress') continue;
      const end = job.startedAt + job.outcome.seconds * 1000;
      if (next === undefined || end < next) next = end;
    }
    return next;
  }

  /** Every job ever created, by name. */
  createdJobs(): string[] {
    return [...this.jobs.keys()];
  }

  /** Jobs running right now (virtual time). */
  runningJobs(): string[] {
    return [...this.jobs.entries()].filter(([, j]) => (this.settle(j), j.status === 'InProgress')).map(([n]) => n);
  }

  private settle(job: SimJob): void {
    if (job.status !== 'InProgress') return;
    const end = job.startedAt + job.outcome.seconds * 1000;
    if (this.options.clock() < end) return;
    job.status = job.outcome.kind === 'completed' ? 'Completed' : job.outcome.kind === 'failed' ? 'Failed' : 'Stopped';
    job.endedAt = end;
  }
}
