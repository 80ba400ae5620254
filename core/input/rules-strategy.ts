/**
 * Cross-field rules about the strategy: budget limits, Grid, the sampler, Hyperband/ASHA
 * settings and early stopping.
 */

import { DEFAULT_RESOURCE_HYPERPARAMETER } from './defaults';
import { MAX_TRAINING_JOBS } from './input-model';
import { childPath, error, warning, type Problem } from './problem';
import { viewGridSize } from './rules-ranges';
import { isFifoStrategy, isMultiFidelityStrategy, numeric, sub, text, type InputView } from './view';

const HB_PATH = '$.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig';

function limits(view: InputView): Problem[] {
  const out: Problem[] = [];
  const { limits: at, strategy } = view;
  if (at === undefined || strategy === undefined) return out;
  const maxJobs = numeric(at.value.MaxNumberOfTrainingJobs);
  const maxParallel = numeric(at.value.MaxParallelTrainingJobs);
  const jobsPath = childPath(at.path, 'MaxNumberOfTrainingJobs');
  if (at.value.MaxNumberOfTrainingJobs === undefined && strategy !== 'Grid') {
    out.push(error(jobsPath, `missing required field MaxNumberOfTrainingJobs in ResourceLimits: strategy ${strategy} needs it (only Grid derives it from the grid size)`));
  }
  if (maxJobs !== undefined && maxParallel !== undefined && maxParallel > maxJobs) {
    out.push(
      error(childPath(at.path, 'MaxParallelTrainingJobs'), `invalid MaxParallelTrainingJobs: got ${maxParallel}, allowed at most MaxNumberOfTrainingJobs (${maxJobs})`, maxParallel),
    );
  }
  return out;
}

function samplerOf(view: InputView): string | undefined {
  return text(view.config?.value.Sampler);
}

function grid(view: InputView): Problem[] {
  const out: Problem[] = [];
  const sampler = samplerOf(view);
  const usesGrid = view.strategy === 'Grid' || sampler === 'Grid';
  if (view.strategy === 'Grid' && sampler !== undefined && sampler !== 'Grid' && view.config !== undefined) {
    out.push(error(childPath(view.config.path, 'Sampler'), `invalid Sampler ${JSON.stringify(sampler)} for strategy Grid: allowed Grid`, sampler));
  }
  if (!usesGrid || view.ranges === undefined) return out;
  const who = view.strategy === 'Grid' ? 'strategy Grid' : 'Sampler Grid';
  for (const key of ['IntegerParameterRanges', 'ContinuousParameterRanges'] as const) {
    const count = view.parameters.filter((p) => p.listKey === key).length;
    if (count > 0) {
      out.push(error(childPath(view.ranges.path, key), `${who} needs categorical ranges only: got ${count} in ${key}; use CategoricalParameterRanges`, count));
    }
  }
  if (view.strategy !== 'Grid' || view.limits === undefined || out.length > 0 || view.parameters.length === 0) return out;
  const size = viewGridSize(view);
  const jobsPath = childPath(view.limits.path, 'MaxNumberOfTrainingJobs');
  const maxJobs = numeric(view.limits.value.MaxNumberOfTrainingJobs);
  if (maxJobs === undefined && view.limits.value.MaxNumberOfTrainingJobs === undefined && size > MAX_TRAINING_JOBS) {
    out.push(
      error(jobsPath, `the grid has ${size} combinations, more than the ${MAX_TRAINING_JOBS} training jobs allowed: set MaxNumberOfTrainingJobs or use fewer values`, size),
    );
  } else if (maxJobs !== undefined && maxJobs > size) {
    out.push(warning(jobsPath, `capped MaxNumberOfTrainingJobs: got ${maxJobs}, but the grid has ${size} combinations; the run trains ${size} jobs`, maxJobs));
  } else if (maxJobs !== undefined && maxJobs < size) {
    out.push(warning(jobsPath, `partial grid: MaxNumberOfTrainingJobs is ${maxJobs}, so only ${maxJobs} of the ${size} grid combinations are trained`, maxJobs));
  }
  return out;
}

function resourceHyperParameter(view: InputView, hb: Readonly<Record<string, unknown>>): Problem[] {
  const given = text(hb.ResourceHyperParameter);
  if (hb.ResourceHyperParameter !== undefined && given === undefined) return [];
  const name = given ?? DEFAULT_RESOURCE_HYPERPARAMETER;
  const givenPath = `${HB_PATH}.ResourceHyperParameter`;
  const what = given === undefined ? `ResourceHyperParameter (default ${JSON.stringify(name)})` : `ResourceHyperParameter ${JSON.stringify(name)}`;
  const out: Problem[] = [];
  const tunable = view.parameters.find((p) => p.name === name);
  if (tunable !== undefined) {
    out.push(
      error(
        given === undefined ? childPath(tunable.path, 'Name') : givenPath,
        `invalid ${what}: it is also a tunable hyperparameter (${tunable.listKey}), but the tuner sets it for each job; remove the range or name another ResourceHyperParameter`,
        name,
      ),
    );
  }
  const statics = view.statics;
  if (statics !== undefined && Object.prototype.hasOwnProperty.call(statics.value, name)) {
    const staticValue = statics.value[name];
    const fix =
      hb.MaxResource === undefined && typeof staticValue === 'string'
        ? `remove it from StaticHyperParameters and set HyperbandStrategyConfig.MaxResource to ${staticValue}`
        : 'remove it from StaticHyperParameters';
    out.push(
      error(
        given === undefined ? childPath(statics.path, name) : givenPath,
        `invalid ${what}: it is also a static hyperparameter (StaticHyperParameters.${name} = ${JSON.stringify(staticValue)}), but the tuner sets it for each job; ${fix}`,
        name,
      ),
    );
  }
  return out;
}

