/** Test helpers for the schedulers: settings, deep freeze, a tiny PRNG, a JSON round trip. */
import type { Configuration, Decision, SchedulerSettings, SchedulerState } from '../../../core/ports';
import { createRng } from '../../../core/rng';

export function settings(overrides: Partial<SchedulerSettings> = {}): SchedulerSettings {
  return {
    kind: 'ASHA',
    mode: 'Asynchronous',
    minResource: 1,
    maxResource: 9,
    reductionFactor: 3,
    maxTrainingJobs: 20,
    objectiveType: 'Minimize',
    ...overrides,
  };
}

/** Freeze an object graph so any in-place mutation throws (strict mode). */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

export function roundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Deterministic configuration of a trial. */
export function configOf(trialId: number): Configuration {
  return { lr: 1 / (trialId + 1), layers: (trialId % 4) + 1 };
}

export const propose = (trialId: number): Configuration => configOf(trialId);

/** A seeded generator for the test drivers: the project's own (core/rng). */
export function prng(seed: number): () => number {
  const rng = createRng(seed);
  return () => rng.next();
}

export function jobsOf(decisions: readonly Decision[]): Decision[] {
  return decisions.filter((d) => d.kind === 'start' || d.kind === 'resume');
}

/** "start 3@1" / "resume 1:1->3" / "wait" / "done": compact decision summaries for assertions. */
export function summary(decisions: readonly Decision[]): string[] {
  return decisions.map((d) => {
    switch (d.kind) {
      case 'start':
        return `start ${d.trialId}@${d.milestone}`;
      case 'resume':
        return `resume ${d.trialId}:${d.fromMilestone}->${d.milestone}`;
      default:
        return d.kind;
    }
  });
}

export type { SchedulerState };
