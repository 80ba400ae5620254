import type { ParameterSpec, ParameterValue, SearchSpaceSpec } from '../ports';
import { SearchSpaceError } from './errors';

const SCALINGS: readonly string[] = ['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic'];

/** Quotes a name or value for an error message. */
export function quote(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/**
 * Lists what is wrong with one parameter definition (empty when it is valid).
 *
 * Rules (AMT's, see the `@see` page): continuous bounds are finite numbers and integer bounds
 * safe integers, with `min <= max` (and a finite `max - min`, so the linear map works); `Logarithmic` needs `min > 0`; `ReverseLogarithmic` is for
 * continuous parameters only and needs `0 <= min` and `max < 1`; a categorical parameter has
 * at least one value and no duplicates. Limits on counts (30 tunable parameters, 30 values)
 * are the input parser's job, not checked here.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-define-ranges.html
 */
export function parameterIssues(param: ParameterSpec): string[] {
  const issues: string[] = [];
  const label = `parameter ${quote(param.name)}`;
  if (typeof param.name !== 'string' || param.name.length === 0) {
    issues.push(`parameter names must be non-empty strings; got ${quote(param.name)}`);
  }
  if (param.kind === 'categorical') {
    if (!Array.isArray(param.values) || param.values.length === 0) {
      issues.push(`${label}: a categorical parameter needs at least one value; got none`);
      return issues;
    }
    const seen = new Set<string>();
    for (const value of param.values) {
      if (typeof value !== 'string') {
        issues.push(`${label}: categorical values must be strings; got ${quote(value)}`);
      } else if (seen.has(value)) {
        issues.push(`${label}: categorical value ${quote(value)} is listed twice; values must be distinct`);
      }
      seen.add(value);
    }
    return issues;
  }
  if (param.kind !== 'continuous' && param.kind !== 'integer') {
    issues.push(`${label}: kind must be continuous, integer or categorical; got ${quote((param as { kind: unknown }).kind)}`);
    return issues;
  }
  const { min, max, scaling } = param;
  const boundOk = (v: number): boolean => (param.kind === 'integer' ? Number.isSafeInteger(v) : Number.isFinite(v));
  const boundKind = param.kind === 'integer' ? 'safe integers' : 'finite numbers';
  if (!boundOk(min) || !boundOk(max)) {
    issues.push(`${label}: min and max must be ${boundKind}; got min ${quote(min)}, max ${quote(max)}`);
    return issues;
  }
  if (min > max) {
    issues.push(`${label}: min must be <= max; got min ${min}, max ${max}`);
  } else if (!Number.isFinite(max - min)) {
    issues.push(`${label}: max - min must be a finite number; got min ${min}, max ${max}`);
  }
  if (!SCALINGS.includes(scaling)) {
    issues.push(`${label}: scaling must be one of ${SCALINGS.join(', ')}; got ${quote(scaling)}`);
  } else if (scaling === 'Logarithmic' && !(min > 0)) {
    issues.push(`${label}: Logarithmic scaling needs min > 0; got min ${min}`);
  } else if (scaling === 'ReverseLogarithmic') {
    if (param.kind === 'integer') {
      issues.push(`${label}: ReverseLogarithmic scaling is for continuous parameters only; got an integer parameter`);
    } else if (!(min >= 0 && max < 1)) {
      issues.push(`${label}: ReverseLogarithmic scaling needs 0 <= min and max < 1; got min ${min}, max ${max}`);
    }
  }
  return issues;
}

/** Lists what is wrong with a search space (empty when it is valid): every parameter's problems and duplicate names. */
export function spaceIssues(space: SearchSpaceSpec): string[] {
  const issues: string[] = [];
  const names = new Set<string>();
  for (const param of space.parameters) {
    issues.push(...parameterIssues(param));
    if (names.has(param.name)) {
      issues.push(`parameter ${quote(param.name)} is defined twice; names must be unique`);
    }
    names.add(param.name);
  }
  return issues;
}

/**
 * Throws a {@link SearchSpaceError} listing every problem when the space is invalid.
 *
 * @throws SearchSpaceError
 */
export function assertValidSpace(space: SearchSpaceSpec): void {
  const issues = spaceIssues(space);
  if (issues.length > 0) throw new SearchSpaceError(issues);
}

/**
 * Says why `value` is not a legal value of `param`, or returns undefined when it is.
 *
 * Legal: a finite number in [min, max] (continuous), a safe integer in [min, max] (integer),
 * one of `values` (categorical).
 */
export function valueIssue(param: ParameterSpec, value: ParameterValue | undefined): string | undefined {
  const label = `parameter ${quote(param.name)}`;
  if (param.kind === 'categorical') {
    if (typeof value !== 'string' || !param.values.includes(value)) {
      return `${label}: value ${quote(value)} is not one of ${param.values.map((v) => quote(v)).join(', ')}`;
    }
    return undefined;
  }
  const ok = param.kind === 'integer' ? Number.isSafeInteger(value) : typeof value === 'number' && Number.isFinite(value);
  if (typeof value !== 'number' || !ok) {
    return `${label}: value ${quote(value)} is not ${param.kind === 'integer' ? 'an integer' : 'a finite number'}`;
  }
  if (value < param.min || value > param.max) {
    return `${label}: value ${value} is outside [${param.min}, ${param.max}]`;
  }
  return undefined;
}
