/**
 * The structural validator: checks a raw JSON value against a `SchemaNode` tree and reports
 * every problem (wrong types, unknown and missing fields, lengths, patterns, bounds, enums,
 * item counts). Cross-field rules are in `rules.ts`.
 */

import type { ArrayNode, EnumNode, MapNode, NumberNode, ObjectNode, SchemaNode, StringNode } from './dsl';
import { childPath, error, show, typeName, type Problem } from './problem';
import { closestMatch } from './suggest';

/** Enums longer than this are not spelled out in messages (instance types). */
const MAX_LISTED_VALUES = 12;

/**
 * `pattern` anchored so that it must match the whole string (the API model's patterns are
 * whole-string patterns; JSON Schema's `pattern` is a search).
 *
 * @param pattern - an unanchored pattern
 */
export function anchored(pattern: string): string {
  return `^(?:${pattern})$`;
}

const regexCache = new Map<string, RegExp>();

function compiled(pattern: string): RegExp {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    re = new RegExp(anchored(pattern), 'u');
    regexCache.set(pattern, re);
  }
  return re;
}

/**
 * Words for an inclusive range: `1 to 32`, `at least 1`, `at most 40`.
 *
 * @param min - lower bound, if any
 * @param max - upper bound, if any
 */
export function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${String(max)}`;
}

/**
 * Where a value sits: its JSON path and the name used for it in messages.
 */
interface Where {
  readonly path: string;
  readonly label: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const EXPECTED: Record<SchemaNode['kind'], string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean',
  enum: 'a string',
  array: 'an array',
  map: 'an object',
  object: 'an object',
  unsupported: 'nothing',
};

function wrongType(at: Where, value: unknown, node: SchemaNode): Problem {
  const got = show(value) === typeName(value) ? show(value) : `${show(value)} (${typeName(value)})`;
  return error(at.path, `wrong type for ${at.label}: got ${got}, expected ${EXPECTED[node.kind]}`, value);
}

function checkString(node: StringNode, value: string, at: Where, out: Problem[]): void {
  const length = [...value].length;
  if ((node.minLength !== undefined && length < node.minLength) || (node.maxLength !== undefined && length > node.maxLength)) {
    out.push(error(at.path, `invalid ${at.label} ${show(value)}: ${length} characters, allowed ${rangeText(node.minLength, node.maxLength)}`, value));
    return;
  }
  if (node.pattern !== undefined && !compiled(node.pattern).test(value)) {
    const expected = node.patternDoc ?? `to match ${anchored(node.pattern)}`;
    out.push(error(at.path, `invalid ${at.label} ${show(value)}: expected ${expected}`, value));
  }
}

function checkNumber(node: NumberNode, value: number, at: Where, out: Problem[]): void {
  if (!Number.isFinite(value) || (node.kind === 'integer' && !Number.isInteger(value))) {
    out.push(wrongType(at, value, node));
    return;
  }
  if ((node.minimum !== undefined && value < node.minimum) || (node.maximum !== undefined && value > node.maximum)) {
    out.push(error(at.path, `invalid ${at.label}: got ${value}, allowed ${rangeText(node.minimum, node.maximum)}`, value));
  }
}

function checkEnum(node: EnumNode, value: string, at: Where, out: Problem[]): void {
  if (node.values.includes(value)) return;
  const allowed = node.valuesDoc !== undefined || node.values.length > MAX_LISTED_VALUES ? (node.valuesDoc ?? `one of ${node.values.length} values`) : node.values.join(', ');
  const suggestion = closestMatch(value, node.values);
  const hint = suggestion === undefined ? '' : ` (did you mean ${JSON.stringify(suggestion)}?)`;
  out.push(error(at.path, `invalid ${at.label} ${show(value)}: allowed ${allowed}${hint}`, value));
}

function checkArray(node: ArrayNode, value: readonly unknown[], at: Where, out: Problem[]): void {
  if (node.maxItems !== undefined && value.length > node.maxItems) {
    const why = node.maxItemsReason === undefined ? '' : ` (${node.maxItemsReason})`;
    out.push(error(at.path, `too many items in ${at.label}: got ${value.length}, allowed at most ${node.maxItems}${why}`, value.length));
  }
  if (node.minItems !== undefined && value.length < node.minItems) {
    out.push(error(at.path, `too few items in ${at.label}: got ${value.length}, allowed at least ${node.minItems}`, value.length));
  }
  value.forEach((item, index) => check(node.items, item, { path: childPath(at.path, index), label: `${at.label}[${index}]` }, out));
}

function checkMap(node: MapNode, value: Record<string, unknown>, at: Where, out: Problem[]): void {
  const keys = Object.keys(value);
  if (node.maxEntries !== undefined && keys.length > node.maxEntries) {
    out.push(error(at.path, `too many entries in ${at.label}: got ${keys.length}, allowed at most ${node.maxEntries}`, keys.length));
  }
  for (const key of keys) {
    const path = childPath(at.path, key);
    check(node.keys, key, { path, label: `${at.label} key` }, out);
    check(node.values, value[key], { path, label: `${at.label}.${key}` }, out);
  }
}

function checkObject(node: ObjectNode, value: Record<string, unknown>, at: Where, out: Problem[]): void {
  const known = Object.keys(node.fields);
  const where = at.path === '$' ? 'the tuning input' : at.label;
  for (const key of Object.keys(value)) {
    // Own fields only: `constructor` or `__proto__` in the input must not find Object.prototype members.
    const field = Object.prototype.hasOwnProperty.call(node.fields, key) ? node.fields[key] : undefined;
    const path = childPath(at.path, key);
    if (field === undefined) {
      const suggestion = closestMatch(key, known);
      const hint = suggestion === undefined ? `; known fields: ${known.join(', ')}` : ` (did you mean ${JSON.stringify(suggestion)}?)`;
      out.push(error(path, `unknown field ${JSON.stringify(key)} in ${where}${hint}`));
      continue;
    }
    check(field, value[key], { path, label: key }, out);
  }
  for (const name of node.required) {
    if (value[name] === undefined) out.push(error(childPath(at.path, name), `missing required field ${name} in ${where}`));
  }
}

function check(node: SchemaNode, value: unknown, at: Where, out: Problem[]): void {
  switch (node.kind) {
    case 'unsupported':
      out.push(error(at.path, node.reason));
      return;
    case 'string':
      if (typeof value !== 'string') out.push(wrongType(at, value, node));
      else checkString(node, value, at, out);
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number') out.push(wrongType(at, value, node));
      else checkNumber(node, value, at, out);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') out.push(wrongType(at, value, node));
      return;
    case 'enum':
      if (typeof value !== 'string') out.push(wrongType(at, value, node));
      else checkEnum(node, value, at, out);
      return;
    case 'array':
      if (!Array.isArray(value)) out.push(wrongType(at, value, node));
      else checkArray(node, value, at, out);
      return;
    case 'map':
      if (!isRecord(value)) out.push(wrongType(at, value, node));
      else checkMap(node, value, at, out);
      return;
    case 'object':
      if (!isRecord(value)) out.push(wrongType(at, value, node));
      else checkObject(node, value, at, out);
      return;
  }
}

/**
 * Every structural problem of `value` against `node`, in document order.
 *
 * @param node - the schema tree (usually `TUNING_INPUT`)
 * @param value - the raw parsed JSON
 */
export function checkStructure(node: SchemaNode, value: unknown): Problem[] {
  const out: Problem[] = [];
  check(node, value, { path: '$', label: 'the tuning input' }, out);
  return out;
}
