/**
 * Parameter values in SageMaker's form: `HyperParameters` is a string-to-string map.
 *
 * Format (decided here, relied on by the training script):
 * - integer: plain decimal digits with an optional minus sign, e.g. `"12"`, `"-3"`;
 *   parseable by Python `int()` and `float()` and by JS `Number`.
 * - continuous: JavaScript's `String(x)`, the shortest decimal that reads back as exactly
 *   the same double. Typical values print plainly (`"0.0001"`, `"0.5"`, `"3"`); magnitudes
 *   below 1e-6 or from 1e21 up use an exponent (`"1e-7"`, `"1.5e+21"`). Python `float()`
 *   and JS `Number` parse every one of these forms and, both rounding correctly, get back
 *   the same double. `-0` prints as `"0"`.
 * - categorical: the value exactly as listed in the space.
 */
import type { Configuration, ParameterSpec, ParameterValue, SearchSpaceSpec } from '../ports';
import { configurationIssues } from './codec';
import { SearchSpaceError } from './errors';
import { quote, spaceIssues, valueIssue } from './validate';

const INTEGER_TEXT = /^[+-]?\d+$/;
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Renders a legal value of `param` as the string SageMaker passes to the training job.
 *
 * @throws SearchSpaceError when `value` is not a legal value of `param`.
 */
export function renderValue(param: ParameterSpec, value: ParameterValue): string {
  const issue = valueIssue(param, value);
  if (issue !== undefined) throw new SearchSpaceError([issue]);
  if (param.kind === 'categorical') return value as string;
  return String(value as number); // String(-0) is "0"
}

/**
 * Parses a rendered value back to its typed form (the inverse of {@link renderValue}).
 *
 * Accepts, besides what `renderValue` writes: integers written with a leading `+` or zeros,
 * and any decimal or exponent notation for continuous values. Rejects empty strings,
 * whitespace, hex, `NaN`, `Infinity`, fractional integers and values outside the range.
 *
 * @throws SearchSpaceError when `text` is not a legal value of `param`.
 */
export function parseValue(param: ParameterSpec, text: string): ParameterValue {
  const label = `parameter ${quote(param.name)}`;
  let value: ParameterValue;
  if (param.kind === 'categorical') {
    value = text;
  } else if (param.kind === 'integer') {
    if (typeof text !== 'string' || !INTEGER_TEXT.test(text)) {
      throw new SearchSpaceError([`${label}: ${quote(text)} is not an integer; expected digits with an optional sign, e.g. "12"`]);
    }
    value = Number(text);
  } else {
    if (typeof text !== 'string' || !DECIMAL_TEXT.test(text)) {
      throw new SearchSpaceError([`${label}: ${quote(text)} is not a decimal number; expected e.g. "0.001" or "1e-7"`]);
    }
    value = Number(text);
  }
  const issue = valueIssue(param, value);
  if (issue !== undefined) throw new SearchSpaceError([issue]);
  return value;
}

/**
 * Renders a configuration as SageMaker hyperparameters: one string per space parameter.
 *
 * @throws SearchSpaceError when the space is invalid or `config` is not in it (missing,
 *   unknown or illegal values; all are listed).
 */
export function renderConfiguration(space: SearchSpaceSpec, config: Configuration): Record<string, string> {
  const issues = [...spaceIssues(space)];
  if (issues.length === 0) issues.push(...configurationIssues(space, config));
  if (issues.length > 0) throw new SearchSpaceError(issues);
  const out: Record<string, string> = {};
  for (const param of space.parameters) {
    out[param.name] = renderValue(param, config[param.name] as ParameterValue);
  }
  return out;
}

/**
 * Parses the space's parameters out of SageMaker hyperparameters (the inverse of
 * {@link renderConfiguration}). Keys that are not in the space (static hyperparameters,
 * the resource hyperparameter) are ignored.
 *
 * @throws SearchSpaceError when the space is invalid, a space parameter is missing or a
 *   value does not parse (all problems are listed).
 */
export function parseConfiguration(space: SearchSpaceSpec, hyperParameters: Readonly<Record<string, string>>): Configuration {
  const issues = spaceIssues(space);
  if (issues.length > 0) throw new SearchSpaceError(issues);
  const config: Record<string, ParameterValue> = {};
  for (const param of space.parameters) {
    if (!Object.prototype.hasOwnProperty.call(hyperParameters, param.name)) {
      issues.push(`parameter ${quote(param.name)}: missing from the hyperparameters`);
      continue;
    }
    try {
      config[param.name] = parseValue(param, hyperParameters[param.name] as string);
    } catch (err) {
      if (!(err instanceof SearchSpaceError)) throw err;
      issues.push(...err.issues);
    }
  }
  if (issues.length > 0) throw new SearchSpaceError(issues);
  return config;
}
