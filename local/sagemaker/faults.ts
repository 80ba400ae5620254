/**
 * Fault injection for the SageMaker emulator: throttling, capacity limits, failing jobs and
 * lost, duplicated or late state-change events. Used by tests of the components that must
 * survive them (retries, reconciliation by polling, idempotent recording).
 */

import { createRng } from '../../lambda/core/rng';

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

/** The project's seeded generator (lambda/core/rng), so probabilistic faults are reproducible. */
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
  private limitExceeded = 0;
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

  /** The next `count` CreateTrainingJob calls fail with ResourceLimitExceeded. */
  exceedResourceLimit(count: number): this {
    this.limitExceeded += count;
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
    this.limitExceeded = 0;
    this.failures.length = 0;
    this.drops.length = 0;
    this.duplicates.length = 0;
    this.delays.length = 0;
    return this;
  }

  /** @internal whether this call of `operation` is throttled (consumes one). */
  takeThrottle(operation: string): boolean {
    const n = this.throttles.get(operation) ?? 0;
    if (n <= 0) return false;
    this.throttles.set(operation, n - 1);
    return true;
  }

  /** @internal whether this CreateTrainingJob call exceeds the limit (consumes one). */
  takeLimitExceeded(): boolean {
    if (this.limitExceeded <= 0) return false;
    this.limitExceeded--;
    return true;
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
