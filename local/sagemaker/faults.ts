/**
 * Fault injection for the SageMaker emulator: throttling, capacity limits (temporary, or a quota
 * that can never fit a job), failing jobs (internal errors that a RetryStrategy retries), spot
 * interruptions, and lost, duplicated or late state-change events. Used by tests of the components that must
 * survive them (retries, reconciliation by polling, idempotent recording).
 */

import { createRng } from '../../core/rng';

/** Which jobs a rule applies to: a RegExp tested on the job name, or a name prefix. */
export type NameMatcher = RegExp | string;

/** Selects events of some jobs, optionally with a probability drawn from the seeded generator. */
export interface EventFaultRule {
  /** @default - every job */
  readonly namePattern?: NameMatcher;
  /**
   * Only events whose TrainingJobStatus is one of these.
   *
   * @default - every status
   */
  readonly statuses?: readonly string[];
  /**
   * Probability (0..1) that a selected event is affected.
   *
   * @default 1
   */
  readonly probability?: number;
  /**
   * How many events the rule affects before it expires.
   *
   * @default - unlimited
   */
  readonly count?: number;
}

/** What happens to one state-change event. */
export interface EventFate {
  /** How many copies to deliver: 0 (dropped), 1, or 2 (duplicated). */
  readonly copies: number;
  /** Delivery delay in milliseconds. */
  readonly delayMs: number;
}

interface Counted<T> {
  readonly rule: T;
  remaining: number;
}

/** What `ResourceLimitExceeded` says about the quota (SageMaker's wording, see the emulator). */
export interface QuotaFault {
  /**
   * The quota's value, in instances. 0 (or less than the job's InstanceCount) is a quota that
   * can never fit the job, as for ml.g4dn.xlarge training in many new accounts.
   *
   * @default - the job's InstanceCount (one job fits, but the quota is in use)
   */
  readonly limit?: number;
  /**
   * Instances in use now.
   *
   * @default - the limit (the quota is used up)
   */
  readonly utilization?: number;
}

/** A managed spot interruption of a running job. */
export interface InterruptionFault {
  /** Which jobs. */
  readonly namePattern: NameMatcher;
  /** Milliseconds of training before the instances are taken away. */
  readonly afterMs: number;
  /**
   * `restart`: SageMaker gets capacity back and restarts the job in place (Interrupted ->
   * Restarting -> Training; the script resumes from its checkpoint). `max-wait`: no capacity
   * comes back before MaxWaitTimeInSeconds: the job ends Stopped (MaxWaitTimeExceeded).
   *
   * @default 'restart'
   */
  readonly outcome?: 'restart' | 'max-wait';
}

