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
      return defined({
        type: 'object',
        ...common,
        properties,
        required: node.required.length === 0 ? undefined : [...node.required],
        additionalProperties: false,
      });
    }
    case 'unsupported':
      return { description: `${node.doc} Not supported: ${node.reason}.`, not: {} };
  }
}

/**
 * The complete JSON Schema document of the tuning input (draft-07).
 */
export function tuningInputJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Tuning input',
    ...toJsonSchema(TUNING_INPUT),
    $comment:
      'Generated from lambda/core/input/input-model.ts by `npx tsx schema/generate.ts`; do not edit. Structural rules only: cross-field rules (MinValue < MaxValue, Grid needs categorical ranges, ...) are checked by `hpo validate`.',
  };
}

/**
 * The text of schema/tuning-input.schema.json: the schema, two-space indented, with a final newline.
 */
export function renderJsonSchema(): string {
  return `${JSON.stringify(tuningInputJsonSchema(), null, 2)}\n`;
}
