/**
 * A lenient view of a raw (possibly invalid) tuning input, for the cross-field rules.
 *
 * Every accessor returns `undefined` (or an empty list) where the raw value has the wrong
 * shape: the structural validator already reports that, so rules simply skip it and every
 * problem is reported once.
 */

import { childPath } from './problem';

/** A JSON object. */
export type Rec = Readonly<Record<string, unknown>>;

/**
 * The value as an object, or undefined.
 *
 * @param value - any JSON value
 */
export function rec(value: unknown): Rec | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Rec) : undefined;
}

/**
 * The value as a string, or undefined.
 *
 * @param value - any JSON value
 */
export function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * The value as a finite number, or undefined.
 *
 * @param value - any JSON value
 */
export function numeric(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The value as an array, or an empty array.
 *
 * @param value - any JSON value
 */
export function list(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A value together with its JSON path. */
export interface At<T> {
  readonly path: string;
  readonly value: T;
}

/** The three kinds of range, in the order the search space lists them. */
export const RANGE_KINDS = [
  { key: 'IntegerParameterRanges', kind: 'integer' },
  { key: 'ContinuousParameterRanges', kind: 'continuous' },
  { key: 'CategoricalParameterRanges', kind: 'categorical' },
] as const;

/** One tunable hyperparameter as written in the input. */
export interface RangeView {
  readonly kind: 'integer' | 'continuous' | 'categorical';
  /** `IntegerParameterRanges`, ... */
  readonly listKey: (typeof RANGE_KINDS)[number]['key'];
  readonly path: string;
  readonly range: Rec;
  readonly name: string | undefined;
}

/** The parts of the input the rules look at. */
export interface InputView {
  readonly root: Rec;
  readonly config: At<Rec> | undefined;
  readonly definition: At<Rec> | undefined;
  readonly strategy: string | undefined;
  /** The objective, from the config or the definition (config first). */
  readonly objective: At<Rec> | undefined;
  /** The search space, from the config or the definition (config first). */
  readonly ranges: At<Rec> | undefined;
  readonly parameters: readonly RangeView[];
  readonly statics: At<Rec> | undefined;
  readonly limits: At<Rec> | undefined;
  readonly hyperband: At<Rec> | undefined;
}

function field(parent: At<Rec> | undefined, key: string): At<Rec> | undefined {
  if (parent === undefined) return undefined;
  const value = rec(parent.value[key]);
  return value === undefined ? undefined : { path: childPath(parent.path, key), value };
}

/**
 * The ranges of a search space in input order (Integer, Continuous, Categorical).
 *
 * @param ranges - the `ParameterRanges` object and its path
 */
export function rangesOf(ranges: At<Rec> | undefined): RangeView[] {
  if (ranges === undefined) return [];
  const out: RangeView[] = [];
  for (const { key, kind } of RANGE_KINDS) {
    list(ranges.value[key]).forEach((item, index) => {
      const range = rec(item);
      if (range !== undefined) {
        out.push({ kind, listKey: key, path: childPath(childPath(ranges.path, key), index), range, name: text(range.Name) });
      }
    });
  }
  return out;
}

/**
 * The lenient view of a raw input.
 *
 * @param raw - the parsed JSON
 */
export function viewOf(raw: unknown): InputView | undefined {
  const root = rec(raw);
  if (root === undefined) return undefined;
  const top: At<Rec> = { path: '$', value: root };
  const config = field(top, 'HyperParameterTuningJobConfig');
  const definition = field(top, 'TrainingJobDefinition');
  const ranges = field(config, 'ParameterRanges') ?? field(definition, 'HyperParameterRanges');
  return {
    root,
    config,
    definition,
    strategy: text(config?.value.Strategy),
    objective: field(config, 'HyperParameterTuningJobObjective') ?? field(definition, 'TuningObjective'),
    ranges,
    parameters: rangesOf(ranges),
    statics: field(definition, 'StaticHyperParameters'),
    limits: field(config, 'ResourceLimits'),
    hyperband: field(field(config, 'StrategyConfig'), 'HyperbandStrategyConfig'),
  };
}

/**
 * A sub-object of `parent` with its path, if it is an object.
 *
 * @param parent - the parent object and its path
 * @param key - the field name
 */
export function sub(parent: At<Rec> | undefined, key: string): At<Rec> | undefined {
  return field(parent, key);
}

/**
 * Whether a strategy trains every trial to the end (Random, Grid, Bayesian).
 *
 * @param strategy - the strategy name
 */
export function isFifoStrategy(strategy: string | undefined): boolean {
  return strategy === 'Random' || strategy === 'Grid' || strategy === 'Bayesian';
}

/**
 * Whether a strategy promotes trials through rungs (Hyperband, ASHA).
 *
 * @param strategy - the strategy name
 */
export function isMultiFidelityStrategy(strategy: string | undefined): boolean {
  return strategy === 'Hyperband' || strategy === 'ASHA';
}