/** The project's seeded generator (core/rng), so probabilistic faults are reproducible. */
export function seededRandom(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

function nameMatches(matcher: NameMatcher | undefined, name: string): boolean {
  if (matcher === undefined) return true;
  return typeof matcher === 'string' ? name.startsWith(matcher) : new RegExp(matcher.source, matcher.flags.replace('g', '')).test(name);
}

/** Configurable faults, shared by the API layer and the event emitter of one emulator. */
export class FaultInjector {
  private random: () => number;
  private readonly throttles = new Map<string, number>();
  private readonly limitExceeded: Counted<QuotaFault>[] = [];
  private readonly interruptions: Counted<InterruptionFault>[] = [];
  private readonly afterCreate: ((jobName: string) => void)[] = [];
  private readonly failures: Counted<{ namePattern: NameMatcher; reason: string }>[] = [];
  private readonly drops: Counted<EventFaultRule>[] = [];
  private readonly duplicates: Counted<EventFaultRule>[] = [];
  private readonly delays: Counted<EventFaultRule & { delayMs: number }>[] = [];

  /** @param seed seed of the generator used by probabilistic event faults */
  constructor(seed = 1) {
    this.random = seededRandom(seed);
  }

  /** Re-seeds the generator. */
  seed(seed: number): this {
    this.random = seededRandom(seed);
    return this;
  }

  /** The next `count` calls of `operation` (e.g. `CreateTrainingJob`) fail with ThrottlingException. */
  throttle(operation: string, count: number): this {
    this.throttles.set(operation, (this.throttles.get(operation) ?? 0) + count);
    return this;
  }

  /**
   * The next `count` CreateTrainingJob calls fail with ResourceLimitExceeded, in SageMaker's
   * words. By default the quota fits one job but is in use (a temporary refusal); `{ limit: 0 }`
   * is a quota of 0 (permanent until an increase).
   */
  exceedResourceLimit(count: number, quota: QuotaFault = {}): this {
    this.limitExceeded.push({ rule: quota, remaining: count });
    return this;
  }

  /**
   * Interrupts matching jobs (managed spot) `afterMs` into training: their checkpoints are
   * uploaded, then they restart in place or end with MaxWaitTimeExceeded.
   *
   * @param count how many jobs the rule interrupts before it expires (default 1)
   */
  interruptJobs(rule: InterruptionFault, count = 1): this {
    this.interruptions.push({ rule, remaining: count });
    return this;
  }

  /**
   * Calls `hook` with the job's name after each CreateTrainingJob that succeeded, before the
   * answer is sent (e.g. to make the caller fail right after it created a job).
   */
  onCreate(hook: (jobName: string) => void): this {
    this.afterCreate.push(hook);
    return this;
  }

  /**
   * Jobs whose name matches fail right after they start (before the script runs), with
   * `reason` as FailureReason.
   *
   * @param count how many jobs the rule fails before it expires (default unlimited)
   */
  failJobs(namePattern: NameMatcher, reason = 'InternalServerError: We encountered an internal error. Please try again.', count = Infinity): this {
    this.failures.push({ rule: { namePattern, reason }, remaining: count });
    return this;
  }

  /** Drops matching state-change events (they are never delivered). */
  dropEvents(rule: EventFaultRule = {}): this {
    this.drops.push({ rule, remaining: rule.count ?? Infinity });
    return this;
  }

  /** Delivers matching state-change events twice (SageMaker may send an event more than once). */
  duplicateEvents(rule: EventFaultRule = {}): this {
    this.duplicates.push({ rule, remaining: rule.count ?? Infinity });
    return this;
  }

  /** Delays matching state-change events by `delayMs`. */
  delayEvents(rule: EventFaultRule & { readonly delayMs: number }): this {
    this.delays.push({ rule, remaining: rule.count ?? Infinity });
    return this;
  }

  /** Removes every configured fault (the generator keeps its state). */
  reset(): this {
    this.throttles.clear();
    this.limitExceeded.length = 0;
    this.interruptions.length = 0;
    this.afterCreate.length = 0;
    this.failures.length = 0;
    this.drops.length = 0;
    this.duplicates.length = 0;
    this.delays.length = 0;
    return this;
  }

  /** Throttled calls of `operation` still to come (0 once every injected throttle was hit). */
  remainingThrottles(operation: string): number {
    return this.throttles.get(operation) ?? 0;
  }

  /** @internal whether this call of `operation` is throttled (consumes one). */
  takeThrottle(operation: string): boolean {
    const n = this.throttles.get(operation) ?? 0;
    if (n <= 0) return false;
    this.throttles.set(operation, n - 1);
    return true;
  }

  /** @internal the quota this CreateTrainingJob call exceeds, if any (consumes one). */
  takeLimitExceeded(): QuotaFault | undefined {
    const hit = this.limitExceeded.find((c) => c.remaining > 0);
    if (hit === undefined) return undefined;
    hit.remaining--;
    return hit.rule;
  }

  /** @internal the interruption of a job's training attempt, if any (consumes one). */
  takeInterruption(jobName: string): InterruptionFault | undefined {
    const hit = this.interruptions.find((c) => c.remaining > 0 && nameMatches(c.rule.namePattern, jobName));
    if (hit === undefined) return undefined;
    hit.remaining--;
    return hit.rule;
  }

  /** @internal runs the hooks after a successful CreateTrainingJob. */
  created(jobName: string): void {
    for (const hook of this.afterCreate) hook(jobName);
  }

  /** @internal the injected failure reason for a starting job, if any (consumes one). */
  takeFailure(jobName: string): string | undefined {
    const hit = this.failures.find((f) => f.remaining > 0 && nameMatches(f.rule.namePattern, jobName));
    if (!hit) return undefined;
    hit.remaining--;
    return hit.rule.reason;
  }

  /** @internal decides what happens to one state-change event. */
  eventFate(jobName: string, status: string): EventFate {
    const applies = (c: Counted<EventFaultRule>): boolean => {
      const r = c.rule;
      if (c.remaining <= 0 || !nameMatches(r.namePattern, jobName)) return false;
      if (r.statuses && !r.statuses.includes(status)) return false;
      if (r.probability !== undefined && this.random() >= r.probability) return false;
      c.remaining--;
      return true;
    };
    if (this.drops.some(applies)) return { copies: 0, delayMs: 0 };
    const copies = this.duplicates.some(applies) ? 2 : 1;
    const delay = this.delays.find(applies);
    return { copies, delayMs: delay ? delay.rule.delayMs : 0 };
  }
}
