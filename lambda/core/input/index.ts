/**
 * The tuning input: its types, validation, parsing into a `TuningSpec`, and the field
 * description the JSON Schema and docs/input-reference.md are generated from.
 */

export { formatProblems, parseTuningInput, toTuningSpec, validateTuningInput } from './validate';
export type { ParseResult, Problem } from './validate';
export type * from './types';
export { TUNING_INPUT } from './input-model';
export { renderJsonSchema, toJsonSchema, tuningInputJsonSchema } from './json-schema';
export type { JsonSchema } from './json-schema';
export { renderReference } from './reference-doc';
