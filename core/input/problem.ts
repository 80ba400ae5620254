/**
 * The problem type every check reports, and helpers to word messages consistently.
 */

/**
 * One thing wrong (or worth a warning) in a tuning input.
 *
 * `path` is a JSON path into the input, e.g.
 * `$.HyperParameterTuningJobConfig.ResourceLimits.MaxParallelTrainingJobs`; `message` is
 * lowercase and names the field, the value received and what is allowed. Errors make the
 * input invalid; warnings do not.
 */
export interface Problem {
  /** JSON path of the offending field (`$` is the whole input). */
  path: string;
  /** What is wrong, lowercase, naming the field, the value and what is allowed. */
  message: string;
  /** The offending value, when there is one. */
  value?: unknown;
  /** `error` makes the input invalid; `warning` is advice. */
  severity: 'error' | 'warning';
}

/**
 * The path of `key` inside the value at `path`: `$.A.B` for identifiers, `$.A["b-c"]` otherwise.
 *
 * @param path - the parent's path
 * @param key - an object key or an array index
 */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * A short rendering of a value for messages: strings quoted (cut at 60 characters),
 * numbers and booleans as written, `an object`, `an array`, `null`.
 *
 * @param value - any JSON value
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}

/**
 * The JSON type of a value with its article: `a string`, `an integer`, `a number`, ...
 *
 * @param value - any JSON value
 */
export function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/**
 * An error problem.
 *
 * @param path - JSON path
 * @param message - lowercase message
 * @param value - the offending value, if any
 */
export function error(path: string, message: string, value?: unknown): Problem {
  return value === undefined ? { path, message, severity: 'error' } : { path, message, value, severity: 'error' };
}

/**
 * A warning problem.
 *
 * @param path - JSON path
 * @param message - lowercase message
 * @param value - the value warned about, if any
 */
export function warning(path: string, message: string, value?: unknown): Problem {
  return value === undefined ? { path, message, severity: 'warning' } : { path, message, value, severity: 'warning' };
}
