/**
 * docs/input-reference.md, derived from the field description.
 */

import type { ObjectNode, SchemaNode } from './dsl';
import { TUNING_INPUT } from './input-model';
import { describeNode } from './json-schema';
import { anchored, rangeText } from './structural';

/** Rules across fields, which the field tables cannot show (checked by `hpo validate`). */
const CROSS_FIELD_RULES: readonly string[] = [
  'The objective goes in `HyperParameterTuningJobConfig.HyperParameterTuningJobObjective` or `TrainingJobDefinition.TuningObjective`, and the search space in `HyperParameterTuningJobConfig.ParameterRanges` or `TrainingJobDefinition.HyperParameterRanges`: one place each, not both.',
  'At least one and at most 30 tunable hyperparameters (all ranges together); static plus tunable at most 100; names unique across ranges and not also static.',
  'Range bounds are numbers written as strings (integers for `IntegerParameterRanges`) with MinValue < MaxValue. `Logarithmic` needs MinValue > 0; `ReverseLogarithmic` is for continuous ranges only and needs 0 <= MinValue < MaxValue < 1. Categorical values are distinct.',
  '`MaxNumberOfTrainingJobs` is required except for Grid, at most 10,000 for every strategy (an extension beyond AMT, which allows 750 except for Random); `MaxParallelTrainingJobs` <= `MaxNumberOfTrainingJobs` and <= 100.',
  'Grid (strategy or sampler) needs categorical ranges only. Strategy Grid needs Sampler Grid; it trains min(MaxNumberOfTrainingJobs, grid size) jobs (a warning says when the cap or the grid is the smaller), and without MaxNumberOfTrainingJobs the grid may have at most 10,000 combinations.',
  'Hyperband and ASHA need `StrategyConfig.HyperbandStrategyConfig` with `MaxResource`, MinResource <= MaxResource, and `TrainingJobEarlyStoppingType` `Off`. The `ResourceHyperParameter` must not be a tunable or static hyperparameter. `HyperbandStrategyConfig` is only allowed with Hyperband and ASHA; ASHA does not take Mode `Synchronous`.',
  '`TrainingJobEarlyStoppingType` `Auto` with Random, Grid or Bayesian stops poor jobs by the median stopping rule; it needs the objective\'s `MetricDefinitions` regex, so with `AlgorithmName` it is ignored (a warning).',
  'With `TrainingImage`, the objective metric must be one of `MetricDefinitions`, whose names are unique. Either `TrainingImage` or `AlgorithmName`.',
  'With `LocalConfig`, `TrainingJobDefinition.ResourceConfig`, `StoppingCondition` and `AlgorithmSpecification.TrainingImage` (unless `AlgorithmName` is given) may be left out: `hpo local` uses the local defaults listed with each field, and `hpo validate` lists the fields a deployed run (`hpo start`) still needs. A deployed run refuses an input that leaves them out.',
  '`ResourceConfig` has `InstanceType` and `InstanceCount`, or `InstanceGroups`. Warm pools (`KeepAlivePeriodInSeconds` > 0) and `EnableManagedSpotTraining` exclude each other; spot needs `MaxWaitTimeInSeconds` >= `MaxRuntimeInSeconds` (default 86400).',
  'Channel names are unique; each `DataSource` has exactly one source.',
];

/** What this tuner does differently from AMT beyond the extension fields. */
const BEHAVIOUR_DIFFERENCES: readonly string[] = [
  '`MaxNumberOfTrainingJobs` counts SageMaker training jobs and is exact: a Hyperband/ASHA trial runs one job per rung, and the run never starts one job more.',
  'Hyperband and ASHA pause and resume trials: a promoted trial continues from its checkpoint in a new training job, instead of being stopped or retrained.',
  '`TrainingJobDefinition` and its `ResourceConfig` are required (AMT also accepts `TrainingJobDefinitions` and `HyperParameterTuningResourceConfig`, which are not supported).',
  '`MaxResource` is required; AMT infers it from an `epochs` static hyperparameter, but here the resource hyperparameter is set per job and must not be static. AMT\'s 20,000 cap on MaxResource does not apply.',
  '`WarmStartConfig` seeds the sampler with the parent runs\' results (this tuner\'s own runs); TPE uses them, Random, Sobol and Grid ignore history. `TransferLearning` is treated like `IdenticalDataAndAlgorithm`.',
];

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(node: SchemaNode): string {
  switch (node.kind) {
    case 'enum':
      return node.valuesDoc ?? node.values.map((v) => `\`${v}\``).join(', ');
    case 'array':
      return node.items.kind === 'object' ? 'array of objects' : `array of ${typeOf(node.items)}`;
    case 'map':
      return `map of string to ${typeOf(node.values)}`;
    case 'unsupported':
      return 'not supported';
    default:
      return node.kind;
  }
}

