/**
 * AMT's scaling types as maps between a parameter's range and the unit interval.
 *
 * Every numeric parameter has an interval [lo, hi] and a monotone map t: [lo, hi] -> [0, 1]
 * (`toUnit`) with inverse t^-1 (`fromUnit`). Sampling u uniformly in [0, 1) and applying
 * t^-1 gives AMT's scalings:
 *
 * | scaling            | t^-1(u)                                                    | AMT's guidance                      |
 * | ------------------ | ---------------------------------------------------------- | ----------------------------------- |
 * | Linear             | lo + u (hi - lo)                                           | range within one order of magnitude |
 * | Logarithmic        | exp(ln lo + u (ln hi - ln lo)), needs lo > 0               | range spans several orders          |
 * | ReverseLogarithmic | 1 - exp(ln(1 - lo) - u (ln(1 - lo) - ln(1 - hi))), 0 <= lo, hi < 1 | very sensitive near 1 (e.g. momentum) |
 *
 * ReverseLogarithmic is Logarithmic applied to 1 - x: 1 - x is log-uniform on
 * [1 - hi, 1 - lo], so values crowd towards `hi` (towards 1) the way Logarithmic values crowd
 * towards `lo`. It is increasing in u, like the others.
 *
 * Integers use the interval [min - 0.5, max + 0.5] and round half up, so integer n owns the
 * cell [n - 0.5, n + 0.5) of positive width on every scale: every integer in [min, max] is
 * reachable, and with Linear all are equally likely. (Logarithmic integers have min >= 1, so
 * lo >= 0.5 > 0.) The result is clamped to [min, max] against floating-point rounding.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-define-ranges.html
 */
import type { ContinuousParameter, IntegerParameter, ScalingType } from '../ports';
import { SearchSpaceError } from './errors';
import { parameterIssues, quote } from './validate';

/** A numeric (continuous or integer) parameter. */
export type NumericParameter = ContinuousParameter | IntegerParameter;

/** A scaling after `Auto` has been resolved. */
export type ResolvedScaling = Exclude<ScalingType, 'Auto'>;

/**
 * The ratio max / min from which `Auto` picks Logarithmic.
 *
 * AMT documents only that `Auto` "chooses the best scale" and that Linear suits a range
 * "within one order of magnitude" while Logarithmic suits one spanning "several orders of
 * magnitude". Our deterministic rule: Logarithmic when min > 0 and max / min >= 100 (at
 * least two orders of magnitude), otherwise Linear. Between one and two orders either scale
 * is defensible; Linear is the one that treats the whole range evenly. Auto never picks
 * ReverseLogarithmic (nothing in a range says "sensitive near 1").
 */
export const AUTO_LOG_RATIO = 100;

/**
 * Resolves `Auto` (see {@link AUTO_LOG_RATIO}) and checks that the scaling fits the range.
 *
 * @throws SearchSpaceError when the parameter is invalid (e.g. Logarithmic with min <= 0).
 */
export function resolveScaling(param: NumericParameter): ResolvedScaling {
  const issues = parameterIssues(param);
  if (issues.length > 0) throw new SearchSpaceError(issues);
  if (param.scaling !== 'Auto') return param.scaling;
  return param.min > 0 && param.max / param.min >= AUTO_LOG_RATIO ? 'Logarithmic' : 'Linear';
}

/** The interval the unit map spans: [min, max], widened by half a step for integers. */
function interval(param: NumericParameter): [number, number] {
  return param.kind === 'integer' ? [param.min - 0.5, param.max + 0.5] : [param.min, param.max];
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/**
 * Maps a legal value of `param` to its position in [0, 1] on the parameter's scale.
 *
 * A continuous parameter with min = max maps to 0.5. Integers map to the position of the
 * value itself (inside its cell), so `fromUnit(p, toUnit(p, n)) === n`.
 *
 * @throws SearchSpaceError when the parameter is invalid or `value` is outside [min, max].
 */
export function toUnit(param: NumericParameter, value: number): number {
  const scaling = resolveScaling(param);
  if (!Number.isFinite(value) || value < param.min || value > param.max) {
    throw new SearchSpaceError([`parameter ${quote(param.name)}: value ${quote(value)} is outside [${param.min}, ${param.max}]`]);
  }
  const [lo, hi] = interval(param);
  if (hi === lo) return 0.5;
  let u: number;
  switch (scaling) {
    case 'Linear':
      u = (value - lo) / (hi - lo);
      break;
    case 'Logarithmic':
      u = (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
      break;
    case 'ReverseLogarithmic': {
      const l0 = Math.log1p(-lo);
      u = (l0 - Math.log1p(-value)) / (l0 - Math.log1p(-hi));
      break;
    }
  }
  return clamp(u, 0, 1);
}

/**
 * Maps a unit position u in [0, 1] to a legal value of `param` (the inverse of {@link toUnit}).
 *
 * For u uniform in [0, 1) the result follows the parameter's scaling; integers are rounded
 * (see the module comment) and every integer in [min, max] is reachable.
 *
 * @throws SearchSpaceError when the parameter is invalid or u is not in [0, 1].
 */
export function fromUnit(param: NumericParameter, u: number): number {
  const scaling = resolveScaling(param);
  if (!(u >= 0 && u <= 1)) {
    throw new SearchSpaceError([`parameter ${quote(param.name)}: unit value ${quote(u)} is outside [0, 1]`]);
  }
  // The ends map to the bounds exactly (exp(log(min)) is not always min).
  if (param.kind === 'continuous' && (u === 0 || u === 1)) return u === 0 ? param.min : param.max;
  const [lo, hi] = interval(param);
  let x: number;
  switch (scaling) {
    case 'Linear':
      x = lo + u * (hi - lo);
      break;
    case 'Logarithmic':
      x = Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo)));
      break;
    case 'ReverseLogarithmic': {
      const l0 = Math.log1p(-lo);
      x = -Math.expm1(l0 - u * (l0 - Math.log1p(-hi)));
      break;
    }
  }
  if (param.kind === 'integer') x = Math.floor(x + 0.5);
  return clamp(x, param.min, param.max);
}
