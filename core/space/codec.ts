/**
 * Configurations as points of the unit cube [0, 1]^d, one coordinate per parameter in the
 * space's order. Samplers that work on the cube (Random, Sobol, TPE) draw u and `decode` it.
 *
 * - numeric parameters: the scaling's unit map (see `scaling.ts`);
 * - categorical with k values: value i owns the cell [i/k, (i+1)/k) and encodes to its centre
 *   (i + 0.5)/k; decoding takes floor(u k) (u = 1 counts as the last cell), so a uniform u
 *   gives a uniform value.
 */
import type { Configuration, ParameterSpec, ParameterValue, SearchSpaceSpec } from '../ports';
import { SearchSpaceError } from './errors';
import { fromUnit, resolveScaling, toUnit } from './scaling';
import { quote, spaceIssues, valueIssue } from './validate';

/** Lists why `config` is not a configuration of `space` (missing, unknown or illegal values). */
export function configurationIssues(space: SearchSpaceSpec, config: Configuration): string[] {
  const issues: string[] = [];
  const names = new Set(space.parameters.map((p) => p.name));
  for (const param of space.parameters) {
    if (!Object.prototype.hasOwnProperty.call(config, param.name)) {
      issues.push(`parameter ${quote(param.name)}: missing from the configuration`);
      continue;
    }
    const issue = valueIssue(param, config[param.name]);
    if (issue !== undefined) issues.push(issue);
  }
  for (const name of Object.keys(config)) {
    if (!names.has(name)) {
      issues.push(`parameter ${quote(name)} is not in the search space; known: ${[...names].map((n) => quote(n)).join(', ')}`);
    }
  }
  return issues;
}

/**
 * True when `config` has exactly the space's parameters, each with a legal value.
 *
 * Never throws; an invalid space contains nothing.
 */
export function contains(space: SearchSpaceSpec, config: Configuration): boolean {
  return spaceIssues(space).length === 0 && configurationIssues(space, config).length === 0;
}

function encodeValue(param: ParameterSpec, value: ParameterValue): number {
  if (param.kind === 'categorical') {
    return (param.values.indexOf(value as string) + 0.5) / param.values.length;
  }
  return toUnit(param, value as number);
}

/**
 * Decodes one coordinate.
 *
 * @throws SearchSpaceError when u is not in [0, 1].
 */
export function decodeValue(param: ParameterSpec, u: number): ParameterValue {
  if (param.kind !== 'categorical') return fromUnit(param, u);
  if (!(u >= 0 && u <= 1)) {
    throw new SearchSpaceError([`parameter ${quote(param.name)}: unit value ${quote(u)} is outside [0, 1]`]);
  }
  const k = param.values.length;
  return param.values[Math.min(k - 1, Math.floor(u * k))] as string;
}

/**
 * Maps a configuration to a point of [0, 1]^d (d = number of parameters, in space order).
 *
 * @throws SearchSpaceError when the space is invalid or `config` is not in it.
 */
export function encode(space: SearchSpaceSpec, config: Configuration): number[] {
  const issues = [...spaceIssues(space)];
  if (issues.length === 0) issues.push(...configurationIssues(space, config));
  if (issues.length > 0) throw new SearchSpaceError(issues);
  return space.parameters.map((param) => encodeValue(param, config[param.name] as ParameterValue));
}

/**
 * Maps a point of [0, 1]^d to a configuration (the inverse of {@link encode} up to rounding:
 * `decode(space, encode(space, c))` gives back `c`, exactly for integer and categorical
 * values and to within floating-point rounding for continuous ones).
 *
 * @throws SearchSpaceError when the space is invalid, `u` has the wrong length or a
 *   coordinate is not in [0, 1].
 */
export function decode(space: SearchSpaceSpec, u: readonly number[]): Configuration {
  const issues = spaceIssues(space);
  if (issues.length > 0) throw new SearchSpaceError(issues);
  if (u.length !== space.parameters.length) {
    throw new SearchSpaceError([`unit point has ${u.length} coordinates; the search space has ${space.parameters.length} parameters`]);
  }
  const config: Record<string, ParameterValue> = {};
  space.parameters.forEach((param, i) => {
    config[param.name] = decodeValue(param, u[i] as number);
  });
  return config;
}

/**
 * A canonical string for a configuration of `space`: equal configurations (same values for
 * the space's parameters) give equal keys, whatever the key order of the objects. Parameters
 * missing from `config` count as null. Never throws.
 */
export function configurationKey(space: SearchSpaceSpec, config: Configuration): string {
  return JSON.stringify(space.parameters.map((p) => (Object.prototype.hasOwnProperty.call(config, p.name) ? config[p.name] : null)));
}

/**
 * Describes a space in one line for messages, e.g.
 * `lr: continuous [0.0001, 0.1] Logarithmic (Auto); optimizer: categorical {"adam", "sgd"}`.
 * Never throws: an invalid scaling is shown as given.
 */
export function describeSpace(space: SearchSpaceSpec): string {
  if (space.parameters.length === 0) return '(no parameters)';
  return space.parameters
    .map((p) => {
      if (p.kind === 'categorical') return `${p.name}: categorical {${p.values.map((v) => quote(v)).join(', ')}}`;
      let scaling: string = p.scaling;
      try {
        const resolved = resolveScaling(p);
        if (resolved !== p.scaling) scaling = `${resolved} (Auto)`;
      } catch {
        scaling = `${p.scaling} (invalid)`;
      }
      return `${p.name}: ${p.kind} [${p.min}, ${p.max}] ${scaling}`;
    })
    .join('; ');
}
