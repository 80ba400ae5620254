/**
 * The methods of the real-training benchmark: this tuner's strategies (as a user would
 * configure them) and the Optuna peer's.
 */
import { OPTUNA_METHODS } from './optuna';
import type { OurStrategy } from './ours';
import type { StoppingMethod } from './stopping';

/** This tuner's strategies, in table order. */
export const OUR_STRATEGIES: readonly OurStrategy[] = [
  { id: 'random', label: 'Random', strategy: 'Random' },
  { id: 'bayesian-tpe', label: 'Bayesian (TPE)', strategy: 'Bayesian', sampler: 'TPE' },
  { id: 'bayesian-gp', label: 'Bayesian (GP)', strategy: 'Bayesian', sampler: 'GP' },
  { id: 'asha', label: 'ASHA', strategy: 'ASHA', sampler: 'Random' },
  { id: 'hyperband-async', label: 'Hyperband async', strategy: 'Hyperband', mode: 'Asynchronous', sampler: 'Random' },
  { id: 'hyperband-sync', label: 'Hyperband sync', strategy: 'Hyperband', mode: 'Synchronous', sampler: 'Random' },
  { id: 'hyperband-sync-tpe', label: 'Hyperband sync + TPE', strategy: 'Hyperband', mode: 'Synchronous', sampler: 'TPE' },
  { id: 'bohb', label: 'BOHB (Hyperband sync + BOHB)', strategy: 'Hyperband', mode: 'Synchronous', sampler: 'BOHB' },
  { id: 'bohb-async', label: 'Hyperband async + BOHB', strategy: 'Hyperband', mode: 'Asynchronous', sampler: 'BOHB' },
  { id: 'asha-bohb', label: 'ASHA + BOHB', strategy: 'ASHA', sampler: 'BOHB' },
  { id: 'hyperband-gp', label: 'Hyperband async + GP', strategy: 'Hyperband', mode: 'Asynchronous', sampler: 'GP' },
  { id: 'hyperband-gp-joint', label: 'Hyperband async + GP over (x, r)', strategy: 'Hyperband', mode: 'Asynchronous', sampler: 'GP', gpFidelity: 'joint' },
  { id: 'asha-gp', label: 'ASHA + GP', strategy: 'ASHA', sampler: 'GP' },
  { id: 'asha-gp-joint', label: 'ASHA + GP over (x, r)', strategy: 'ASHA', sampler: 'GP', gpFidelity: 'joint' },
  { id: 'hyperband-sync-gp', label: 'Hyperband sync + GP', strategy: 'Hyperband', mode: 'Synchronous', sampler: 'GP' },
];

/** Early stopping from per-epoch values (simulated with the core's decision functions; see `stopping.ts`). */
export const STOPPING_METHODS: readonly StoppingMethod[] = [
  { id: 'random-auto', label: 'Random + early stopping Auto (median rule), 20 jobs', sampler: 'Random', rule: 'median', budget: 'jobs' },
  { id: 'random-auto-epochs', label: 'Random + early stopping Auto, epoch budget', sampler: 'Random', rule: 'median', budget: 'epochs' },
  { id: 'bayesian-gp-auto', label: 'Bayesian (GP) + early stopping Auto, 20 jobs', sampler: 'GP', rule: 'median', budget: 'jobs' },
  { id: 'asha-stopping', label: 'ASHA, stopping variant (no checkpoints)', sampler: 'Random', rule: 'asha', budget: 'epochs' },
];

/** Every method id with its label, ours first. */
export const METHOD_LABELS: ReadonlyMap<string, string> = new Map<string, string>([
  ...OUR_STRATEGIES.map((s) => [s.id, s.label] as [string, string]),
  ...STOPPING_METHODS.map((s) => [s.id, s.label] as [string, string]),
  ...OPTUNA_METHODS.map((m) => [m.id, m.label] as [string, string]),
]);

/** Looks one of our strategies up by id. */
export function ourStrategy(id: string): OurStrategy {
  const found = OUR_STRATEGIES.find((s) => s.id === id);
  if (found === undefined) throw new Error(`unknown strategy ${id}; known: ${OUR_STRATEGIES.map((s) => s.id).join(', ')}`);
  return found;
}

/** Looks a stopping method up by id. */
export function stoppingMethod(id: string): StoppingMethod {
  const found = STOPPING_METHODS.find((s) => s.id === id);
  if (found === undefined) throw new Error(`unknown stopping method ${id}; known: ${STOPPING_METHODS.map((s) => s.id).join(', ')}`);
  return found;
}