function hyperband(view: InputView): Problem[] {
  const { strategy } = view;
  const out: Problem[] = [];
  const hb = view.hyperband;
  const strategyConfig = sub(view.config, 'StrategyConfig');
  if (isFifoStrategy(strategy) && strategyConfig?.value.HyperbandStrategyConfig !== undefined) {
    out.push(error(HB_PATH, `unexpected HyperbandStrategyConfig for strategy ${String(strategy)}: allowed only with strategy Hyperband or ASHA`));
    return out;
  }
  if (!isMultiFidelityStrategy(strategy)) return out;
  if (strategyConfig?.value.HyperbandStrategyConfig === undefined) {
    if (view.config !== undefined && (view.config.value.StrategyConfig === undefined || strategyConfig !== undefined)) {
      out.push(error(HB_PATH, `missing required field HyperbandStrategyConfig in StrategyConfig: strategy ${String(strategy)} needs at least MaxResource`));
    }
    return out;
  }
  if (hb === undefined) return out;
  if (hb.value.MaxResource === undefined) {
    out.push(error(`${HB_PATH}.MaxResource`, `missing required field MaxResource in HyperbandStrategyConfig: strategy ${String(strategy)} needs it`));
  }
  const min = numeric(hb.value.MinResource);
  const max = numeric(hb.value.MaxResource);
  if (min !== undefined && max !== undefined && min > max) {
    out.push(error(`${HB_PATH}.MinResource`, `invalid MinResource: got ${min}, allowed at most MaxResource (${max})`, min));
  }
  if (strategy === 'ASHA' && hb.value.Mode === 'Synchronous') {
    out.push(
      error(`${HB_PATH}.Mode`, 'invalid Mode "Synchronous" for strategy ASHA: ASHA is asynchronous by definition; allowed Asynchronous (or use strategy Hyperband)', 'Synchronous'),
    );
  }
  if (hb.value.Mode === 'Stopping' && strategy !== 'ASHA') {
    out.push(error(`${HB_PATH}.Mode`, `invalid Mode "Stopping" for strategy ${String(strategy)}: the stopping variant is ASHA's; allowed Asynchronous or Synchronous (or use strategy ASHA)`, 'Stopping'));
  }
  if (hb.value.Mode === 'Stopping' && strategy === 'ASHA' && objectiveRegex(view) === undefined) {
    out.push(
      error(
        `${HB_PATH}.Mode`,
        'invalid Mode "Stopping" without a MetricDefinitions regex for the objective: the stopping variant reads the objective after every epoch from the job\'s log; add the objective to AlgorithmSpecification.MetricDefinitions, or use Mode Asynchronous',
        'Stopping',
      ),
    );
  }
  out.push(...resourceHyperParameter(view, hb.value));
  return out;
}

function earlyStopping(view: InputView): Problem[] {
  const config = view.config;
  if (config === undefined || config.value.TrainingJobEarlyStoppingType !== 'Auto') return [];
  const path = childPath(config.path, 'TrainingJobEarlyStoppingType');
  if (isMultiFidelityStrategy(view.strategy)) {
    return [
      error(path, `invalid TrainingJobEarlyStoppingType "Auto" for strategy ${String(view.strategy)}: allowed Off (${String(view.strategy)} stops poor trials itself)`, 'Auto'),
    ];
  }
  if (isFifoStrategy(view.strategy) && objectiveRegex(view) === undefined) {
    return [
      warning(
        path,
        'ignored TrainingJobEarlyStoppingType "Auto": early stopping reads the objective after each epoch with its MetricDefinitions regex, and this definition has none for the objective (a built-in algorithm); jobs train to the end',
        'Auto',
      ),
    ];
  }
  return [];
}

/** The objective metric's regex in `AlgorithmSpecification.MetricDefinitions`, when there is one. */
function objectiveRegex(view: InputView): string | undefined {
  const name = view.objective?.value.MetricName;
  const algorithm = view.definition?.value.AlgorithmSpecification as { MetricDefinitions?: unknown } | undefined;
  const definitions = Array.isArray(algorithm?.MetricDefinitions) ? (algorithm.MetricDefinitions as unknown[]) : [];
  for (const d of definitions) {
    const def = d as { Name?: unknown; Regex?: unknown };
    if (def.Name === name && typeof def.Regex === 'string') return def.Regex;
  }
  return undefined;
}

/**
 * Problems of the strategy and its settings.
 *
 * @param view - the lenient input view
 */
export function strategyRules(view: InputView): Problem[] {
  return [...limits(view), ...grid(view), ...hyperband(view), ...earlyStopping(view)];
}
