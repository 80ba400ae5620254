/**
 * The training job lifecycle: the queue (at most `maxConcurrent` jobs run at once), each
 * attempt of a job (download, run the process, upload), retries after internal errors, spot
 * interruptions, stopping (SIGTERM, a grace period, SIGKILL), MaxRuntimeInSeconds, warm pools
 * at the end, and a state-change event at every transition.
 *
 * - Stopping sends SIGTERM, waits a grace period (120 s in SageMaker; configurable here),
 *   then kills; status goes InProgress -> Stopping -> Stopped, checkpoints are uploaded.
 * - MaxRuntimeInSeconds reached: the job is stopped like StopTrainingJob and ends Stopped
 *   with SecondaryStatus MaxRuntimeExceeded (SecondaryStatusTransition docs).
 */
import { join } from 'node:path';
import type { SecondaryStatus, TrainingJobStatus } from '@aws-sdk/client-sagemaker';
import { stateChangeEvent, type StateChangePublisher } from './events';
import type { FaultInjector } from './faults';
import { failureReasonFor, prepareJobFolders, startProcess } from './jobs';
import type { JobStore } from './job-store';
import type { S3Transfers } from './s3-transfers';
import { hyperParameterArgs, scriptModeEnv, type CommandResolver } from './script-mode';
import { eventDetail, recordTransition, type Job } from './training-job';
import type { TrainingJobLogs } from './training-logs';
import type { WarmPoolManager } from './warm-pools';

/** What the lifecycle works with (owned by the emulator). */
export interface LifecycleDeps {
  readonly jobs: JobStore;
  readonly faults: FaultInjector;
  readonly publisher: StateChangePublisher;
  readonly pools: WarmPoolManager;
  readonly logs: TrainingJobLogs;
  readonly transfers: S3Transfers;
  readonly resolveCommand: CommandResolver;
  readonly s3ToLocal: (uri: string) => string;
  /** Account and region of the events. */
  readonly account: string;
  readonly region: string;
  readonly maxConcurrent: number;
  /** Time between SIGTERM and SIGKILL. */
  readonly graceMs: number;
}

export class JobLifecycle {
  private readonly queue: Job[] = [];
  private readonly runs = new Set<Promise<void>>();
  private running = 0;
  private closed = false;

  constructor(private readonly d: LifecycleDeps) {}

  /** Records the job's first transition (`Starting`) and queues it. */
  start(job: Job): void {
    this.transition(job, 'InProgress', 'Starting');
    this.queue.push(job);
    this.pump();
  }

  /** Stops a job: a queued one at once, a running one by signalling its process. */
  requestStop(job: Job, reason: 'user' | 'max-runtime'): void {
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

  /**
   * Drops queued jobs, sends running processes SIGTERM and, after the grace period, SIGKILL,
   * waits for every attempt to end and clears the jobs' timers.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.queue.length = 0;
    for (const job of this.d.jobs.values()) {
      if (job.proc?.isRunning()) this.kill(job);
    }
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
    for (const job of this.d.jobs.values()) {
      clearTimeout(job.killTimer);
      clearTimeout(job.runtimeTimer);
    }
  }

  private transition(job: Job, status: TrainingJobStatus, secondary: SecondaryStatus, message?: string): void {
    const now = recordTransition(job, status, secondary, message);
    this.d.publisher.publish(stateChangeEvent(eventDetail(job), { account: this.d.account, region: this.d.region, now }));
  }

  private pump(): void {
    while (!this.closed && this.running < this.d.maxConcurrent && this.queue.length > 0) {
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

  private kill(job: Job): void {
    const proc = job.proc;
    if (!proc) return;
    proc.signal('SIGTERM');
    clearTimeout(job.killTimer);
    job.killTimer = setTimeout(() => proc.signal('SIGKILL'), this.d.graceMs);
  }

  private async run(job: Job): Promise<void> {
    job.started = true;
    // SageMaker's RetryStrategy: a job that fails with an internal error restarts in place.
    let retriesLeft = job.request.RetryStrategy?.MaximumRetryAttempts ?? 0;
    for (;;) {
      const failure = this.d.faults.takeFailure(job.name);
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
    if (this.d.pools.claim(job) === undefined && (job.request.ResourceConfig?.KeepAlivePeriodInSeconds ?? 0) > 0) {
      job.warmPool = { status: 'InUse' };
    }
    this.transition(job, job.status, 'Downloading');
    const channels = await prepareJobFolders(job.dirs, job.request, this.d.s3ToLocal);
    const denied = await this.d.transfers.downloadCheckpoints(job);
    if (denied !== undefined) {
      job.failureReason = denied;
      this.finish(job, 'Failed', 'Failed');
      return false;
    }
    if (job.stopReason || this.closed) {
      await this.d.transfers.upload(job);
      this.finish(job, 'Stopped', 'Stopped');
      return false;
    }
    let resolved;
    try {
      resolved = this.d.resolveCommand(job.request, { s3ToLocal: this.d.s3ToLocal });
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
    const stream = this.d.logs.openStream(job.name, job.trainingStartTime);
    this.transition(job, job.status, 'Training');
    job.proc = startProcess({
      command,
      cwd: resolved.cwd,
      env,
      logFile: job.dirs.log,
      onLine: (line) => {
        this.d.logs.append(stream, line);
        job.metrics.observe(line);
      },
    });
    const maxRuntime = job.request.StoppingCondition?.MaxRuntimeInSeconds;
    if (maxRuntime !== undefined) {
      job.runtimeTimer = setTimeout(() => {
        if (job.status === 'InProgress') this.requestStop(job, 'max-runtime');
      }, maxRuntime * 1000);
    }
    const interruption = this.d.faults.takeInterruption(job.name);
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
      await this.d.transfers.uploadCheckpoints(job);
      if (job.interrupted === 'restart' && !this.closed) return true;
      job.trainingEndTime = new Date();
      this.finish(job, 'Stopped', 'MaxWaitTimeExceeded');
      return false;
    }
    job.trainingEndTime = new Date();
    this.transition(job, job.status, 'Uploading');
    const uploadDenied = await this.d.transfers.authorizeUploads(job);
    if (uploadDenied === undefined) await this.d.transfers.upload(job);
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

  /** Ends the job: its warm pool is retained (KeepAlivePeriodInSeconds) or terminated. */
  private finish(job: Job, status: TrainingJobStatus, secondary: SecondaryStatus): void {
    if (job.trainingStartTime && !job.trainingEndTime) job.trainingEndTime = new Date();
    if (job.proc && !this.closed) {
      const keepAlive = job.request.ResourceConfig?.KeepAlivePeriodInSeconds ?? 0;
      if (keepAlive > 0) this.d.pools.retain(job, keepAlive);
      else if (job.warmPool) this.d.pools.terminate(job);
    } else if (job.warmPool) {
      job.warmPool = { status: 'Terminated', retainedSeconds: 0 };
    }
    this.transition(job, status, secondary);
  }
}
