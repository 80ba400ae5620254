/**
 * What model-based samplers (TPE, BOHB, GP) read from a `SuggestContext`: the usable
 * observations, grouped by resource level, and the pending configurations.
 *
 * - Usable: a finite objective (failed jobs and missing metrics are ignored, as Optuna ignores
 *   failed trials: a failure may come from the infrastructure rather than the configuration) and
 *   a configuration inside the space (warm-start parents may hold others).
 * - Level: the resource an observation was made at. Multi-fidelity samplers model one level
 *   (BOHB's rule, Falkner et al. 2018, section 4.1: the largest level with enough observations).
 * - Pending: configurations proposed in this run that have no observation yet (their first job
 *   is running, or they were proposed earlier in the same tick). A sampler that fills several
 *   free slots at once adds them to its model as bad results ("constant liar", Ginsbourger,
 *   Le Riche & Carraro 2010, with the liar at the worst value), so that parallel proposals do not
 *   collapse onto the same point.
 */
import type { Configuration, Observation, SearchSpaceSpec, SuggestContext } from '../ports';
import { configurationIssues, configurationKey } from '../space/codec';

/** An observation with a finite objective. */
export type UsableObservation = Observation & { readonly objective: number };

/** The usable observations of `history`, in their order. Does not modify `history`. */
export function usableObservations(space: SearchSpaceSpec, history: readonly Observation[]): UsableObservation[] {
  return history.filter(
    (obs): obs is UsableObservation => obs.objective !== null && Number.isFinite(obs.objective) && configurationIssues(space, obs.config).length === 0,
  );
}

/** Usable observations by resource level, levels in decreasing order. */
export function observationsByLevel(observations: readonly UsableObservation[]): { readonly level: number; readonly observations: UsableObservation[] }[] {
  const byLevel = new Map<number, UsableObservation[]>();
  for (const obs of observations) {
    const list = byLevel.get(obs.resource);
    if (list === undefined) byLevel.set(obs.resource, [obs]);
    else list.push(obs);
  }
  return [...byLevel.entries()].sort((a, b) => b[0] - a[0]).map(([level, list]) => ({ level, observations: list }));
}

/**
 * The observations of the largest resource level with at least `minCount` usable observations
 * (BOHB's rule), or undefined when no level has enough.
 */
export function largestLevelWith(observations: readonly UsableObservation[], minCount: number): { readonly level: number; readonly observations: UsableObservation[] } | undefined {
  return observationsByLevel(observations).find((l) => l.observations.length >= minCount);
}

/**
 * Proposed configurations without any observation (usable or not) in `ctx.history`: the
 * configurations whose first job is still running or that this tick proposed already. Only
 * configurations of `space` are returned, each once.
 */
export function pendingConfigurations(space: SearchSpaceSpec, ctx: Pick<SuggestContext, 'proposed' | 'history'>): Configuration[] {
  const seen = new Set(ctx.history.map((obs) => configurationKey(space, obs.config)));
  const out: Configuration[] = [];
  for (const config of ctx.proposed) {
    const key = configurationKey(space, config);
    if (seen.has(key) || configurationIssues(space, config).length > 0) continue;
    seen.add(key);
    out.push(config);
  }
  return out;
}

/**
 * Sorts observations best first (smaller objective first for Minimize), ties by trial id, so
 * that the order never depends on arrival order. Does not modify its input.
 */
export function bestFirst<T extends UsableObservation>(observations: readonly T[], objectiveType: SuggestContext['objectiveType']): T[] {
  const sign = objectiveType === 'Minimize' ? 1 : -1;
  return [...observations].sort((a, b) => sign * (a.objective - b.objective) || a.trialId - b.trialId);
}
