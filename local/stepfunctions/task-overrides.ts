/**
 * The Task state overrides one execution runs with: every Task is replaced by an in-process call.
 *
 * - `lambda:invoke`: the handler with the `Payload` parameter, its result in the invoke envelope.
 * - `lambda:invoke.waitForTaskToken`: a fresh token per wait replaces the execution's
 *   `$$.Task.Token` placeholder in the payload; the handler runs; the task then waits for
 *   `SendTaskSuccess`/`SendTaskFailure` with that token, or times out.
 * - `aws-sdk:sfn:startExecution` / `states:startExecution`: a new local execution; the result
 *   is `{ ExecutionArn, StartDate }` (StartDate as an ISO-8601 string).
 * - A Lambda function ARN, or any other resource a handler was given for: the handler with the
 *   state's parameters, its result unwrapped.
 */
import type { RunOptions } from 'aws-local-stepfunctions';
import { replaceInStrings, type TaskStateInfo } from './definition';
import { SfnServiceError, StatesTaskError, terminalError } from './errors';
import type { ExecutionStatus } from './events';
import { checkPayloadSize, functionNameOf, invokeEnvelope, invokeHandler, lambdaContext, type LambdaHandler } from './lambda';
import type { TaskTokenRegistry } from './task-tokens';

type LibOverrides = NonNullable<RunOptions['overrides']>;
/** The library's `taskResourceLocalHandlers` option. */
export type LibTaskOverrides = NonNullable<LibOverrides['taskResourceLocalHandlers']>;
type LibJson = Parameters<LibTaskOverrides[string]>[0];

/** Our JSON values are the library's: the one cast between the two. */
export const toLib = (value: unknown): LibJson => value as LibJson;

/** What the overrides of one execution need from the service. */
export interface TaskOverrideContext {
  readonly executionArn: string;
  readonly tasks: ReadonlyMap<string, TaskStateInfo>;
  readonly handlers: Readonly<Record<string, LambdaHandler>>;
  readonly region: string;
  readonly account: string;
  /** The value `$$.Task.Token` holds in this execution's context. */
  readonly tokenPlaceholder: string;
  readonly tokens: TaskTokenRegistry;
  /** The execution's current status: no task starts once it is not RUNNING. */
  readonly status: () => ExecutionStatus;
  readonly startExecution: (args: { stateMachineArn: string; input?: string; name?: string }) => {
    executionArn: string;
    startDate: Date;
  };
}

/** Builds the overrides for every Task state of one execution. */
export function taskOverrides(ctx: TaskOverrideContext): LibTaskOverrides {
  const overrides: LibTaskOverrides = {};
  for (const task of ctx.tasks.values()) {
    overrides[task.name] = (input: LibJson): Promise<LibJson> => {
      // After an abort the library still runs a pending Retry: refuse to start new work.
      const status = ctx.status();
      if (status !== 'RUNNING') return Promise.reject(terminalError('States.Runtime', `execution ${status.toLowerCase()}`));
      // Runs synchronously up to its first await: a wait's token (and its timer) exists before the
      // library starts its own TimeoutSeconds timer, so the token closes no later than the task fails.
      return runTask(ctx, task, input).then(toLib);
    };
  }
  return overrides;
}

function paramsOf(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? (input as Record<string, unknown>) : {};
}

function runTask(ctx: TaskOverrideContext, task: TaskStateInfo, input: unknown): Promise<unknown> {
  const handler = ctx.handlers[task.name];
  if (task.kind === 'sfn-start-execution' && handler === undefined) return startExecutionTask(ctx, task, input);
  if (handler === undefined) return Promise.reject(terminalError('States.Runtime', `no handler for task state "${task.name}"`));
  const params = paramsOf(input);
  const context = lambdaContext(functionNameOf(params.FunctionName, task.name), ctx.region, ctx.account);

  switch (task.kind) {
    case 'lambda-invoke':
      return invokeHandler(handler, params.Payload ?? {}, context).then((payload) => {
        const envelope = invokeEnvelope(payload, context.awsRequestId);
        checkPayloadSize(envelope, task.name);
        return envelope;
      });
    case 'lambda-invoke-wait': {
      const wait = ctx.tokens.mint(ctx.executionArn, task.name, task.timeoutMs);
      const payload = replaceInStrings(params.Payload ?? {}, ctx.tokenPlaceholder, wait.token);
      return invokeHandler(handler, payload, context).then(
        () =>
          wait.result.then((output) => {
            checkPayloadSize(output, task.name);
            return output;
          }),
        (err: unknown) => {
          // The invocation itself failed: the task fails with its error, and the token is dead.
          ctx.tokens.closeToken(wait.token);
          throw err;
        },
      );
    }
    default:
      // A Lambda function ARN as resource, or any resource a handler takes over: no envelope.
      return invokeHandler(handler, input, context).then((result) => {
        checkPayloadSize(result, task.name);
        return result;
      });
  }
}

async function startExecutionTask(ctx: TaskOverrideContext, task: TaskStateInfo, input: unknown): Promise<unknown> {
  const params = paramsOf(input);
  const rawInput = params.Input;
  try {
    const started = ctx.startExecution({
      stateMachineArn: String(params.StateMachineArn),
      input: rawInput === undefined ? undefined : typeof rawInput === 'string' ? rawInput : JSON.stringify(rawInput),
      name: typeof params.Name === 'string' ? params.Name : undefined,
    });
    return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
  } catch (err) {
    // AWS SDK integration errors are named <Service>.<Error>, with the Exception suffix.
    if (err instanceof SfnServiceError) throw new StatesTaskError(`Sfn.${err.name}Exception`, err.message);
    throw terminalError('States.Runtime', `task state "${task.name}" could not start an execution: ${String(err)}`);
  }
}
