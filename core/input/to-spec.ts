/**
 * From a valid tuning input to the core's `TuningSpec`.
 */

import type { CompletionCriteria, FailurePolicy, ParameterSpec, SchedulerKind, SchedulerSettings, TuningSpec } from '../ports';
import {
  DEFAULT_HYPERBAND_MODE,
  DEFAULT_MAX_CAPACITY_WAIT_SECONDS,
  DEFAULT_MAX_FAILED_FRACTION,
  DEFAULT_MAX_INITIAL_FAILURES,
  DEFAULT_MIN_FINISHED_JOBS,
  DEFAULT_MIN_RESOURCE,
  DEFAULT_REDUCTION_FACTOR,
  DEFAULT_RESOURCE_HYPERPARAMETER,
  DEFAULT_SAMPLER,
} from './defaults';
import { bracketMilestones, ladder } from '../schedulers/rungs';
import { gridSize, parseDecimal, parseInteger } from './range-values';
import type { ParameterRanges, StrategyName, TuningInput, TuningObjective } from './types';

const SCHEDULER_KIND: Readonly<Record<StrategyName, SchedulerKind>> = {
  Random: 'FIFO',
  Grid: 'FIFO',
  Bayesian: 'FIFO',
  Hyperband: 'Hyperband',
  ASHA: 'ASHA',
};

function rangesOf(input: TuningInput): ParameterRanges {
  return input.HyperParameterTuningJobConfig.ParameterRanges ?? input.TrainingJobDefinition.HyperParameterRanges ?? {};
}

function objectiveOf(input: TuningInput): TuningObjective {
  const objective = input.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective ?? input.TrainingJobDefinition.TuningObjective;
  if (objective === undefined) throw new Error('toTuningSpec needs a validated input: the objective is missing');
  return objective;
}

/** `TrainingJobEarlyStoppingType: Auto` for FIFO strategies whose objective has a regex (else jobs train to the end). */
function earlyStoppingOf(input: TuningInput, kind: SchedulerKind, metricName: string): Pick<TuningSpec, 'earlyStopping'> {
  if (input.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType !== 'Auto' || kind !== 'FIFO') return {};
  const regex = input.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions?.find((d) => d.Name === metricName)?.Regex;
  return regex === undefined ? {} : { earlyStopping: { rule: 'Median', metricRegex: regex } };
}

/** `Mode: Stopping` of ASHA: the rungs of its one bracket, from MinResource to MaxResource. */
function ashaStoppingOf(input: TuningInput, metricName: string): Pick<TuningSpec, 'earlyStopping'> {
  const hb = input.HyperParameterTuningJobConfig.StrategyConfig?.HyperbandStrategyConfig;
  const regex = input.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions?.find((d) => d.Name === metricName)?.Regex;
  if (hb?.MaxResource === undefined || regex === undefined) throw new Error('toTuningSpec needs a validated input: Mode Stopping needs MaxResource and the objective regex');
  const eta = hb.ReductionFactor ?? DEFAULT_REDUCTION_FACTOR;
  const l = ladder(hb.MinResource ?? DEFAULT_MIN_RESOURCE, hb.MaxResource, eta);
  return { earlyStopping: { rule: 'ASHA', metricRegex: regex, milestones: bracketMilestones(l, l.sMax), reductionFactor: eta, maxResource: hb.MaxResource } };
}

