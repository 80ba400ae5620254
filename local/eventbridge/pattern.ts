/**
 * EventBridge event-pattern matching, for the subset of the pattern language our rules use.
 *
 * Semantics (EventBridge User Guide, "Event patterns" and "Content filtering"):
 * - A pattern is an object whose leaves are arrays of matchers; every field of the pattern
 *   must match (AND), and a field matches when any matcher of its array matches (OR).
 * - When the event's value is an array, the field matches when any element matches.
 * - Nested objects in the pattern match nested objects of the event (e.g. `detail`).
 * - Matchers: exact strings, numbers, booleans and `null`; `{prefix}`, `{suffix}`,
 *   `{"anything-but": value | values | {prefix}}`, `{exists: boolean}`,
 *   `{"equals-ignore-case"}` and `{numeric: [op, n, ...]}`.
 * - A field absent from the event matches only `{exists: false}`; in particular
 *   `anything-but` does not match a missing field.
 */

/** One element of a pattern field's array. */
export type PatternMatcher =
  | string
  | number
  | boolean
  | null
  | { readonly prefix: string }
  | { readonly suffix: string }
  | { readonly 'equals-ignore-case': string }
  | { readonly 'anything-but': string | number | readonly (string | number)[] | { readonly prefix: string } }
  | { readonly exists: boolean }
  | { readonly numeric: readonly (string | number)[] };

/** An EventBridge event pattern. */
export interface EventPattern {
  readonly [field: string]: readonly PatternMatcher[] | EventPattern;
}

type Scalar = string | number | boolean | null;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function numericMatches(ops: readonly (string | number)[], n: number): boolean {
  for (let i = 0; i + 1 < ops.length; i += 2) {
    const op = ops[i];
    const bound = Number(ops[i + 1]);
    const ok =
      op === '<' ? n < bound : op === '<=' ? n <= bound : op === '>' ? n > bound : op === '>=' ? n >= bound : op === '=' ? n === bound : false;
    if (!ok) return false;
  }
  return true;
}

function matchScalar(m: PatternMatcher, v: Scalar): boolean {
  if (m === null || typeof m !== 'object') return m === v;
  if ('prefix' in m) return typeof v === 'string' && v.startsWith(m.prefix);
  if ('suffix' in m) return typeof v === 'string' && v.endsWith(m.suffix);
  if ('equals-ignore-case' in m) return typeof v === 'string' && v.toLowerCase() === m['equals-ignore-case'].toLowerCase();
  if ('numeric' in m) return typeof v === 'number' && numericMatches(m.numeric, v);
  if ('anything-but' in m) {
    const ab = m['anything-but'];
    if (Array.isArray(ab)) return !ab.includes(v as string | number);
    if (isPlainObject(ab) && 'prefix' in ab) return !(typeof v === 'string' && v.startsWith(ab.prefix as string));
    return ab !== v;
  }
  if ('exists' in m) return m.exists;
  return false;
}

function matchField(matchers: readonly PatternMatcher[], present: boolean, value: unknown): boolean {
  if (!present) return matchers.some((m) => isPlainObject(m) && 'exists' in m && m.exists === false);
  const values: unknown[] = Array.isArray(value) ? value : [value];
  return matchers.some((m) => {
    if (isPlainObject(m) && 'exists' in m) return m.exists === true;
    if (isPlainObject(m) && 'anything-but' in m) {
      // every element must avoid the excluded values
      return values.length > 0 && values.every((v) => !isPlainObject(v) && matchScalar(m, v as Scalar));
    }
    return values.some((v) => !isPlainObject(v) && !Array.isArray(v) && matchScalar(m, v as Scalar));
  });
}

/**
 * Whether an event (or a nested part of one) matches a pattern.
 *
 * @param pattern an EventBridge event pattern
 * @param event the event, e.g. `{source: 'aws.sagemaker', detail: {...}}`
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!isPlainObject(event)) return false;
  for (const [field, sub] of Object.entries(pattern)) {
    const present = Object.prototype.hasOwnProperty.call(event, field) && event[field] !== undefined;
    if (Array.isArray(sub)) {
      if (!matchField(sub as readonly PatternMatcher[], present, event[field])) return false;
    } else if (!present || !matchesPattern(sub as EventPattern, event[field])) {
      return false;
    }
  }
  return true;
}

/**
 * Checks that a pattern is well formed (leaves are non-empty arrays, nodes are objects).
 *
 * @throws Error naming the offending field, like EventBridge's InvalidEventPatternException
 */
export function assertValidPattern(pattern: unknown, path = ''): asserts pattern is EventPattern {
  if (!isPlainObject(pattern)) throw new Error(`invalid event pattern${path ? ` at '${path}'` : ''}: expected an object, got ${JSON.stringify(pattern)}`);
  for (const [field, sub] of Object.entries(pattern)) {
    const p = path ? `${path}.${field}` : field;
    if (Array.isArray(sub)) {
      if (sub.length === 0) throw new Error(`invalid event pattern at '${p}': empty arrays match nothing`);
    } else {
      assertValidPattern(sub, p);
    }
  }
}
