/**
 * Warm pools (SageMaker managed warm pools, `ResourceConfig.KeepAlivePeriodInSeconds`).
 *
 * After a job with a keep-alive period ends, its pool is `Available` until the period ends
 * (then `Terminated`), until UpdateTrainingJob sets the period to 0 (`Terminated`), or until
 * a matching job reuses it (`Reused`, with `ReusedByJob`; the new job's pool is `InUse`).
 * A pool matches when role, instance type and count, volume size and KMS key, VPC config,
 * network isolation and inter-container encryption are equal, and the new job is not a
 * managed spot job (SageMaker Developer Guide, "Train using SageMaker managed warm pools").
 *
 * Simplifications: nothing is actually kept warm (a local process starts as fast either
 * way); `ResourceRetainedBillableTimeInSeconds` is the wall time a pool was Available;
 * timers are unref'd so they never keep Node alive.
 */
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** Warm pool status of one job, as DescribeTrainingJob reports it. */
export interface WarmPoolState {
  status: 'Available' | 'Terminated' | 'Reused' | 'InUse';
  availableSince?: Date;
  retainedSeconds?: number;
  reusedBy?: string;
}

/** What the pool manager needs to know about a job. */
export interface PoolOwner {
  readonly name: string;
  readonly request: CreateTrainingJobRequest;
  warmPool?: WarmPoolState;
  /** Called after the pool's status changed (e.g. to bump LastModifiedTime). */
  onWarmPoolChange?: () => void;
}

/** The key that decides whether a pool can be reused. */
export function warmPoolKey(request: CreateTrainingJobRequest): string {
  const rc = request.ResourceConfig ?? {};
  return JSON.stringify([
    request.RoleArn,
    rc.InstanceType,
    rc.InstanceCount,
    rc.VolumeSizeInGB,
    rc.VolumeKmsKeyId ?? null,
    request.VpcConfig ?? null,
    request.EnableNetworkIsolation ?? false,
    request.EnableInterContainerTrafficEncryption ?? false,
  ]);
}

/** Keeps track of available pools and their expiry timers. */
export class WarmPoolManager {
  private readonly available = new Map<PoolOwner, NodeJS.Timeout>();

  /** Marks a finished job's pool Available for `keepAliveSeconds` (no-op for 0). */
  retain(owner: PoolOwner, keepAliveSeconds: number, now = new Date()): void {
    if (keepAliveSeconds <= 0) {
      if (owner.warmPool) this.terminate(owner, now);
      return;
    }
    owner.warmPool = { status: 'Available', availableSince: now };
    this.schedule(owner, keepAliveSeconds);
    owner.onWarmPoolChange?.();
  }

  /**
   * Finds an Available pool the new job can reuse and marks it Reused.
   *
   * @returns the name of the job whose pool was reused, if any
   */
  claim(newJob: PoolOwner, now = new Date()): string | undefined {
    if (newJob.request.EnableManagedSpotTraining) return undefined;
    const key = warmPoolKey(newJob.request);
    for (const owner of this.available.keys()) {
      if (warmPoolKey(owner.request) !== key) continue;
      this.unschedule(owner);
      owner.warmPool = { status: 'Reused', retainedSeconds: retained(owner, now), reusedBy: newJob.name };
      owner.onWarmPoolChange?.();
      newJob.warmPool = { status: 'InUse' };
      return owner.name;
    }
    return undefined;
  }

  /**
   * Changes the keep-alive period of an Available pool (0 terminates it). The period
   * counts from when the pool became Available.
   */
  update(owner: PoolOwner, keepAliveSeconds: number, now = new Date()): void {
    if (owner.warmPool?.status !== 'Available') return;
    const since = owner.warmPool.availableSince ?? now;
    const left = keepAliveSeconds - (now.getTime() - since.getTime()) / 1000;
    if (keepAliveSeconds <= 0 || left <= 0) {
      this.terminate(owner, now);
      return;
    }
    this.unschedule(owner);
    this.schedule(owner, left);
  }

  /** Terminates a pool now. */
  terminate(owner: PoolOwner, now = new Date()): void {
    this.unschedule(owner);
    owner.warmPool = { status: 'Terminated', retainedSeconds: retained(owner, now) };
    owner.onWarmPoolChange?.();
  }

  /** Cancels every expiry timer (pools keep their current status). */
  close(): void {
    for (const t of this.available.values()) clearTimeout(t);
    this.available.clear();
  }

  private schedule(owner: PoolOwner, seconds: number): void {
    const timer = setTimeout(() => this.terminate(owner), Math.max(0, seconds * 1000));
    timer.unref();
    this.available.set(owner, timer);
  }

  private unschedule(owner: PoolOwner): void {
    const t = this.available.get(owner);
    if (t) clearTimeout(t);
    this.available.delete(owner);
  }
}

function retained(owner: PoolOwner, now: Date): number {
  const since = owner.warmPool?.availableSince;
  return since ? Math.max(0, Math.ceil((now.getTime() - since.getTime()) / 1000)) : 0;
}
