/**
 * Cross-field rules about the search space: where it is given, hyperparameter names,
 * counts, range bounds and scaling, categorical values and grids.
 */

import { DEFAULT_RESOURCE_HYPERPARAMETER } from './defaults';
import { MAX_HYPERPARAMETERS, MAX_TUNABLE_HYPERPARAMETERS } from './input-model';
import { childPath, error, type Problem } from './problem';
import { gridSize, parseDecimal, parseInteger } from './range-values';
import { list, text, type InputView, type RangeView } from './view';

const CONFIG_RANGES = 'HyperParameterTuningJobConfig.ParameterRanges';
const DEFINITION_RANGES = 'TrainingJobDefinition.HyperParameterRanges';

function whereGiven(view: InputView): Problem[] {
  const inConfig = view.config?.value.ParameterRanges !== undefined;
  const inDefinition = view.definition?.value.HyperParameterRanges !== undefined;
  if (inConfig && inDefinition) {
    return [error('$.TrainingJobDefinition.HyperParameterRanges', `either ${CONFIG_RANGES} or ${DEFINITION_RANGES}, not both`)];
  }
  if (view.config !== undefined && view.ranges !== undefined && view.parameters.length === 0) {
    return [error(view.ranges.path, 'no tunable hyperparameters: give at least one IntegerParameterRanges, ContinuousParameterRanges or CategoricalParameterRanges entry')];
  }
  if (view.config !== undefined && !inConfig && !inDefinition) {
    return [error(`$.${CONFIG_RANGES}`, `missing required field ParameterRanges in HyperParameterTuningJobConfig (or give ${DEFINITION_RANGES})`)];
  }
  return [];
}

function names(view: InputView): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, string>();
  const statics = view.statics?.value ?? {};
  for (const p of view.parameters) {
    if (p.name === undefined) continue;
    const namePath = childPath(p.path, 'Name');
    const first = seen.get(p.name);
    if (first !== undefined) {
      out.push(error(namePath, `duplicate hyperparameter name ${JSON.stringify(p.name)}: also at ${first}; names must be unique across all ranges`, p.name));
    } else {
      seen.set(p.name, namePath);
    }
    if (Object.prototype.hasOwnProperty.call(statics, p.name)) {
      out.push(
        error(namePath, `hyperparameter ${JSON.stringify(p.name)} is both tunable and static (StaticHyperParameters.${p.name}); remove one of them`, p.name),
      );
    }
  }
  const tunable = view.parameters.length;
  if (tunable > MAX_TUNABLE_HYPERPARAMETERS && view.ranges !== undefined) {
    out.push(
      error(view.ranges.path, `too many tunable hyperparameters: got ${tunable}, allowed at most ${MAX_TUNABLE_HYPERPARAMETERS} (all ranges together)`, tunable),
    );
  }
  const staticCount = Object.keys(statics).length;
  // Hyperband and ASHA add the resource hyperparameter to every job (the rules of the strategy
  // refuse it as a static or tunable one, so it is counted once).
  const resource = view.strategy === 'Hyperband' || view.strategy === 'ASHA' ? (text(view.hyperband?.value.ResourceHyperParameter) ?? DEFAULT_RESOURCE_HYPERPARAMETER) : undefined;
  const total = staticCount + tunable + (resource === undefined ? 0 : 1);
  if (total > MAX_HYPERPARAMETERS && view.statics !== undefined) {
    const resourcePart = resource === undefined ? '' : ` + 1 resource (${resource}, set for each job by the tuner)`;
    out.push(
      error(
        view.statics.path,
        `too many hyperparameters: ${staticCount} static + ${tunable} tunable${resourcePart} = ${total}, SageMaker allows at most ${MAX_HYPERPARAMETERS} per training job`,
        total,
      ),
    );
  }
  return out;
}

function label(p: RangeView): string {
  return `hyperparameter ${JSON.stringify(p.name ?? '?')}`;
}

function bound(p: RangeView, key: 'MinValue' | 'MaxValue', out: Problem[]): number | undefined {
  const raw = text(p.range[key]);
  if (raw === undefined) return undefined;
  const value = p.kind === 'integer' ? parseInteger(raw) : parseDecimal(raw);
  if (value === undefined) {
    const expected = p.kind === 'integer' ? 'an integer written as a string, e.g. "16"' : 'a number written as a string, e.g. "0.001"';
    out.push(error(childPath(p.path, key), `invalid ${key} ${JSON.stringify(raw)} for ${label(p)}: expected ${expected}`, raw));
  }
  return value;
}

function numericRange(p: RangeView): Problem[] {
  const out: Problem[] = [];
  const min = bound(p, 'MinValue', out);
  const max = bound(p, 'MaxValue', out);
  const scaling = text(p.range.ScalingType);
  const scalingPath = childPath(p.path, 'ScalingType');
  if (scaling === 'ReverseLogarithmic' && p.kind === 'integer') {
    out.push(error(scalingPath, `invalid ScalingType "ReverseLogarithmic" for integer ${label(p)}: allowed only for continuous ranges; use Auto, Linear or Logarithmic`, scaling));
  }
  if (min === undefined || max === undefined) return out;
  if (min >= max) {
    out.push(error(childPath(p.path, 'MinValue'), `invalid range for ${label(p)}: MinValue ${min} must be less than MaxValue ${max}`, min));
    return out;
  }
  if (scaling === 'Logarithmic' && min <= 0) {
    out.push(error(childPath(p.path, 'MinValue'), `invalid MinValue ${min} for ${label(p)}: ScalingType Logarithmic needs MinValue > 0`, min));
  }
  if (scaling === 'ReverseLogarithmic' && p.kind === 'continuous' && (min < 0 || max >= 1)) {
    out.push(
      error(
        scalingPath,
        `invalid range for ${label(p)}: ScalingType ReverseLogarithmic needs 0 <= MinValue < MaxValue < 1, got MinValue ${min} and MaxValue ${max}`,
        scaling,
      ),
    );
  }
  return out;
}

function categoricalValues(p: RangeView): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  list(p.range.Values).forEach((v, index) => {
    if (typeof v !== 'string') return;
    if (seen.has(v)) {
      out.push(error(childPath(childPath(p.path, 'Values'), index), `duplicate value ${JSON.stringify(v)} in Values of ${label(p)}; values must be distinct`, v));
    }
    seen.add(v);
  });
  return out;
}

/**
 * The number of grid combinations of the view's search space (categorical ranges only).
 *
 * @param view - the lenient input view
 */
export function viewGridSize(view: InputView): number {
  return gridSize(view.parameters.filter((p) => p.kind === 'categorical').map((p) => list(p.range.Values).filter((v): v is string => typeof v === 'string')));
}

/**
 * Problems of the search space.
 *
 * @param view - the lenient input view
 */
export function rangeRules(view: InputView): Problem[] {
  return [
    ...whereGiven(view),
    ...names(view),
    ...view.parameters.flatMap((p) => (p.kind === 'categorical' ? categoricalValues(p) : numericRange(p))),
  ];
}
