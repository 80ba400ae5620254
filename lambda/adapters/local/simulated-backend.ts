/**
 * A `TrainingBackend` that trains nothing: jobs are simulated with a caller-supplied
 * objective, in virtual time (Syne Tune's `SimulatorBackend`). Used by the orchestrator's
 * unit tests and the benchmarks; the end-to-end tests use the SageMaker emulator instead.
 */
import type { CreateJobResult, StopJobResult, TrainingBackend, TrainingJobRequest } from '../../core/orchestrator/backend';
import type { JobObservation, MetricValue } from '../../core/orchestrator/records';

/** What a simulated job reports: its metrics at the requested resource, or a failure. */
export type SimulatedOutcome =
  | { readonly kind: 'completed'; readonly metrics: Readonly<Record<string, number>>; readonly seconds: number }
  | { readonly kind: 'failed'; readonly reason: string; readonly seconds: number };

export type Objective = (hyperParameters: Readonly<Record<string, string>>, jobName: string) => SimulatedOutcome;

interface SimJob {
  readonly request: TrainingJobRequest;
  status: JobObservation['status'];
  readonly outcome: SimulatedOutcome;
  readonly startedAt: number;
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
  /** Refuse the next N creates with a throttling error. */
  throttleNext = 0;
  /** Reject every create as invalid with this reason, when set. */
  rejectWith: string | undefined;

  constructor(private readonly options: SimulatedBackendOptions) {}

  async createJob(request: TrainingJobRequest): Promise<CreateJobResult> {
    if (this.rejectWith !== undefined) return { kind: 'invalid', reason: this.rejectWith };
    if (this.throttleNext > 0) {
      this.throttleNext -= 1;
      return { kind: 'retry', reason: 'ThrottlingException: Rate exceeded' };
    }
    const name = request.TrainingJobName;
    if (this.jobs.has(name)) return { kind: 'exists' };
    const hyperParameters = (request.HyperParameters ?? {}) as Record<string, string>;
    this.jobs.set(name, {
      request,
      status: 'InProgress',
      outcome: this.options.objective(hyperParameters, name),
      startedAt: this.options.clock(),
    });
    return { kind: 'created' };
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
    return base;
  }

  async stopJob(jobName: string): Promise<StopJobResult> {
    const job = this.jobs.get(jobName);
    if (job === undefined) return 'not-running';
    this.settle(job);
    if (job.status !== 'InProgress') return 'not-running';
    job.status = 'Stopped';
    job.endedAt = this.options.clock();
    return 'stopping';
  }

  async releaseWarmPool(jobName: string): Promise<void> {
    const job = this.jobs.get(jobName);
    if (job !== undefined) job.warmPool = 'Terminated';
  }

  /** Names of jobs that have ended by now (in virtual time) but were not reported yet. */
  endedJobs(): string[] {
    const out: string[] = [];
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
    job.status = job.outcome.kind === 'completed' ? 'Completed' : 'Failed';
    job.endedAt = end;
  }
}
