/**
 * The JSON Schema of the tuning input, derived from the field description.
 */

import type { JsonValue, NodeBase, SchemaNode } from './dsl';
import { TUNING_INPUT } from './input-model';
import { anchored } from './structural';

/** A JSON Schema (draft-07) object. */
export type JsonSchema = { [keyword: string]: JsonValue };

/**
 * The description of a node as the schema and the reference show it: its doc, then what our
 * extension adds, then its default.
 *
 * @param node - any node
 */
export function describeNode(node: NodeBase): string {
  const parts = [node.doc];
  if (node.extension !== undefined) parts.push(`Extension (not in AMT): ${node.extension}`);
  if (node.defaultDoc !== undefined) parts.push(`Default: ${node.defaultDoc}.`);
  else if (node.default !== undefined) parts.push(`Default: ${JSON.stringify(node.default)}.`);
  if (node.localDefault !== undefined) parts.push(`With LocalConfig it may be left out; local mode uses ${JSON.stringify(node.localDefault)}.`);
  return parts.join(' ');
}

function defined(entries: Record<string, JsonValue | undefined>): JsonSchema {
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(entries)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * The JSON Schema of one node (without `$schema`).
 *
 * @param node - any node of the field description
 */
export function toJsonSchema(node: SchemaNode): JsonSchema {
  const common = { description: describeNode(node), default: node.default };
  switch (node.kind) {
    case 'string':
      return defined({
        type: 'string',
        ...common,
        minLength: node.minLength,
        maxLength: node.maxLength,
        pattern: node.pattern === undefined ? undefined : anchored(node.pattern),
      });
    case 'integer':
    case 'number':
      return defined({ type: node.kind, ...common, minimum: node.minimum, maximum: node.maximum });
    case 'boolean':
      return defined({ type: 'boolean', ...common });
    case 'enum':
      return defined({ type: 'string', ...common, enum: [...node.values] });
    case 'array':
      return defined({ type: 'array', ...common, items: toJsonSchema(node.items), minItems: node.minItems, maxItems: node.maxItems });
    case 'map': {
      const { description: _keyDescription, ...keys } = toJsonSchema(node.keys);
      return defined({ type: 'object', ...common, propertyNames: keys, additionalProperties: toJsonSchema(node.values), maxProperties: node.maxEntries });
    }
    case 'object': {
      const properties: JsonSchema = {};
      for (const [name, field] of Object.entries(node.fields)) properties[name] = toJsonSchema(field);
      // Fields with a local default are required only without LocalConfig: see deployedRequirements.
      const required = node.required.filter((name) => node.fields[name]?.localDefault === undefined);
      return defined({
        type: 'object',
        ...common,
        properties,
        required: required.length === 0 ? undefined : required,
        additionalProperties: false,
      });
    }
    case 'unsupported':
      return { description: `${node.doc} Not supported: ${node.reason}.`, not: {} };
  }
}

/**
 * What an input without LocalConfig must have besides the `required` fields: the required
 * fields that have a local default, nested as they are in the input (`properties` and
 * `required` only), or undefined when a node has none below it.
 */
function deployedRequirements(node: SchemaNode): JsonSchema | undefined {
  if (node.kind !== 'object') return undefined;
  const properties: JsonSchema = {};
  const required = node.required.filter((name) => node.fields[name]?.localDefault !== undefined);
  for (const [name, field] of Object.entries(node.fields)) {
    const nested = deployedRequirements(field);
    // A required field is listed under properties too (ajv's strictRequired); {} adds no constraint.
    if (nested !== undefined || required.includes(name)) properties[name] = nested ?? {};
  }
  if (required.length === 0 && Object.keys(properties).length === 0) return undefined;
  return defined({
    type: 'object',
    properties: Object.keys(properties).length === 0 ? undefined : properties,
    required: required.length === 0 ? undefined : required,
  });
}

/**
 * The complete JSON Schema document of the tuning input (draft-07). Without `LocalConfig`,
 * the cloud-only fields that local mode has defaults for are required (`if`/`else`).
 */
export function tuningInputJsonSchema(): JsonSchema {
  const deployed = deployedRequirements(TUNING_INPUT);
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Tuning input',
    ...toJsonSchema(TUNING_INPUT),
    ...(deployed === undefined ? {} : { if: { type: 'object', properties: { LocalConfig: {} }, required: ['LocalConfig'] }, else: deployed }),
    $comment:
      'Generated from core/input/input-model.ts by `npx tsx schema/generate.ts`; do not edit. Structural rules only: cross-field rules (MinValue < MaxValue, Grid needs categorical ranges, ...) are checked by `hpo validate`.',
  };
}

/**
 * The text of schema/tuning-input.schema.json: the schema, two-space indented, with a final newline.
 */
export function renderJsonSchema(): string {
  return `${JSON.stringify(tuningInputJsonSchema(), null, 2)}\n`;
}
