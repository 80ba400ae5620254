/**
 * Validates request values against the committed SageMaker API model, phrasing violations the
 * way the service's ValidationException does.
 *
 * Message format (from real service errors quoted in public issues, e.g. zenml-io/zenml#1502,
 * aws/sagemaker-python-sdk#314, aws/sagemaker-python-sdk PR #6016):
 * `N validation error(s) detected: Value '<v>' at '<camelCasePath>' failed to satisfy
 * constraint: Member must ...; Value ...`. Paths use lower-camel-case member names joined by
 * dots; list elements are `<list>.<1-based index>.member`. A map whose keys or values break
 * their constraints yields one violation at the map's path, listing all of the key's or
 * value's constraints: `Map value must satisfy constraint: [Member must have length less
 * than or equal to 2500, Member must have length greater than or equal to 0, Member must
 * satisfy regular expression pattern: .*]`. Values are printed as Java prints them
 * (`null`, `{k=v, k2=v2}`, `[a, b]`).
 *
 * The order of several violations on one member is not specified by the service (both
 * "pattern, then length" and "length, then pattern" appear in public reports); we report
 * pattern, enum, then length/value bounds, and members in model order.
 */
import { compileModelPattern } from '../../core/metrics/java-regex';
import type { ApiModelSubset, Shape, StringShape } from './model/types';

/** A value that is not of the type its shape requires (the service answers SerializationException). */
export class ShapeTypeError extends Error {
  override readonly name = 'ShapeTypeError';
  /** @param path the camelCase path of the value */
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

function camel(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

/** Renders a value as the service's Java code prints it in messages. */
export function javaToString(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(javaToString).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${k}=${javaToString(v)}`).join(', ')}}`;
  }
  return String(value);
}

function violation(value: unknown, path: string, constraint: string): string {
  const shown = value === null || value === undefined ? 'null' : `'${javaToString(value)}'`;
  return `Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`;
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return [...value].length;
  if (Array.isArray(value)) return value.length;
  return Object.keys(value as object).length;
}

/** Every constraint of a scalar shape, as the service lists them inside `[...]`. */
function allConstraints(shape: Shape): string[] {
  const out: string[] = [];
  const word = shape.type === 'string' || shape.type === 'list' || shape.type === 'map' ? 'length' : 'value';
  if (shape.max !== undefined) out.push(`Member must have ${word} less than or equal to ${shape.max}`);
  if (shape.min !== undefined) out.push(`Member must have ${word} greater than or equal to ${shape.min}`);
  if (shape.type === 'string' && shape.pattern !== undefined) {
    out.push(`Member must satisfy regular expression pattern: ${shape.messagePattern ?? shape.pattern}`);
  }
  if (shape.type === 'string' && shape.enum) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return out;
}

function stringViolations(shape: StringShape, value: string): string[] {
  const out: string[] = [];
  if (shape.pattern !== undefined && !compileModelPattern(shape.pattern).test(value)) {
    out.push(`Member must satisfy regular expression pattern: ${shape.messagePattern ?? shape.pattern}`);
  }
  if (shape.enum && !shape.enum.includes(value)) out.push(`Member must satisfy enum value set: [${shape.enum.join(', ')}]`);
  return out;
}

function checkType(shape: Shape, value: unknown, path: string): void {
  const fail = (expected: string): never => {
    throw new ShapeTypeError(path, `expected ${expected} at '${path}' but got ${Array.isArray(value) ? 'array' : typeof value}`);
  };
  switch (shape.type) {
    case 'string':
    case 'blob':
      if (typeof value !== 'string') fail('a string');
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail('a boolean');
      break;
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) fail('an integer');
      break;
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number');
      break;
    case 'timestamp':
      if (typeof value !== 'number' && typeof value !== 'string') fail('a timestamp (epoch seconds)');
      break;
    case 'list':
      if (!Array.isArray(value)) fail('a list');
      break;
    case 'map':
    case 'structure':
      if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('an object');
      break;
  }
}

