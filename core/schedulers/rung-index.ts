/**
 * The rungs of a promotion scheduler (ASHA, asynchronous Hyperband), kept in order and updated
 * one result at a time, so that a tick finds its promotions in time proportional to what it
 * looks at (O(log n) per rung plus the trials it returns) instead of re-ranking every rung.
 *
 * The index holds the *recorded* results (the results log, `ResultEntry`); the trials the tick
 * loaded (`SchedulerState.trials`, the working set) override what the index says about them, and
 * their results not in the index yet (told by this tick) are counted as extra entries. With the
 * index, `promotionCandidates` (promotion.ts) returns exactly what it returns from the whole
 * trial table: the same trials, ranks, counts and quotas, in the same order
 * (test/core/schedulers/rung-index.test.ts compares both on random runs).
 *
 * Per rung (bracket s, milestone m) it keeps:
 * - `all`: every result at the rung, best first (`compareEntries`: the promotion rule's order);
 * - `waiting`: the results of the trials the log shows paused at the rung (a usable objective,
 *   the trial's highest milestone, below R), best first: the only trials that can be promoted
 *   from it.
 * A trial's rank is its position in `all` (a binary search), and the trials within a rung's quota
 * are a prefix of `waiting`, so a scan stops at the first one outside it.
 *
 * Size: one small record per result (trial id, value) in `all`, at most one per trial in
 * `waiting`: O(results), like the results log it is built from. It lives in the memory of the
 * process (the tick's results cache), never in a DynamoDB item; a cold start rebuilds it from the
 * log once (O(n log n)).
 */
import type { ObjectiveType } from '../ports';
import { compareEntries, isUsable, type RungEntry } from './rungs';

/** One recorded result, as the results log holds it. */
export interface IndexedResult {
  readonly trialId: number;
  readonly bracket: number;
  readonly milestone: number;
  readonly objective: number | null;
}

/** One rung of the index (see the module comment). */
export interface IndexedRung {
  readonly all: readonly RungEntry[];
  readonly waiting: readonly RungEntry[];
}

interface MutableRung {
  all: RungEntry[];
  waiting: RungEntry[];
}

interface TrialTop {
  readonly bracket: number;
  /** The trial's highest milestone with a result, and that result. */
  readonly milestone: number;
  readonly value: number | null;
  /** Every milestone with a result. */
  readonly milestones: Set<number>;
}

/** The position of the first entry of `list` not better than `entry` (= how many are better). */
export function lowerBound(list: readonly RungEntry[], entry: RungEntry, objectiveType: ObjectiveType): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(list[mid], entry, objectiveType) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function insert(list: RungEntry[], entry: RungEntry, objectiveType: ObjectiveType): void {
  list.splice(lowerBound(list, entry, objectiveType), 0, entry);
}

function remove(list: RungEntry[], entry: RungEntry, objectiveType: ObjectiveType): void {
  const at = lowerBound(list, entry, objectiveType);
  if (at < list.length && list[at].trialId === entry.trialId) list.splice(at, 1);
}

/**
 * The rung index of one run (see the module comment). Mutable: `add` appends results in log
 * order; readers (the scheduler) only read it.
 */
export class RungIndex {
  private readonly rungs = new Map<string, MutableRung>();
  private readonly tops = new Map<number, TrialTop>();
  private added = 0;

  /**
   * @param objectiveType the run's objective direction (the rungs' order)
   * @param maxResource R as the settings give it: a trial whose highest result is at R or above is
   *        completed, never waiting (the rule `ghostTrials` applied to the log)
   */
  constructor(
    readonly objectiveType: ObjectiveType,
    readonly maxResource: number,
  ) {}

  /** How many results the index holds. */
  get count(): number {
    return this.added;
  }

  /** The rung of bracket `bracket` at `milestone`, or undefined when it has no result. */
  rung(bracket: number, milestone: number): IndexedRung | undefined {
    return this.rungs.get(`${bracket}:${milestone}`);
  }

  /** Whether the index holds a result of `trialId` at `milestone`. */
  has(trialId: number, milestone: number): boolean {
    return this.tops.get(trialId)?.milestones.has(milestone) ?? false;
  }

  /** Add one recorded result (a duplicate (trial, milestone) is ignored). */
  add(result: IndexedResult): void {
    const previous = this.tops.get(result.trialId);
    if (previous?.milestones.has(result.milestone)) return;
    this.added += 1;
    const entry: RungEntry = { trialId: result.trialId, value: result.objective };
    const key = `${result.bracket}:${result.milestone}`;
    let rung = this.rungs.get(key);
    if (rung === undefined) {
      rung = { all: [], waiting: [] };
      this.rungs.set(key, rung);
    }
    insert(rung.all, entry, this.objectiveType);
    const milestones = previous?.milestones ?? new Set<number>();
    milestones.add(result.milestone);
    if (previous !== undefined && previous.milestone > result.milestone) {
      // Not the trial's highest result (the log appends them in order; kept for safety).
      this.tops.set(result.trialId, { ...previous, milestones });
      return;
    }
    if (previous !== undefined && this.isWaiting(previous)) {
      const below = this.rungs.get(`${previous.bracket}:${previous.milestone}`);
      if (below !== undefined) remove(below.waiting, { trialId: result.trialId, value: previous.value }, this.objectiveType);
    }
    const top: TrialTop = { bracket: result.bracket, milestone: result.milestone, value: result.objective, milestones };
    this.tops.set(result.trialId, top);
    if (this.isWaiting(top)) insert(rung.waiting, entry, this.objectiveType);
  }

  private isWaiting(top: TrialTop): boolean {
    return isUsable(top.value) && top.milestone < this.maxResource;
  }
}
