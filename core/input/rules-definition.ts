/**
 * Cross-field rules about the objective and the training job definition: metrics, the
 * algorithm, compute, spot and warm pools, channels, and ignored AMT features.
 */

import { DEFAULT_MAX_RUNTIME_SECONDS } from './defaults';
import { TUNER_TAG_KEYS } from './input-model';
import { childPath, error, warning, type Problem } from './problem';
import { closestMatch } from './suggest';
import { list, numeric, rec, sub, text, type At, type InputView, type Rec } from './view';

const CONFIG_OBJECTIVE = 'HyperParameterTuningJobConfig.HyperParameterTuningJobObjective';
const DEFINITION_OBJECTIVE = 'TrainingJobDefinition.TuningObjective';

function objectiveGiven(view: InputView): Problem[] {
  const inConfig = view.config?.value.HyperParameterTuningJobObjective !== undefined;
  const inDefinition = view.definition?.value.TuningObjective !== undefined;
  if (inConfig && inDefinition) return [error(`$.${DEFINITION_OBJECTIVE}`, `either ${CONFIG_OBJECTIVE} or ${DEFINITION_OBJECTIVE}, not both`)];
  if (view.config !== undefined && !inConfig && !inDefinition) {
    return [error(`$.${CONFIG_OBJECTIVE}`, `missing required field HyperParameterTuningJobObjective in HyperParameterTuningJobConfig (or give ${DEFINITION_OBJECTIVE})`)];
  }
  return [];
}

/** A regex's number of capture groups, or undefined when it does not compile in JavaScript. */
function captureGroups(regex: string): number | undefined {
  try {
    const match = new RegExp(`${regex}|`).exec('');
    return match === null ? 0 : match.length - 1;
  } catch {
    return undefined;
  }
}

function metrics(view: InputView, algorithm: At<Rec>): Problem[] {
  const out: Problem[] = [];
  const definitionsPath = childPath(algorithm.path, 'MetricDefinitions');
  const seen = new Map<string, number>();
  list(algorithm.value.MetricDefinitions).forEach((item, index) => {
    const definition = rec(item);
    const name = text(definition?.Name);
    const regex = text(definition?.Regex);
    const itemPath = childPath(definitionsPath, index);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) {
        out.push(error(childPath(itemPath, 'Name'), `duplicate metric name ${JSON.stringify(name)} in MetricDefinitions: also at [${first}]; names must be unique`, name));
      } else {
        seen.set(name, index);
      }
    }
    if (regex !== undefined && regex.length > 0) {
      const groups = captureGroups(regex);
      if (groups === undefined) {
        out.push(
          warning(childPath(itemPath, 'Regex'), `metric ${JSON.stringify(name ?? '?')}: Regex does not compile as a JavaScript regular expression: the local twin cannot read this metric`, regex),
        );
      } else if (groups === 0) {
        out.push(
          warning(childPath(itemPath, 'Regex'), `metric ${JSON.stringify(name ?? '?')}: Regex has no capture group: the metric value is read from the first group, e.g. "loss: ([0-9.]+)"`, regex),
        );
      }
    }
  });
  const metricName = text(view.objective?.value.MetricName);
  if (view.objective !== undefined && metricName !== undefined && algorithm.value.TrainingImage !== undefined && !seen.has(metricName)) {
    const known = [...seen.keys()];
    const suggestion = closestMatch(metricName, known);
    const defined = known.length === 0 ? 'none are defined' : `defined: ${known.join(', ')}`;
    const hint = suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
    out.push(
      error(
        childPath(view.objective.path, 'MetricName'),
        `objective metric ${JSON.stringify(metricName)} is not one of AlgorithmSpecification.MetricDefinitions; ${defined}${hint}`,
        metricName,
      ),
    );
  }
  return out;
}

function algorithm(view: InputView): Problem[] {
  const at = sub(view.definition, 'AlgorithmSpecification');
  if (at === undefined) return [];
  const out: Problem[] = [];
  const hasImage = at.value.TrainingImage !== undefined;
  const hasName = at.value.AlgorithmName !== undefined;
  if (hasImage && hasName) out.push(error(childPath(at.path, 'AlgorithmName'), 'either TrainingImage or AlgorithmName in AlgorithmSpecification, not both'));
  if (!hasImage && !hasName) out.push(error(childPath(at.path, 'TrainingImage'), 'missing required field TrainingImage in AlgorithmSpecification (or give AlgorithmName)'));
  return [...out, ...metrics(view, at)];
}

