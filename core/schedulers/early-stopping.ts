/**
 * Early stopping from intermediate metrics: decisions about a training job that is still
 * running, from the objective values it reported after each epoch (its metric series). Two
 * rules, both pure functions of the values reported so far:
 *
 * - {@link medianStoppingRule}: AMT's `TrainingJobEarlyStoppingType: Auto`, for Random, Grid and
 *   Bayesian. AMT documents it as: after each epoch, take the job's objective value; compute,
 *   for every previous training job, the running average of its objective up to the same epoch,
 *   and the median of those running averages; if the job's value is worse than that median, stop
 *   the job. (The median stopping rule of Golovin et al. 2017, "Google Vizier", section 3.2.2,
 *   compares the job's best value so far instead; AMT's wording is followed here.)
 * - {@link ashaStoppingRule}: the STOPPING variant of ASHA (Li et al. 2020, section 3; Optuna's
 *   `SuccessiveHalvingPruner`), for training scripts that cannot checkpoint: every trial is one
 *   job trained towards R, and at each rung milestone r_k < R the job goes on only if its value
 *   there is in the top floor(n / eta) of the n values recorded at r_k so far (itself included;
 *   while n < eta only the best goes on, as in Optuna), else it is stopped for good.
 *
 * A "curve" is one trial's reported values, `values[e - 1]` for epoch e (null: no usable value
 * that epoch). Decisions are about the current trial's last reported epoch; other trials count
 * when they reported that far. Inputs are never modified; the result names its reason.
 */
import type { ObjectiveType } from '../ports';
import { compareEntries, isUsable, promotionQuota, type RungEntry } from './rungs';

/** One trial's objective value after each epoch. */
export interface MetricCurve {
  readonly trialId: number;
  /** values[e - 1] is the value reported after epoch e. */
  readonly values: readonly (number | null)[];
}

/** What to do with a running job. */
export type StoppingDecision = 'CONTINUE' | 'STOP';

export interface StoppingResult {
  readonly decision: StoppingDecision;
  readonly reason: string;
}

/** Options of {@link medianStoppingRule}. */
export interface MedianStoppingOptions {
  /**
   * The fewest other trials that must have reported up to the epoch before any job is stopped
   * (AMT does not document one; Syne Tune's `MedianStoppingRule` uses 3).
   *
   * @default 3
   */
  readonly minTrials?: number;
  /**
   * Epochs during which no job is stopped (a warm-up; AMT documents none).
   *
   * @default 1
   */
  readonly graceEpochs?: number;
}

const better = (a: number, b: number, type: ObjectiveType): boolean => (type === 'Maximize' ? a > b : a < b);

/** The mean of the usable values among the first `epochs`, or undefined when there is none. */
export function runningAverage(values: readonly (number | null)[], epochs: number): number | undefined {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < Math.min(epochs, values.length); i++) {
    const v = values[i];
    if (isUsable(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? undefined : sum / n;
}

function medianOf(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

/**
 * AMT's median stopping rule (see the module comment), at the current trial's last epoch e:
 * STOP when at least `minTrials` other trials reported up to epoch e, e is past the grace
 * epochs, and the current value is worse than the median of the others' running averages up to
 * e. A missing current value (a diverged job) is worse than anything.
 */
export function medianStoppingRule(current: MetricCurve, others: readonly MetricCurve[], objectiveType: ObjectiveType, options: MedianStoppingOptions = {}): StoppingResult {
  const epoch = current.values.length;
  const averages: number[] = [];
  for (const other of others) {
    if (other.trialId === current.trialId || other.values.length < epoch) continue;
    const avg = runningAverage(other.values, epoch);
    if (avg !== undefined) averages.push(avg);
  }
  return medianRuleAt(current.values[epoch - 1] ?? null, epoch, averages, objectiveType, options);
}

/**
 * {@link medianStoppingRule} from the other trials' running averages up to `epoch` (what the
 * orchestrator keeps, bounded, instead of every finished curve): the decision about a job whose
 * value at its last reported `epoch` is `value`.
 */
export function medianRuleAt(value: number | null, epoch: number, averages: readonly number[], objectiveType: ObjectiveType, options: MedianStoppingOptions = {}): StoppingResult {
  const minTrials = options.minTrials ?? 3;
  const grace = options.graceEpochs ?? 1;
  if (epoch <= grace) return { decision: 'CONTINUE', reason: `epoch ${epoch} is within the ${grace} grace epoch(s)` };
  if (averages.length < minTrials) {
    return { decision: 'CONTINUE', reason: `${averages.length} other trial(s) reported up to epoch ${epoch}; the rule needs ${minTrials}` };
  }
  const median = medianOf(averages);
  if (!isUsable(value)) return { decision: 'STOP', reason: `no objective value at epoch ${epoch}; the median of ${averages.length} running averages is ${median}` };
  if (better(median, value, objectiveType)) {
    return { decision: 'STOP', reason: `objective ${value} at epoch ${epoch} is worse than the median ${median} of ${averages.length} running averages up to epoch ${epoch}` };
  }
  return { decision: 'CONTINUE', reason: `objective ${value} at epoch ${epoch} is not worse than the median ${median} of ${averages.length} running averages` };
}

/**
 * The stopping variant of ASHA (see the module comment) at the current trial's last epoch e.
 * CONTINUE unless e is a milestone below R (`milestones` ascending, the last one R); there, STOP
 * unless the trial ranks within the top max(1, floor(n / eta)) of the n trials that reported at
 * e (ties by trial id, missing values last, as `compareEntries` orders a rung).
 */
export function ashaStoppingRule(current: MetricCurve, others: readonly MetricCurve[], milestones: readonly number[], eta: number, objectiveType: ObjectiveType): StoppingResult {
  const epoch = current.values.length;
  const atEpoch: RungEntry[] = [];
  for (const other of others) {
    if (other.trialId === current.trialId || other.values.length < epoch) continue;
    atEpoch.push({ trialId: other.trialId, value: other.values[epoch - 1] ?? null });
  }
  return ashaRuleAt({ trialId: current.trialId, value: current.values[epoch - 1] ?? null }, epoch, atEpoch, milestones, eta, objectiveType);
}

/**
 * {@link ashaStoppingRule} from the values the other trials recorded at `epoch` (what the
 * orchestrator keeps, bounded, instead of every curve).
 */
export function ashaRuleAt(me: RungEntry, epoch: number, others: readonly RungEntry[], milestones: readonly number[], eta: number, objectiveType: ObjectiveType): StoppingResult {
  const top = milestones[milestones.length - 1] as number;
  const rung = milestones.indexOf(epoch);
  if (rung < 0 || epoch >= top) return { decision: 'CONTINUE', reason: `epoch ${epoch} is not a rung milestone below R=${top}` };
  const entries: RungEntry[] = [me, ...others.filter((o) => o.trialId !== me.trialId)];
  const rank = entries.filter((e) => compareEntries(e, me, objectiveType) < 0).length;
  const quota = Math.max(1, promotionQuota(entries.length, eta));
  if (isUsable(me.value) && rank < quota) {
    return { decision: 'CONTINUE', reason: `rank ${rank + 1} of ${entries.length} at rung ${rung} (r=${epoch}), within the top ${quota}` };
  }
  return { decision: 'STOP', reason: `rank ${rank + 1} of ${entries.length} at rung ${rung} (r=${epoch}), outside the top ${quota}` };
}