function bound(value: string, integer: boolean): number {
  const parsed = integer ? parseInteger(value) : parseDecimal(value);
  if (parsed === undefined) throw new Error(`toTuningSpec needs a validated input: bad range bound ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * The search space of a valid input, parameters in the order Integer, Continuous, Categorical.
 *
 * @param ranges - the input's `ParameterRanges`
 */
export function spaceOf(ranges: ParameterRanges): ParameterSpec[] {
  return [
    ...(ranges.IntegerParameterRanges ?? []).map(
      (r): ParameterSpec => ({ kind: 'integer', name: r.Name, min: bound(r.MinValue, true), max: bound(r.MaxValue, true), scaling: r.ScalingType ?? 'Auto' }),
    ),
    ...(ranges.ContinuousParameterRanges ?? []).map(
      (r): ParameterSpec => ({ kind: 'continuous', name: r.Name, min: bound(r.MinValue, false), max: bound(r.MaxValue, false), scaling: r.ScalingType ?? 'Auto' }),
    ),
    ...(ranges.CategoricalParameterRanges ?? []).map((r): ParameterSpec => ({ kind: 'categorical', name: r.Name, values: [...r.Values] })),
  ];
}

function completionOf(input: TuningInput): CompletionCriteria {
  const config = input.HyperParameterTuningJobConfig;
  const criteria = config.TuningJobCompletionCriteria;
  const convergence = criteria?.ConvergenceDetected?.CompleteOnConvergence;
  return {
    ...(criteria?.TargetObjectiveMetricValue !== undefined && { targetObjectiveValue: criteria.TargetObjectiveMetricValue }),
    ...(criteria?.BestObjectiveNotImproving?.MaxNumberOfTrainingJobsNotImproving !== undefined && {
      maxJobsNotImproving: criteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving,
    }),
    ...(config.ResourceLimits.MaxRuntimeInSeconds !== undefined && { maxRuntimeSeconds: config.ResourceLimits.MaxRuntimeInSeconds }),
    ...(convergence !== undefined && { completeOnConvergence: convergence === 'Enabled' }),
  };
}

/** `FailureConfig`, defaults filled in. */
function failureOf(input: TuningInput): FailurePolicy {
  const config = input.FailureConfig;
  return {
    maxInitialFailures: config?.MaxInitialFailures ?? DEFAULT_MAX_INITIAL_FAILURES,
    maxFailedFraction: config?.MaxFailedFraction ?? DEFAULT_MAX_FAILED_FRACTION,
    minJobsForFraction: config?.MinFinishedJobs ?? DEFAULT_MIN_FINISHED_JOBS,
    maxCapacityWaitSeconds: config?.MaxCapacityWaitInSeconds ?? DEFAULT_MAX_CAPACITY_WAIT_SECONDS,
  };
}

/**
 * The core's view of a valid tuning input, with every default filled in.
 *
 * Assumes `input` passed `validateTuningInput` without errors (it throws on the few
 * inconsistencies it would otherwise have to guess around). The mapping:
 * - `sampler`: `Sampler`, else by strategy (Random -> Random, Grid -> Grid, Bayesian,
 *   Hyperband and ASHA -> GP).
 * - `scheduler.kind`: Random, Grid and Bayesian -> `FIFO`; Hyperband -> `Hyperband` with
 *   `Mode` (default `Asynchronous`); ASHA -> `ASHA`, always `Asynchronous`.
 * - Hyperband/ASHA: `minResource` = MinResource (default 1), `maxResource` = MaxResource,
 *   `reductionFactor` = ReductionFactor (default 3).
 * - FIFO: `minResource` = `maxResource` = 1 and `reductionFactor` = 3 (unused). A FIFO trial is
 *   one training job trained to the end by its own static hyperparameters: the orchestrator
 *   passes `<resourceHyperParameter>=<milestone>` to a job only when `scheduler.kind` is not
 *   `FIFO`, so no flag is needed and `resourceHyperParameter` (default `epochs`) is inert.
 * - `maxTrainingJobs`: MaxNumberOfTrainingJobs; for FIFO with the Grid sampler (one job per
 *   trial), min(given, grid size), or the grid size when not given. `maxTrials`: the grid size
 *   with the Grid sampler (whatever the scheduler), else unset.
 * - `space`: Integer, then Continuous, then Categorical ranges, in input order; ScalingType
 *   defaults to `Auto`.
 * - `completion`: TargetObjectiveMetricValue, MaxNumberOfTrainingJobsNotImproving,
 *   ResourceLimits.MaxRuntimeInSeconds, CompleteOnConvergence (`Enabled` -> true).
 * - `failure`: `FailureConfig` (MaxInitialFailures 3, MaxFailedFraction 0.5, MinFinishedJobs
 *   10, MaxCapacityWaitInSeconds 3600 by default).
 *
 * @param input - a tuning input without validation errors
 */
export function toTuningSpec(input: TuningInput): TuningSpec {
  const config = input.HyperParameterTuningJobConfig;
  const strategy = config.Strategy;
  const hb = config.StrategyConfig?.HyperbandStrategyConfig;
  // ASHA's stopping variant trains every trial in one job (FIFO) and stops it at rungs.
  const stopping = strategy === 'ASHA' && hb?.Mode === 'Stopping';
  const kind = stopping ? 'FIFO' : SCHEDULER_KIND[strategy];
  const objective = objectiveOf(input);
  const ranges = rangesOf(input);
  const sampler = config.Sampler ?? DEFAULT_SAMPLER[strategy];
  const grid = sampler === 'Grid' ? gridSize((ranges.CategoricalParameterRanges ?? []).map((r) => r.Values)) : undefined;
  const given = config.ResourceLimits.MaxNumberOfTrainingJobs;
  const maxTrainingJobs = grid !== undefined && kind === 'FIFO' ? Math.min(given ?? grid, grid) : given;
  if (maxTrainingJobs === undefined) throw new Error('toTuningSpec needs a validated input: MaxNumberOfTrainingJobs is missing');
  const multiFidelity = kind !== 'FIFO';
  if (multiFidelity && hb?.MaxResource === undefined) throw new Error('toTuningSpec needs a validated input: MaxResource is missing');
  const scheduler: SchedulerSettings = {
    kind,
    mode: kind === 'Hyperband' && hb?.Mode !== 'Stopping' ? (hb?.Mode ?? DEFAULT_HYPERBAND_MODE) : 'Asynchronous',
    minResource: multiFidelity ? (hb?.MinResource ?? DEFAULT_MIN_RESOURCE) : 1,
    maxResource: multiFidelity ? (hb?.MaxResource ?? 1) : 1,
    reductionFactor: hb?.ReductionFactor ?? DEFAULT_REDUCTION_FACTOR,
    maxTrainingJobs,
    ...(grid !== undefined && { maxTrials: grid }),
    objectiveType: objective.Type,
  };
  return {
    runName: input.HyperParameterTuningJobName,
    objective: { type: objective.Type, metricName: objective.MetricName },
    space: { parameters: spaceOf(ranges) },
    sampler,
    scheduler,
    resourceHyperParameter: hb?.ResourceHyperParameter ?? DEFAULT_RESOURCE_HYPERPARAMETER,
    maxParallelTrainingJobs: config.ResourceLimits.MaxParallelTrainingJobs,
    ...(config.RandomSeed !== undefined && { seed: config.RandomSeed }),
    staticHyperParameters: { ...(input.TrainingJobDefinition.StaticHyperParameters ?? {}) },
    completion: completionOf(input),
    failure: failureOf(input),
    ...(stopping ? ashaStoppingOf(input, objective.MetricName) : earlyStoppingOf(input, kind, objective.MetricName)),
    ...(input.WarmStartConfig !== undefined && {
      warmStartParents: input.WarmStartConfig.ParentHyperParameterTuningJobs.map((p) => p.HyperParameterTuningJobName),
    }),
  };
}
