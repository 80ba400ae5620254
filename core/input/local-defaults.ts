/**
 * Local defaults: the cloud-only fields an input with `LocalConfig` may leave out, and the
 * values local mode uses for them. Which fields and which values is said once, by
 * `localDefault` in the input model (`input-model.ts`); this module reads them from there.
 */

import type { JsonValue, SchemaNode } from './dsl';
import { TUNING_INPUT } from './input-model';
import { childPath } from './problem';
import { rec, type Rec } from './view';

/** A field that has a local default: its path from the top of the input, and the value. */
export interface LocalDefaultField {
  /** Field names from the top, e.g. `['TrainingJobDefinition', 'ResourceConfig']`. */
  readonly keys: readonly string[];
  /** Its JSON path, e.g. `$.TrainingJobDefinition.ResourceConfig`. */
  readonly path: string;
  readonly value: JsonValue;
}

function collect(node: SchemaNode, keys: readonly string[], out: LocalDefaultField[]): void {
  if (keys.length > 0 && node.localDefault !== undefined) {
    out.push({ keys, path: keys.reduce<string>((p, k) => childPath(p, k), '$'), value: node.localDefault });
  }
  if (node.kind === 'object') for (const [name, field] of Object.entries(node.fields)) collect(field, [...keys, name], out);
}

/** Every field of the input model with a local default, in document order (parents before their fields). */
export const LOCAL_DEFAULT_FIELDS: readonly LocalDefaultField[] = (() => {
  const out: LocalDefaultField[] = [];
  collect(TUNING_INPUT, [], out);
  return out;
})();

/** Whether the input asks for local mode: it has a `LocalConfig` object. */
export function hasLocalConfig(raw: unknown): boolean {
  return rec(rec(raw)?.LocalConfig) !== undefined;
}

/** A field the input leaves out (its parent is there), or whose `AlgorithmSpecification` names an algorithm instead of an image. */
function leftOut(raw: unknown, field: LocalDefaultField): boolean {
  let parent: Rec | undefined = rec(raw);
  for (const key of field.keys.slice(0, -1)) parent = rec(parent?.[key]);
  if (parent === undefined) return false;
  const name = field.keys[field.keys.length - 1];
  // An image or an algorithm: an input that names an algorithm needs no image.
  if (name === 'TrainingImage' && parent.AlgorithmName !== undefined) return false;
  return parent[name] === undefined;
}

/**
 * The local defaults an input gets: the fields with a local default that it leaves out, when it
 * has `LocalConfig` (none otherwise). A field whose parent is left out too is covered by the
 * parent's default and not listed.
 *
 * @param raw - the parsed JSON (anything)
 */
export function localDefaultsFor(raw: unknown): LocalDefaultField[] {
  if (!hasLocalConfig(raw)) return [];
  return LOCAL_DEFAULT_FIELDS.filter((field) => leftOut(raw, field));
}

/**
 * A copy of the input with its local defaults filled in (see {@link localDefaultsFor}); the
 * input itself is not changed. Without `LocalConfig` the copy equals the input.
 *
 * @param raw - the parsed JSON (anything)
 */
export function withLocalDefaults<T>(raw: T): T {
  const fields = localDefaultsFor(raw);
  if (fields.length === 0) return raw;
  const copy = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  for (const field of fields) {
    let parent = copy;
    for (const key of field.keys.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
    parent[field.keys[field.keys.length - 1]] = JSON.parse(JSON.stringify(field.value)) as unknown;
  }
  return copy as T;
}
