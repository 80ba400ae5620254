/**
 * AMT's Grid strategy: the Cartesian product of categorical values.
 *
 * AMT's Grid needs categorical ranges only, and so do we. Order (deterministic, and the same
 * as Python's `itertools.product`): lexicographic in the order the space lists parameters and
 * each parameter lists its values, the last parameter varying fastest. Grid point k is k
 * written in the mixed radix (k_1, ..., k_d) with k_j < |values_j|.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-how-it-works.html
 */
import type { CategoricalParameter, Configuration, SearchSpaceSpec } from '../ports';
import { SearchSpaceError } from './errors';
import { quote, spaceIssues } from './validate';

/** The most points {@link gridPoints} lists at once; use {@link gridPoint} for larger grids. */
export const GRID_POINTS_LIMIT = 1_000_000;

function categoricalParameters(space: SearchSpaceSpec): readonly CategoricalParameter[] {
  const issues = spaceIssues(space);
  for (const p of space.parameters) {
    if (p.kind !== 'categorical') {
      issues.push(`parameter ${quote(p.name)}: grid search needs categorical parameters only; got ${p.kind === 'integer' ? 'an integer' : 'a continuous'} parameter`);
    }
  }
  if (issues.length > 0) throw new SearchSpaceError(issues);
  return space.parameters as readonly CategoricalParameter[];
}

/**
 * The number of grid points: the product of the categorical value counts (1 for an empty
 * space, whose only point is `{}`). Exact up to 2^53 (beyond that a rounded count, but
 * {@link gridPoint} still decodes every safe index k exactly).
 *
 * @throws SearchSpaceError when the space is invalid or has a non-categorical parameter.
 */
export function gridSize(space: SearchSpaceSpec): number {
  return categoricalParameters(space).reduce((n, p) => n * p.values.length, 1);
}

/** Grid point k of a validated categorical parameter list (k already checked). */
function pointAt(params: readonly CategoricalParameter[], k: number): Configuration {
  const digits: number[] = new Array<number>(params.length).fill(0);
  let rest = k;
  for (let j = params.length - 1; j >= 0; j -= 1) {
    const radix = (params[j] as CategoricalParameter).values.length;
    digits[j] = rest % radix;
    rest = Math.floor(rest / radix);
  }
  const config: Record<string, string> = {};
  params.forEach((p, j) => {
    config[p.name] = p.values[digits[j] as number] as string;
  });
  return config;
}

/**
 * Grid point number k (0-based) in the documented order.
 *
 * @throws SearchSpaceError when the space is not a valid categorical space or k is not an
 *   integer in [0, gridSize).
 */
export function gridPoint(space: SearchSpaceSpec, k: number): Configuration {
  const params = categoricalParameters(space);
  const size = params.reduce((n, p) => n * p.values.length, 1);
  if (!Number.isSafeInteger(k) || k < 0 || k >= size) {
    throw new SearchSpaceError([`grid point index ${quote(k)} is not an integer in [0, ${size})`]);
  }
  return pointAt(params, k);
}

/**
 * Every grid point, in the documented order.
 *
 * @throws SearchSpaceError when the space is not a valid categorical space or the grid has
 *   more than {@link GRID_POINTS_LIMIT} points.
 */
export function gridPoints(space: SearchSpaceSpec): Configuration[] {
  const size = gridSize(space);
  if (size > GRID_POINTS_LIMIT) {
    throw new SearchSpaceError([`the grid has ${size} points; gridPoints lists at most ${GRID_POINTS_LIMIT} (use gridPoint(space, k))`]);
  }
  const params = categoricalParameters(space);
  return Array.from({ length: size }, (_, k) => pointAt(params, k));
}

/**
 * Iterates over the grid points from index `start` on, in the documented order, validating
 * the space once. Lazy: suited to grids too large to list.
 *
 * @throws SearchSpaceError (on the first `next()`) when the space is not a valid
 *   categorical space or `start` is not a non-negative safe integer.
 */
export function* iterateGrid(space: SearchSpaceSpec, start = 0): Generator<Configuration, void, undefined> {
  const params = categoricalParameters(space);
  if (!Number.isSafeInteger(start) || start < 0) {
    throw new SearchSpaceError([`grid start index ${quote(start)} is not a non-negative integer`]);
  }
  const size = params.reduce((n, p) => n * p.values.length, 1);
  for (let k = start; k < size && k <= Number.MAX_SAFE_INTEGER; k += 1) yield pointAt(params, k);
}
