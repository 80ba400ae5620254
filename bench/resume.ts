/**
 * What checkpoint resume saves, exactly, on synchronous Hyperband's plan.
 *
 * Our promotion trains a promoted trial from its checkpoint: rung i of a bracket costs
 * n_i x (r_i - r_{i-1}). A promotion-based Hyperband without checkpoints starts every
 * promoted trial over: rung i costs n_i x r_i. Both run the same training jobs (one per trial
 * per rung), so the difference is pure arithmetic on the plan. The plan of synchronous
 * Hyperband is exact (`planRun`, computed by the scheduler itself), so so are these numbers.
 */
import { planRun, type RunPlan } from '../core/plan';
import { bracketTable, ladder, shapeJobs } from '../core/schedulers';

/** One setting of the comparison. */
export interface ResumeSetting {
  readonly minResource: number;
  readonly maxResource: number;
  readonly eta: number;
  /** `MaxNumberOfTrainingJobs`; undefined: one full Hyperband iteration (every bracket once). */
  readonly jobs?: number;
  /** Where the setting comes from. */
  readonly note: string;
}

/** The settings reported. */
export const RESUME_SETTINGS: readonly ResumeSetting[] = [
  { minResource: 1, maxResource: 81, eta: 3, note: 'the Hyperband paper\'s R = 81, eta = 3 (one iteration)' },
  { minResource: 1, maxResource: 27, eta: 3, note: 'as mlp-4d (one iteration)' },
  { minResource: 1, maxResource: 16, eta: 2, note: 'as categorical-5x1 (one iteration)' },
  { minResource: 1, maxResource: 9, eta: 3, note: 'as branin-mf (one iteration)' },
  { minResource: 1, maxResource: 8, eta: 2, jobs: 32, note: 'the seed article: R = 8, eta = 2, 32 jobs' },
];

/** The comparison for one setting. */
export interface ResumeRow {
  readonly minResource: number;
  readonly maxResource: number;
  readonly eta: number;
  readonly jobs: number;
  readonly trials: number;
  /** Epochs trained with checkpoint resume (the plan's `totalResource`). */
  readonly withResume: number;
  /** Epochs the same jobs train when every promoted trial starts over. */
  readonly fromScratch: number;
  /** 1 - withResume / fromScratch. */
  readonly savedFraction: number;
  /** Epochs a FIFO strategy (Random) would train with the same number of jobs: jobs x R. */
  readonly fifoSameJobs: number;
  readonly exact: boolean;
  readonly note: string;
}

/** Epochs the plan's jobs would train restarting every trial from scratch at every rung. */
export function fromScratchResource(plan: Pick<RunPlan, 'brackets'>): number {
  let total = 0;
  for (const bracket of plan.brackets) for (const rung of bracket.rungs) total += rung.trials * rung.resource;
  return total;
}

/** Jobs of one full Hyperband iteration (the paper's table, every bracket once). */
export function iterationJobs(minResource: number, maxResource: number, eta: number): number {
  return bracketTable(ladder(minResource, maxResource, eta)).reduce((sum, shape) => sum + shapeJobs(shape), 0);
}

/** Compute the comparison for each setting. */
export function resumeComparison(settings: readonly ResumeSetting[] = RESUME_SETTINGS, maxParallel = 4): ResumeRow[] {
  return settings.map((s) => {
    const jobs = s.jobs ?? iterationJobs(s.minResource, s.maxResource, s.eta);
    const plan = planRun(
      {
        kind: 'Hyperband',
        mode: 'Synchronous',
        minResource: s.minResource,
        maxResource: s.maxResource,
        reductionFactor: s.eta,
        maxTrainingJobs: jobs,
        objectiveType: 'Maximize',
      },
      { maxParallelTrainingJobs: maxParallel },
    );
    const fromScratch = fromScratchResource(plan);
    return {
      minResource: s.minResource,
      maxResource: s.maxResource,
      eta: s.eta,
      jobs: plan.trainingJobs,
      trials: plan.trials,
      withResume: plan.totalResource,
      fromScratch,
      savedFraction: 1 - plan.totalResource / fromScratch,
      fifoSameJobs: plan.trainingJobs * s.maxResource,
      exact: plan.exact,
      note: s.note,
    };
  });
}
