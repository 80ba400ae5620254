/**
 * Reading and preparing an ASL definition for aws-local-stepfunctions.
 *
 * Pure functions over JSON: find the Task states (also inside Parallel branches and Map
 * processors), classify their resources, and rewrite timeouts the library would get wrong.
 */

/** How the twin runs a Task state, from its `Resource`. */
export type TaskKind =
  /** `arn:aws:states:::lambda:invoke`: the handler, wrapped in the Lambda invoke envelope. */
  | 'lambda-invoke'
  /** `arn:aws:states:::lambda:invoke.waitForTaskToken`: the handler, then a wait for the token. */
  | 'lambda-invoke-wait'
  /** A Lambda function ARN as the resource: the handler, its result unwrapped. */
  | 'lambda-function'
  /** `arn:aws:states:::aws-sdk:sfn:startExecution` or `arn:aws:states:::states:startExecution`. */
  | 'sfn-start-execution'
  /** Anything else; runs only when a handler is given for the state, called with the parameters. */
  | 'other';

/** A Task state found in a definition. */
export interface TaskStateInfo {
  readonly name: string;
  readonly resource: string;
  readonly kind: TaskKind;
  /**
   * The timeout the prepared definition enforces, in ms.
   * Undefined when it comes from `TimeoutSecondsPath` (known only at run time).
   */
  readonly timeoutMs: number | undefined;
}

/**
 * The largest timeout a Node timer can hold (2^31 - 1 ms, about 24.8 days), in whole seconds.
 * A longer `setTimeout` fires at once, so longer timeouts are clamped to it.
 */
export const MAX_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Classifies a Task `Resource` ARN (any partition). */
export function classifyResource(resource: string): TaskKind {
  if (/^arn:[\w-]+:states:::lambda:invoke$/.test(resource)) return 'lambda-invoke';
  if (/^arn:[\w-]+:states:::lambda:invoke\.waitForTaskToken$/.test(resource)) return 'lambda-invoke-wait';
  if (/^arn:[\w-]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(resource)) return 'lambda-function';
  if (/^arn:[\w-]+:states:::(aws-sdk:sfn|states):startExecution$/.test(resource)) return 'sfn-start-execution';
  return 'other';
}

/** Calls `visit` on every state map of the definition: the top level, Parallel branches, Map processors. */
function forEachStatesMap(definition: JsonObject, visit: (states: JsonObject) => void): void {
  const states = definition.States;
  if (!isObject(states)) return;
  visit(states);
  for (const state of Object.values(states)) {
    if (!isObject(state)) continue;
    if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
      for (const branch of state.Branches) if (isObject(branch)) forEachStatesMap(branch, visit);
    }
    if (state.Type === 'Map') {
      for (const sub of [state.ItemProcessor, state.Iterator]) if (isObject(sub)) forEachStatesMap(sub, visit);
    }
  }
}

/**
 * The path into a Task's effective input (its `Parameters` output) that holds what `path` selects
 * in its state input: the member of `Parameters` (at any depth) whose value is `"<path>"` under a
 * `.$` key. `path` itself when there is none.
 */
export function timeoutPathForLibrary(path: string, parameters: unknown): string {
  const search = (node: unknown, at: string): string | undefined => {
    if (!isObject(node)) return undefined;
    for (const [key, value] of Object.entries(node)) {
      if (key.endsWith('.$') && value === path) return `${at}.${key.slice(0, -2)}`;
      const inner = search(value, `${at}.${key}`);
      if (inner !== undefined) return inner;
    }
    return undefined;
  };
  return search(parameters, '$') ?? path;
}

/** The result of {@link prepareDefinition}. */
export interface PreparedDefinition {
  /** A deep copy of the definition, with timeouts rewritten. */
  readonly definition: object;
  /** Every Task state, by name. */
  readonly tasks: ReadonlyMap<string, TaskStateInfo>;
}

/**
 * Copies a definition and rewrites Task timeouts for aws-local-stepfunctions.
 *
 * - A Task without `TimeoutSeconds`/`TimeoutSecondsPath` gets the service's default (99999999 s,
 *   clamped to {@link MAX_TIMEOUT_SECONDS}): the library would otherwise time it out after 60 s.
 * - Any `TimeoutSeconds` (state or top level) above {@link MAX_TIMEOUT_SECONDS} is clamped.
 * - `timeoutOverridesMs[stateName]` replaces that Task's timeout (fractions of a second are fine:
 *   the library multiplies by 1000; run the prepared definition without validation).
 * - `TimeoutSecondsPath` is resolved by Step Functions against the state's input; the library
 *   resolves it against the effective input (after `Parameters`). Where `Parameters` copies the
 *   path's value (`"x.$": "$.waitSeconds"`, at any depth), the path is rewritten to that copy, so
 *   both read the same number ({@link timeoutPathForLibrary}).
 *
 * @throws Error when an override names no Task state, or when Task state names repeat
 *   (the library keys its overrides by state name alone)
 */
export function prepareDefinition(
  definition: object,
  timeoutOverridesMs: Readonly<Record<string, number>> = {},
): PreparedDefinition {
  const copy = JSON.parse(JSON.stringify(definition)) as JsonObject;
  const tasks = new Map<string, TaskStateInfo>();
  if (typeof copy.TimeoutSeconds === 'number') copy.TimeoutSeconds = Math.min(copy.TimeoutSeconds, MAX_TIMEOUT_SECONDS);

  forEachStatesMap(copy, (states) => {
    for (const [name, state] of Object.entries(states)) {
      if (!isObject(state) || state.Type !== 'Task') continue;
      if (tasks.has(name)) throw new Error(`task state names must be unique for the local twin: "${name}" appears twice`);
      const resource = typeof state.Resource === 'string' ? state.Resource : '';
      const override = timeoutOverridesMs[name];
      let timeoutMs: number | undefined;
      if (override !== undefined) {
        if (!(override > 0)) throw new Error(`timeout override for "${name}" must be > 0 ms, got ${override}`);
        delete state.TimeoutSecondsPath;
        state.TimeoutSeconds = Math.min(override / 1000, MAX_TIMEOUT_SECONDS);
        timeoutMs = override;
      } else if (typeof state.TimeoutSeconds === 'number') {
        state.TimeoutSeconds = Math.min(state.TimeoutSeconds, MAX_TIMEOUT_SECONDS);
        timeoutMs = state.TimeoutSeconds * 1000;
      } else if (typeof state.TimeoutSecondsPath === 'string') {
        state.TimeoutSecondsPath = timeoutPathForLibrary(state.TimeoutSecondsPath, state.Parameters);
      } else {
        state.TimeoutSeconds = MAX_TIMEOUT_SECONDS;
        timeoutMs = MAX_TIMEOUT_SECONDS * 1000;
      }
      tasks.set(name, { name, resource, kind: classifyResource(resource), timeoutMs });
    }
  });

  const unknown = Object.keys(timeoutOverridesMs).filter((name) => !tasks.has(name));
  if (unknown.length > 0) {
    throw new Error(`timeout overrides name no task state: ${unknown.join(', ')} (task states: ${[...tasks.keys()].join(', ')})`);
  }
  return { definition: copy, tasks };
}

/** Replaces every occurrence of `search` in the strings of a JSON value (keys untouched). */
export function replaceInStrings(value: unknown, search: string, replacement: string): unknown {
  if (typeof value === 'string') return value.split(search).join(replacement);
  if (Array.isArray(value)) return value.map((v) => replaceInStrings(v, search, replacement));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceInStrings(v, search, replacement)]));
  }
  return value;
}
