/**
 * The tuning input: its types, validation, parsing into a `TuningSpec`, and the field
 * description the JSON Schema and docs/input-reference.md are generated from.
 */

export { formatProblems, parseTuningInput, toTuningSpec, validateTuningInput } from './validate';
export type { LocalDefaultField, ParseResult, Problem, ValidateOptions } from './validate';
export { hasLocalConfig, LOCAL_DEFAULT_FIELDS, localDefaultsFor, withLocalDefaults } from './local-defaults';
export type * from './types';
export { TUNING_INPUT } from './input-model';
export { renderJsonSchema, toJsonSchema, tuningInputJsonSchema } from './json-schema';
export type { JsonSchema } from './json-schema';
export { renderReference } from './reference-doc';
