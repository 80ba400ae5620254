/**
 * A tiny declarative schema language for the tuning input.
 *
 * The input's structure is written once, as a tree of these nodes (see `input-model.ts`).
 * Three things are derived from that tree: the structural validator (`structural.ts`), the
 * JSON Schema (`json-schema.ts`) and the Markdown reference (`reference-doc.ts`). Rules that
 * relate several fields to each other (MinValue < MaxValue, Grid needs categorical ranges, ...)
 * cannot be said in this language; they live in `rules.ts`.
 */

/** A JSON value, as it may appear in a `default`. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [k: string]: JsonValue };

/** What every node has: documentation and, optionally, a default and an "our extension" note. */
export interface NodeBase {
  /** One or more sentences describing the field. Shown in the JSON Schema and the reference. */
  readonly doc: string;
  /** A literal default, emitted as the JSON Schema `default`. */
  readonly default?: JsonValue;
  /** A default that depends on other fields, in words (e.g. "by strategy: ..."). */
  readonly defaultDoc?: string;
  /** Set when the field is our addition to AMT's request: says what it adds. */
  readonly extension?: string;
  /**
   * A cloud-only field that an input with `LocalConfig` may leave out: the value local mode
   * (`hpo local`) uses instead. A deployed run still needs the field (`hpo validate` says so).
   */
  readonly localDefault?: JsonValue;
}

/** A string, with optional length bounds and a pattern that must match the whole string. */
export interface StringNode extends NodeBase {
  readonly kind: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
  /** An ECMAScript regular expression (unicode mode), matched against the whole string. */
  readonly pattern?: string;
  /** Shown instead of the pattern in messages when the pattern is unreadable. */
  readonly patternDoc?: string;
}

/** A number; `integer` restricts it to whole numbers. */
export interface NumberNode extends NodeBase {
  readonly kind: 'number' | 'integer';
  readonly minimum?: number;
  readonly maximum?: number;
}

/** A boolean. */
export interface BooleanNode extends NodeBase {
  readonly kind: 'boolean';
}

/** One string out of a fixed list. */
export interface EnumNode extends NodeBase {
  readonly kind: 'enum';
  readonly values: readonly string[];
  /** For long lists (instance types): name the list in messages instead of spelling it out. */
  readonly valuesDoc?: string;
}

/** A JSON array whose items all follow `items`. */
export interface ArrayNode extends NodeBase {
  readonly kind: 'array';
  readonly items: SchemaNode;
  readonly minItems?: number;
  readonly maxItems?: number;
  /** Why `maxItems` is what it is, appended to the message when it is exceeded. */
  readonly maxItemsReason?: string;
}

/** A JSON object with arbitrary keys (following `keys`) and values following `values`. */
export interface MapNode extends NodeBase {
  readonly kind: 'map';
  readonly keys: StringNode;
  readonly values: SchemaNode;
  readonly maxEntries?: number;
}

/** A JSON object with known fields only (`additionalProperties: false`). */
export interface ObjectNode extends NodeBase {
  readonly kind: 'object';
  readonly fields: Readonly<Record<string, SchemaNode>>;
  readonly required: readonly string[];
}

/**
 * A field that AMT accepts but this tuner does not: present means an error whose message
 * is `reason`. Listed so users get a clear message instead of "unknown field".
 */
export interface UnsupportedNode extends NodeBase {
  readonly kind: 'unsupported';
  readonly reason: string;
}

/** Any node of the schema language. */
export type SchemaNode =
  | StringNode
  | NumberNode
  | BooleanNode
  | EnumNode
  | ArrayNode
  | MapNode
  | ObjectNode
  | UnsupportedNode;

type Options<N> = Omit<N, 'kind' | 'doc'>;

/**
 * A string field.
 *
 * @param doc - the field's description
 * @param options - length bounds, pattern, default
 */
export function str(doc: string, options: Options<StringNode> = {}): StringNode {
  return { kind: 'string', doc, ...options };
}

/**
 * An integer field.
 *
 * @param doc - the field's description
 * @param options - bounds, default
 */
export function int(doc: string, options: Options<NumberNode> = {}): NumberNode {
  return { kind: 'integer', doc, ...options };
}

/**
 * A number field (any finite JSON number).
 *
 * @param doc - the field's description
 * @param options - bounds, default
 */
export function num(doc: string, options: Options<NumberNode> = {}): NumberNode {
  return { kind: 'number', doc, ...options };
}

/**
 * A boolean field.
 *
 * @param doc - the field's description
 * @param options - default
 */
export function bool(doc: string, options: Options<BooleanNode> = {}): BooleanNode {
  return { kind: 'boolean', doc, ...options };
}

/**
 * A string field restricted to `values`.
 *
 * @param doc - the field's description
 * @param values - the allowed values, in the order documentation should list them
 * @param options - default, a name for long lists
 */
export function oneOf(doc: string, values: readonly string[], options: Omit<Options<EnumNode>, 'values'> = {}): EnumNode {
  return { kind: 'enum', doc, values, ...options };
}

/**
 * An array field.
 *
 * @param doc - the field's description
 * @param items - the node every item follows
 * @param options - item count bounds
 */
export function arr(doc: string, items: SchemaNode, options: Omit<Options<ArrayNode>, 'items'> = {}): ArrayNode {
  return { kind: 'array', doc, items, ...options };
}

/**
 * A string-keyed map field.
 *
 * @param doc - the field's description
 * @param keys - the node every key follows
 * @param values - the node every value follows
 * @param options - entry count bound
 */
export function map(
  doc: string,
  keys: StringNode,
  values: SchemaNode,
  options: Omit<Options<MapNode>, 'keys' | 'values'> = {},
): MapNode {
  return { kind: 'map', doc, keys, values, ...options };
}

/**
 * An object field with known fields.
 *
 * @param doc - the object's description
 * @param fields - its fields, in documentation order
 * @param required - names of the required fields
 * @param options - extension note
 */
export function obj<F extends Record<string, SchemaNode>>(
  doc: string,
  fields: F,
  required: readonly (keyof F & string)[] = [],
  options: Omit<Options<ObjectNode>, 'fields' | 'required'> = {},
): ObjectNode {
  return { kind: 'object', doc, fields, required, ...options };
}

/**
 * A field AMT knows and this tuner rejects.
 *
 * @param doc - what the field means in AMT
 * @param reason - the error message when the field is present (lowercase, says what to do instead)
 */
export function unsupported(doc: string, reason: string): UnsupportedNode {
  return { kind: 'unsupported', doc, reason };
}

/**
 * A copy of `node` with a different description (to reuse a shape under another field).
 *
 * @param node - the node to copy
 * @param doc - the new description
 */
export function withDoc<N extends SchemaNode>(node: N, doc: string): N {
  return { ...node, doc };
}
