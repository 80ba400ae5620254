/**
 * Validating and parsing a tuning input.
 */

import type { TuningSpec } from '../ports';
import { TUNING_INPUT } from './input-model';
import { findJsonSyntaxError } from './json-syntax';
import { error, type Problem } from './problem';
import { definitionRules } from './rules-definition';
import { rangeRules } from './rules-ranges';
import { strategyRules } from './rules-strategy';
import { localDefaultsFor, withLocalDefaults, type LocalDefaultField } from './local-defaults';
import { checkStructure } from './structural';
import { toTuningSpec } from './to-spec';
import type { TuningInput } from './types';
import { viewOf } from './view';

export type { Problem } from './problem';
export type { LocalDefaultField } from './local-defaults';
export { formatProblems } from './format';
export { toTuningSpec } from './to-spec';

/**
 * The outcome of `parseTuningInput`: the input and its spec, or every problem found.
 *
 * On success `warnings` holds the problems of severity `warning` (may be empty); on failure
 * `problems` holds every error and warning, in the order `validateTuningInput` reports them.
 */
export type ParseResult =
  | {
      ok: true;
      /** The input; with `localDefaults`, the left-out cloud-only fields filled in. */
      input: TuningInput;
      spec: TuningSpec;
      warnings: Problem[];
      /** The local defaults applied (empty without `localDefaults` or `LocalConfig`): what a deployed run still needs. */
      localDefaults: LocalDefaultField[];
    }
  | { ok: false; problems: Problem[] };

/** Options of `validateTuningInput` and `parseTuningInput`. */
export interface ValidateOptions {
  /**
   * Validate for local mode: an input with `LocalConfig` may leave out the cloud-only fields
   * that have a local default (`OutputDataConfig`, `ResourceConfig`, `StoppingCondition`,
   * `AlgorithmSpecification.TrainingImage`); they are checked with those defaults. Without
   * it (a deployed run: the state machine's first state, `hpo start`) they are required.
   *
   * @default false
   */
  readonly localDefaults?: boolean;
}

/**
 * Every problem of a raw tuning input, at once: structural problems (types, unknown and
 * missing fields, lengths, patterns, bounds, enums) and cross-field rules (ranges, strategy,
 * budget, Hyperband/ASHA, metrics, compute, spot, channels).
 *
 * The input is valid when no problem has severity `error`. Problems come in document order,
 * structural ones first.
 *
 * @param raw - the parsed JSON (anything)
 * @param options - `localDefaults` for local mode
 */
export function validateTuningInput(raw: unknown, options: ValidateOptions = {}): Problem[] {
  const local = localDefaultsFor(raw);
  const input = options.localDefaults === true ? withLocalDefaults(raw) : raw;
  const structural = checkStructure(TUNING_INPUT, input);
  const view = viewOf(input);
  const problems = (() => {
    if (view === undefined) return structural;
    // A field already reported by the structural check is not reported again by a rule.
    const reported = new Set(structural.map((p) => p.path));
    const crossField = [...rangeRules(view), ...strategyRules(view), ...definitionRules(view)].filter((p) => !reported.has(p.path));
    return [...structural, ...crossField, ...sizeRules(raw)];
  })();
  if (options.localDefaults === true || local.length === 0) return problems;
  // A deployed run of an input written for local mode: say why a field it left out is needed.
  const localOnly = new Set(local.map((f) => f.path));
  return problems.map((p) =>
    localOnly.has(p.path) ? { ...p, message: `${p.message}: a deployed run needs it (only hpo local has a default for it)` } : p,
  );
}

/**
 * The largest tuning input a run can start with, in bytes of its JSON (UTF-8).
 *
 * Step Functions passes at most 256 KiB (262,144 bytes) as an execution's input and as any
 * state's input or output (`States.DataLimitExceeded` beyond). The input reaches Init inside
 * a payload with the execution's id, name and start time; 2 KiB are kept for those.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
export const MAX_TUNING_INPUT_BYTES = 256 * 1024 - 2 * 1024;

/** An input too large to start a run fails before anything starts, with its size and the limit. */
function sizeRules(raw: unknown): Problem[] {
  const bytes = new TextEncoder().encode(JSON.stringify(raw) ?? '').length;
  if (bytes <= MAX_TUNING_INPUT_BYTES) return [];
  return [
    error(
      '$',
      `the tuning input is ${bytes.toLocaleString('en-US')} bytes as JSON; a run can start with at most ${MAX_TUNING_INPUT_BYTES.toLocaleString('en-US')} ` +
        '(Step Functions passes at most 262,144 bytes between states, and the tuner keeps 2,048 for its own fields): ' +
        'shorten StaticHyperParameters, Environment or Tags, or pass large values through an input channel',
    ),
  ];
}

/**
 * Parse and validate a tuning input given as JSON text.
 *
 * Malformed JSON gives exactly one problem at `$` whose message carries the line and column.
 * A leading byte order mark is ignored.
 * A valid input also gives its `TuningSpec` (see `toTuningSpec`).
 *
 * @param jsonText - the content of a tuning.json file or an execution input
 * @param options - `localDefaults` for local mode: the result's `input` has them filled in
 */
export function parseTuningInput(jsonText: string, options: ValidateOptions = {}): ParseResult {
  // Editors on Windows may save a byte order mark; JSON itself does not allow one.
  const text = jsonText.startsWith('\uFEFF') ? jsonText.slice(1) : jsonText;
  const syntax = findJsonSyntaxError(text);
  if (syntax !== undefined) {
    return { ok: false, problems: [error('$', `malformed JSON at line ${syntax.line}, column ${syntax.column}: ${syntax.message}`)] };
  }
  const raw: unknown = JSON.parse(text);
  const problems = validateTuningInput(raw, options);
  if (problems.some((p) => p.severity === 'error')) return { ok: false, problems };
  const localDefaults = options.localDefaults === true ? localDefaultsFor(raw) : [];
  const input = (localDefaults.length > 0 ? withLocalDefaults(raw) : raw) as TuningInput;
  return { ok: true, input, spec: toTuningSpec(input), warnings: problems, localDefaults };
}