function resources(view: InputView): Problem[] {
  const out: Problem[] = [];
  const definition = view.definition;
  const config = sub(definition, 'ResourceConfig');
  if (config !== undefined) {
    const groups = config.value.InstanceGroups !== undefined;
    for (const key of ['InstanceType', 'InstanceCount'] as const) {
      if (groups && config.value[key] !== undefined) out.push(error(childPath(config.path, key), `either ${key} or InstanceGroups in ResourceConfig, not both`));
      if (!groups && config.value[key] === undefined) out.push(error(childPath(config.path, key), `missing required field ${key} in ResourceConfig (or give InstanceGroups)`));
    }
  }
  const spot = definition?.value.EnableManagedSpotTraining === true;
  const keepAlive = numeric(config?.value.KeepAlivePeriodInSeconds);
  if (spot && config !== undefined && keepAlive !== undefined && keepAlive > 0) {
    out.push(
      error(
        childPath(config.path, 'KeepAlivePeriodInSeconds'),
        `either warm pools (KeepAlivePeriodInSeconds ${keepAlive}) or EnableManagedSpotTraining, not both: warm pools do not work with spot instances`,
        keepAlive,
      ),
    );
  }
  const stopping = sub(definition, 'StoppingCondition');
  if (stopping === undefined) return out;
  const waitPath = childPath(stopping.path, 'MaxWaitTimeInSeconds');
  const maxWait = numeric(stopping.value.MaxWaitTimeInSeconds);
  const runtimeGiven = numeric(stopping.value.MaxRuntimeInSeconds);
  const maxRuntime = runtimeGiven ?? DEFAULT_MAX_RUNTIME_SECONDS;
  if (spot && stopping.value.MaxWaitTimeInSeconds === undefined) {
    out.push(error(waitPath, 'missing required field MaxWaitTimeInSeconds in StoppingCondition: EnableManagedSpotTraining needs it'));
  } else if (spot && maxWait !== undefined && maxWait < maxRuntime) {
    const runtime = runtimeGiven === undefined ? `default ${DEFAULT_MAX_RUNTIME_SECONDS}` : String(runtimeGiven);
    out.push(error(waitPath, `invalid MaxWaitTimeInSeconds: got ${maxWait}, allowed at least MaxRuntimeInSeconds (${runtime})`, maxWait));
  } else if (!spot && stopping.value.MaxWaitTimeInSeconds !== undefined) {
    out.push(warning(waitPath, 'ignored MaxWaitTimeInSeconds: it applies only with EnableManagedSpotTraining', stopping.value.MaxWaitTimeInSeconds));
  }
  return out;
}

const SOURCES = ['S3DataSource', 'FileSystemDataSource', 'DatasetSource'] as const;

function channels(view: InputView): Problem[] {
  const out: Problem[] = [];
  const channelsPath = '$.TrainingJobDefinition.InputDataConfig';
  const seen = new Map<string, number>();
  list(view.definition?.value.InputDataConfig).forEach((item, index) => {
    const channel = rec(item);
    const path = childPath(channelsPath, index);
    const name = text(channel?.ChannelName);
    if (name !== undefined) {
      const first = seen.get(name);
      if (first !== undefined) out.push(error(childPath(path, 'ChannelName'), `duplicate ChannelName ${JSON.stringify(name)} in InputDataConfig: also at [${first}]`, name));
      else seen.set(name, index);
    }
    const source = rec(channel?.DataSource);
    if (source === undefined) return;
    const given = SOURCES.filter((key) => source[key] !== undefined);
    const sourcePath = childPath(path, 'DataSource');
    if (given.length === 0) out.push(error(sourcePath, `missing data source in DataSource: give exactly one of ${SOURCES.join(', ')}`));
    if (given.length > 1) out.push(error(sourcePath, `either ${SOURCES.join(', ')} in DataSource, only one: got ${given.join(', ')}`));
  });
  return out;
}

function warmStart(view: InputView): Problem[] {
  const warmStart = view.root.WarmStartConfig as { WarmStartType?: unknown } | undefined;
  if (warmStart === undefined) return [];
  const out: Problem[] = [];
  if (warmStart.WarmStartType === 'TransferLearning') {
    out.push(
      warning(
        '$.WarmStartConfig.WarmStartType',
        'TransferLearning is treated like IdenticalDataAndAlgorithm: the parents\' results seed the sampler as they are',
      ),
    );
  }
  return out;
}

/**
 * Problems of the objective and the training job definition.
 *
 * @param view - the lenient input view
 */
/** Tags: the tuner's own keys and AWS's `aws:` prefix are reserved; keys are unique. */
function tags(view: InputView): Problem[] {
  const out: Problem[] = [];
  const seen = new Map<string, number>();
  list(view.root.Tags).forEach((item, index) => {
    const key = text(rec(item)?.Key);
    if (key === undefined) return;
    const path = `$.Tags[${index}].Key`;
    if ((TUNER_TAG_KEYS as readonly string[]).includes(key)) {
      out.push(error(path, `reserved tag key ${JSON.stringify(key)}: the tuner sets ${TUNER_TAG_KEYS.join(' and ')} on every training job itself; use another key`, key));
    } else if (key.toLowerCase().startsWith('aws:')) {
      out.push(error(path, `reserved tag key ${JSON.stringify(key)}: keys starting with "aws:" are reserved by AWS; use another key`, key));
    }
    const first = seen.get(key);
    if (first !== undefined) out.push(error(path, `duplicate tag key ${JSON.stringify(key)}: also $.Tags[${first}]; tag keys must be unique`, key));
    else seen.set(key, index);
  });
  return out;
}

export function definitionRules(view: InputView): Problem[] {
  return [...objectiveGiven(view), ...algorithm(view), ...resources(view), ...channels(view), ...warmStart(view), ...tags(view)];
}