function walk(model: ApiModelSubset, shapeName: string, value: unknown, path: string, out: string[]): void {
  const shape = model.shapes[shapeName];
  if (!shape) throw new Error(`shape ${shapeName} is not in the model subset`);
  checkType(shape, value, path);
  if (shape.type === 'string') {
    for (const c of stringViolations(shape, value as string)) out.push(violation(value, path, c));
  }
  if (shape.type === 'string' || shape.type === 'list' || shape.type === 'map') {
    const n = lengthOf(value);
    if (shape.max !== undefined && n > shape.max) out.push(violation(value, path, `Member must have length less than or equal to ${shape.max}`));
    if (shape.min !== undefined && n < shape.min) out.push(violation(value, path, `Member must have length greater than or equal to ${shape.min}`));
  }
  if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'float' || shape.type === 'double') {
    const n = value as number;
    if (shape.max !== undefined && n > shape.max) out.push(violation(value, path, `Member must have value less than or equal to ${shape.max}`));
    if (shape.min !== undefined && n < shape.min) out.push(violation(value, path, `Member must have value greater than or equal to ${shape.min}`));
  }
  if (shape.type === 'list') {
    (value as unknown[]).forEach((el, i) => {
      if (el === null || el === undefined) out.push(violation(el, `${path}.${i + 1}.member`, 'Member must not be null'));
      else walk(model, shape.member.shape, el, `${path}.${i + 1}.member`, out);
    });
  }
  if (shape.type === 'map') {
    const entries = Object.entries(value as Record<string, unknown>);
    const keyShape = model.shapes[shape.key.shape];
    const valueShape = model.shapes[shape.value.shape];
    const badKey = entries.some(([k]) => {
      const sub: string[] = [];
      walk(model, shape.key.shape, k, path, sub);
      return sub.length > 0;
    });
    const badValue = entries.some(([, v]) => {
      if (v === null || v === undefined) return true;
      const sub: string[] = [];
      walk(model, shape.value.shape, v, path, sub);
      return sub.length > 0;
    });
    if (badKey) out.push(violation(value, path, `Map key must satisfy constraint: [${allConstraints(keyShape).join(', ')}]`));
    if (badValue) out.push(violation(value, path, `Map value must satisfy constraint: [${allConstraints(valueShape).join(', ')}]`));
  }
  if (shape.type === 'structure') {
    const obj = value as Record<string, unknown>;
    for (const [member, ref] of Object.entries(shape.members)) {
      const v = obj[member];
      const memberPath = path ? `${path}.${camel(member)}` : camel(member);
      if (v === undefined || v === null) {
        if (shape.required?.includes(member)) out.push(violation(null, memberPath, 'Member must not be null'));
        continue;
      }
      walk(model, ref.shape, v, memberPath, out);
    }
  }
}

/**
 * Checks a value against a shape of the model and returns one message per violated constraint.
 *
 * @param model the API model subset (sagemaker-subset.json)
 * @param shapeName the shape to check against, e.g. `CreateTrainingJobRequest`
 * @param value the parsed JSON value (members the model does not know are ignored, as the
 *   service ignores them)
 * @returns violations such as `Value 'x_y' at 'trainingJobName' failed to satisfy constraint:
 *   Member must satisfy regular expression pattern: ^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`;
 *   empty when the value is valid
 * @throws ShapeTypeError when a value has the wrong JSON type (the service rejects such a
 *   request before validation, with a SerializationException)
 */
export function validateAgainstShape(model: ApiModelSubset, shapeName: string, value: unknown): string[] {
  const out: string[] = [];
  walk(model, shapeName, value, '', out);
  return out;
}

/**
 * Joins violations into the service's ValidationException message.
 *
 * @returns e.g. `2 validation errors detected: Value ...; Value ...`
 */
export function formatValidationMessage(violations: readonly string[]): string {
  const n = violations.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${violations.join('; ')}`;
}
