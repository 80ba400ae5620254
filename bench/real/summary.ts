/**
 * From run traces to numbers: the incumbent's validation accuracy along the budget, and the
 * test accuracy of the model a run reports (evaluated once per reported model).
 */
import type { RealProblem } from './problems';
import type { TrainingService } from './service';
import { incumbentAt, type IncumbentPoint, type RunTrace } from './trace';

/** Fractions of the epoch budget at which the incumbent is read (5%, 10%, ..., 100%). */
export const FRACTIONS: readonly number[] = Array.from({ length: 20 }, (_, i) => (i + 1) / 20);
/** Fractions at which the reported model's test accuracy is evaluated. */
export const TEST_FRACTIONS: readonly number[] = [0.25, 0.5, 1];

/** One rule's numbers for one run. */
export interface RuleSummary {
  /** Validation accuracy of the incumbent at each of {@link FRACTIONS} (null: no incumbent yet). */
  readonly validation: readonly (number | null)[];
  /** Test accuracy of the incumbent's model at each of {@link TEST_FRACTIONS} (null: none yet). */
  readonly test: readonly (number | null)[];
  /** Resource of the incumbent at 100%. */
  readonly finalMilestone: number | null;
}

/** One run, summarized. */
export interface RunSummary {
  readonly method: string;
  readonly problem: string;
  readonly seed: number;
  readonly totalEpochs: number;
  readonly jobs: number;
  readonly trials: number;
  /** AMT's rule: best job at any resource (Optuna: best complete trial). */
  readonly any: RuleSummary;
  /** Best job at the highest resource reached (Optuna: the same as `any`). */
  readonly top: RuleSummary;
  readonly extra?: Readonly<Record<string, number>>;
}

function summarizeRule(problem: RealProblem, curve: readonly IncumbentPoint[], service: TrainingService): RuleSummary {
  const at = (f: number) => incumbentAt(curve, f * problem.epochBudget + 1e-9);
  const final = at(1);
  return {
    validation: FRACTIONS.map((f) => at(f)?.objective ?? null),
    test: TEST_FRACTIONS.map((f) => {
      const p = at(f);
      return p === undefined ? null : service.testAccuracyAt(problem, p.hp, p.milestone);
    }),
    finalMilestone: final?.milestone ?? null,
  };
}

/** Summarizes a trace (evaluating test accuracies with `service`). */
export function summarizeRun(problem: RealProblem, trace: RunTrace, service: TrainingService, extra?: Readonly<Record<string, number>>): RunSummary {
  return {
    method: trace.method,
    problem: trace.problem,
    seed: trace.seed,
    totalEpochs: trace.totalEpochs,
    jobs: trace.jobs,
    trials: trace.trials,
    any: summarizeRule(problem, trace.curve.any, service),
    top: summarizeRule(problem, trace.curve.top, service),
    ...(extra === undefined ? {} : { extra }),
  };
}