function constraintsOf(node: SchemaNode): string {
  const parts: string[] = [];
  switch (node.kind) {
    case 'string':
      if (node.minLength !== undefined || node.maxLength !== undefined) parts.push(`${rangeText(node.minLength, node.maxLength)} characters`);
      if (node.pattern !== undefined) parts.push(node.patternDoc?.replace(/</g, '&lt;').replace(/>/g, '&gt;') ?? `pattern \`${anchored(node.pattern)}\``);
      break;
    case 'integer':
    case 'number':
      if (node.minimum !== undefined || node.maximum !== undefined) parts.push(rangeText(node.minimum, node.maximum));
      break;
    case 'array':
      if (node.minItems !== undefined || node.maxItems !== undefined) parts.push(`${rangeText(node.minItems, node.maxItems)} items`);
      break;
    case 'map':
      if (node.maxEntries !== undefined) parts.push(`at most ${node.maxEntries} entries`);
      break;
    case 'unsupported':
      parts.push(node.reason);
      break;
    default:
      break;
  }
  return parts.join('; ');
}

function defaultOf(node: SchemaNode): string {
  const local = node.localDefault === undefined ? '' : `with LocalConfig: \`${JSON.stringify(node.localDefault)}\``;
  const general = node.defaultDoc ?? (node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\``);
  return [general, local].filter((s) => s !== '').join('; ');
}

interface Section {
  readonly path: string;
  readonly node: ObjectNode;
}

function sections(path: string, node: SchemaNode, out: Section[]): void {
  if (node.kind === 'object') {
    out.push({ path, node });
    for (const [name, field] of Object.entries(node.fields)) sections(path === '' ? name : `${path}.${name}`, field, out);
  } else if (node.kind === 'array') {
    sections(`${path}[]`, node.items, out);
  } else if (node.kind === 'map') {
    sections(`${path}.<key>`, node.values, out);
  }
}

function anchor(path: string): string {
  // GitHub's heading anchors: lowercase, punctuation dropped, spaces to hyphens.
  return path.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-');
}

function table(section: Section): string[] {
  const lines = ['| Field | Type | Required | Constraints | Default | Description |', '| --- | --- | --- | --- | --- | --- |'];
  for (const [name, field] of Object.entries(section.node.fields)) {
    const child = section.path === '' ? name : `${section.path}.${name}`;
    const nested = field.kind === 'object' ? child : field.kind === 'array' && field.items.kind === 'object' ? `${child}[]` : undefined;
    const type = nested === undefined ? typeOf(field) : `[${typeOf(field)}](#${anchor(nested)})`;
    const required = section.node.required.includes(name) ? (field.localDefault === undefined ? 'yes' : 'yes, except with LocalConfig') : '';
    const description = field.kind === 'unsupported' ? field.doc : field.doc + (field.extension === undefined ? '' : ` **Extension:** ${field.extension}`);
    const row = [`\`${name}\``, type, required, constraintsOf(field), defaultOf(field), description];
    lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  }
  return lines;
}

function extensions(path: string, node: SchemaNode, out: string[]): void {
  if (node.extension !== undefined) out.push(`- \`${path}\`: ${node.extension}`);
  if (node.kind === 'unsupported') out.push(`- \`${path}\`: ${node.reason}.`);
  if (node.kind === 'object') for (const [name, field] of Object.entries(node.fields)) extensions(path === '' ? name : `${path}.${name}`, field, out);
  if (node.kind === 'array') extensions(`${path}[]`, node.items, out);
}

/**
 * The text of docs/input-reference.md: one table per object of the input, the rules across
 * fields, and the differences from AMT.
 */
export function renderReference(): string {
  const out: string[] = [
    '# Tuning input reference',
    '',
    '<!-- Generated from core/input/input-model.ts by `npx tsx schema/generate.ts`; do not edit. -->',
    '',
    describeNode(TUNING_INPUT),
    'Paste the body of an AMT `CreateHyperParameterTuningJob` request and it validates, apart from the differences listed at the end.',
    'Check a file with `npx hpo validate tuning.json`; editors can use [the JSON Schema](../schema/tuning-input.schema.json).',
    'Constraints come from SageMaker\'s API model (botocore `sagemaker/2017-07-24`); ranges are inclusive.',
    '',
  ];
  const all: Section[] = [];
  sections('', TUNING_INPUT, all);
  for (const section of all) {
    out.push(`## ${section.path === '' ? 'Top level' : `\`${section.path}\``}`, '');
    if (section.path !== '') out.push(escapeCell(section.node.doc), '');
    out.push(...table(section), '');
  }
  out.push('## Rules across fields', '', ...CROSS_FIELD_RULES.map((rule) => `- ${rule}`), '');
  const extended: string[] = [];
  extensions('', TUNING_INPUT, extended);
  out.push('## Differences from AMT', '', 'Fields we add or reject:', '', ...extended, '', 'Behaviour:', '', ...BEHAVIOUR_DIFFERENCES.map((d) => `- ${d}`), '');
  return out.join('\n');
}
