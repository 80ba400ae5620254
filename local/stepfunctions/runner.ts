/**
 * A tiny local Step Functions service over aws-local-stepfunctions.
 *
 * Runs the synthesized ASL of one or more state machines, many executions at once, with every
 * Task overridden in-process: Lambda tasks call the real handler inside the Lambda invoke
 * envelope, `.waitForTaskToken` tasks mint a fresh token per wait and wait for
 * `sendTaskSuccess`/`sendTaskFailure`, and `sfn:startExecution` tasks start a local execution.
 *
 * Checked against aws-local-stepfunctions 3.0.0 (build/main.node.cjs) on Node 20:
 * - It needs `Promise.withResolvers` (see ../polyfills), imported first below.
 * - `$$.Execution.*`, `$$.StateMachine.*` and `$$.Task.Token` come only from `run(input,
 *   { context })`; the context is the same for the whole execution, so `$$.Task.Token` holds a
 *   per-execution placeholder that the wait override replaces by a fresh token.
 * - A Task override receives the input after `InputPath`/`Parameters`; its result then goes
 *   through `ResultSelector`/`ResultPath`/`OutputPath` as usual.
 * - `Retry`/`Catch` match the thrown error's `name`; `Cause` is its `message`.
 * - `TimeoutSeconds` is enforced on overridden tasks with its own `States.Timeout` (catchable;
 *   not matched by `States.TaskFailed`), but a Task without one times out after 60 s: the
 *   definition is prepared with the service default instead (see ./definition).
 * - `abort()` settles the result at once but lets the running state finish; a `Retry` after
 *   an abort re-runs the state, so overrides refuse to start work for a stopped execution.
 */
import '../polyfills';
import { randomUUID } from 'node:crypto';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { prepareDefinition, type TaskStateInfo } from './definition';
import { SfnServiceError } from './errors';
import {
  type ExecutionDescription,
  type ExecutionEvent,
  type ExecutionResult,
  type ExecutionStatus,
  type ExecutionStatusChangeEvent,
  statusChangeEvent,
} from './events';
import { MAX_PAYLOAD_BYTES, type LambdaHandler } from './lambda';
import { taskOverrides, toLib } from './task-overrides';
import { TaskTokenRegistry } from './task-tokens';

export type { LambdaContextLike, LambdaHandler } from './lambda';
export type {
  ExecutionDescription,
  ExecutionEvent,
  ExecutionResult,
  ExecutionStatus,
  ExecutionStatusChangeEvent,
} from './events';

/** The library's event log entry, derived from what it exports. */
type LibEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/** How `.waitForTaskToken` tasks wait. */
export interface TaskTokenWaitOptions {
  /**
   * Replaces the `TimeoutSeconds` of these Task states (by name), in milliseconds, so a test or
   * local mode can poll faster than the deployed machine. When a wait times out, the task fails
   * with `States.Timeout` and its token answers `TaskTimedOut` from then on.
   *
   * @default - the definition's own timeouts
   */
  readonly timeoutOverridesMs?: Readonly<Record<string, number>>;
}

/** A state machine to run locally. */
export interface LocalStateMachineOptions {
  /** The ASL definition (JSONPath; aws-local-stepfunctions ignores JSONata). */
  readonly definition: object;
  /** E.g. `arn:aws:states:us-east-1:000000000000:stateMachine:HpoTuner`. Region and account come from it. */
  readonly stateMachineArn: string;
  /**
   * The handler of every Lambda-invoking Task state, by state name. Called in-process with the
   * `Payload` parameter. A handler may also take over a Task with another resource; it then gets
   * the state's parameters and its result is the task result, unwrapped.
   */
  readonly handlers: Readonly<Record<string, LambdaHandler>>;
  /** @default - tokens wait until the definition's timeouts */
  readonly taskTokenWaits?: TaskTokenWaitOptions;
  /** Replaces `Wait` state durations (ms, by state name). @default - the definition's */
  readonly waitTimeOverrides?: Readonly<Record<string, number>>;
  /** Replaces `Retry` intervals (ms, by state name, or per retrier). @default - the definition's */
  readonly retryIntervalOverrides?: Readonly<Record<string, number | number[]>>;
  /** Called for every step of every execution (state entered/exited/failed/retried/caught). */
  readonly onEvent?: (event: ExecutionEvent) => void;
  /** `$$.Execution.RoleArn`. @default - arn:aws:iam::<account>:role/<state machine name>Role */
  readonly roleArn?: string;
}

/** Options for {@link LocalStepFunctions}. */
export interface LocalStepFunctionsOptions {
  /** State machines to create at once; more can be added with `createStateMachine`. @default - none */
  readonly stateMachines?: readonly LocalStateMachineOptions[];
}

/** Arguments of {@link LocalStepFunctions.startExecution}, as the `StartExecution` API takes them. */
export interface StartExecutionArgs {
  readonly stateMachineArn: string;
  /** The input, a JSON string. @default '{}' */
  readonly input?: string;
  /** 1 to 80 characters, unique per state machine. @default - a UUID */
  readonly name?: string;
}

/** What {@link LocalStepFunctions.startExecution} returns. */
export interface StartExecutionResult {
  readonly executionArn: string;
  readonly startDate: Date;
}

interface Machine {
  readonly options: LocalStateMachineOptions;
  readonly arn: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly stateMachine: StateMachine;
  readonly tasks: ReadonlyMap<string, TaskStateInfo>;
}

interface Execution {
  readonly machine: Machine;
  description: ExecutionDescription;
  /** Placeholder standing for `$$.Task.Token` in this execution's context. */
  readonly tokenPlaceholder: string;
  abort: () => void;
  readonly finished: Promise<void>;
  markFinished: () => void;
}

const ARN_PATTERN = /^arn:[\w-]+:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;
// Names must not contain white space, brackets < > { } [ ], wildcards ? *, special characters
// " # % \ ^ | ~ ` $ & , ; : / or control characters (StartExecution API reference).
const INVALID_NAME_CHARS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

/** A tiny local Step Functions service: many executions of one or more state machines. */
export class LocalStepFunctions {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly tokens = new TaskTokenRegistry();
  private readonly listeners = new Set<(event: ExecutionStatusChangeEvent) => void>();
  private closed = false;

  constructor(options: LocalStepFunctionsOptions = {}) {
    for (const machine of options.stateMachines ?? []) this.createStateMachine(machine);
  }

  /**
   * Adds a state machine.
   *
   * @throws Error when the ARN is malformed or taken, the definition is invalid (asl-validator),
   *   a Lambda task has no handler, or a handler names no Task state
   */
  createStateMachine(options: LocalStateMachineOptions): void {
    const match = ARN_PATTERN.exec(options.stateMachineArn);
    if (!match) {
      throw new Error(
        `state machine arn must look like arn:aws:states:<region>:<account>:stateMachine:<name>, got "${options.stateMachineArn}"`,
      );
    }
    if (this.machines.has(options.stateMachineArn)) throw new Error(`state machine ${options.stateMachineArn} already exists`);
    validateOnce(options.definition);
    const prepared = prepareDefinition(options.definition, options.taskTokenWaits?.timeoutOverridesMs);
    checkHandlers(prepared.tasks, options.handlers);
    const [, region, account, name] = match;
    this.machines.set(options.stateMachineArn, {
      options,
      arn: options.stateMachineArn,
      name,
      region,
      account,
      stateMachine: new StateMachine(prepared.definition as StateMachineDefinition, { validationOptions: { noValidate: true } }),
      tasks: prepared.tasks,
    });
  }

  /**
   * Starts an execution, like `StartExecution`.
   *
   * Idempotent like the service: the same name and input as a RUNNING execution returns that
   * execution; the same name otherwise throws `ExecutionAlreadyExists`.
   * @throws SfnServiceError `StateMachineDoesNotExist`, `InvalidName`, `InvalidExecutionInput`, `ExecutionAlreadyExists`
   */
  startExecution(args: StartExecutionArgs): StartExecutionResult {
    if (this.closed) throw new Error('the local step functions service is closed');
    const machine = this.machines.get(args.stateMachineArn);
    if (!machine) throw new SfnServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${args.stateMachineArn}'`);
    const name = args.name ?? randomUUID();
    if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARS.test(name)) {
      throw new SfnServiceError('InvalidName', `Invalid Name: '${name}'`);
    }
    const input = args.input ?? '{}';
    const inputBytes = Buffer.byteLength(input, 'utf8');
    if (inputBytes > MAX_PAYLOAD_BYTES) {
      throw new SfnServiceError(
        'ValidationException',
        `1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to ${MAX_PAYLOAD_BYTES} (was ${inputBytes} bytes)`,
      );
    }
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new SfnServiceError('InvalidExecutionInput', `Invalid State Machine Execution Input: the input is not valid JSON`);
    }
    const executionArn = `arn:aws:states:${machine.region}:${machine.account}:execution:${machine.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.description.status === 'RUNNING' && existing.description.input === input) {
        return { executionArn, startDate: existing.description.startDate };
      }
      throw new SfnServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const execution = this.newExecution(machine, executionArn, name, input);
    this.executions.set(executionArn, execution);
    this.emit(execution);
    this.run(execution, parsedInput);
    return { executionArn, startDate: execution.description.startDate };
  }

  /**
   * Describes an execution, like `DescribeExecution`.
   *
   * @throws SfnServiceError `ExecutionDoesNotExist`
   */
  describeExecution(executionArn: string): ExecutionDescription {
    return { ...this.get(executionArn).description };
  }

  /** Lists executions, newest first, like `ListExecutions` (without paging). */
  listExecutions(filter: { stateMachineArn?: string; statusFilter?: ExecutionStatus } = {}): ExecutionDescription[] {
    if (filter.stateMachineArn !== undefined && !this.machines.has(filter.stateMachineArn)) {
      throw new SfnServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${filter.stateMachineArn}'`);
    }
    return [...this.executions.values()]
      .map((e) => e.description)
      .filter((d) => filter.stateMachineArn === undefined || d.stateMachineArn === filter.stateMachineArn)
      .filter((d) => filter.statusFilter === undefined || d.status === filter.statusFilter)
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime())
      .map((d) => ({ ...d }));
  }

  /**
   * Stops a running execution, like `StopExecution`: status ABORTED at once, the status-change
   * event emitted, pending task-token waits cancelled (their tokens answer `TaskTimedOut`).
   * A Lambda handler already running finishes, as it would in AWS. No-op on a finished execution.
   *
   * @throws SfnServiceError `ExecutionDoesNotExist`
   */
  stopExecution(executionArn: string, options: { error?: string; cause?: string } = {}): { stopDate: Date } {
    const execution = this.get(executionArn);
    if (execution.description.status === 'RUNNING') {
      this.finish(execution, { status: 'ABORTED', error: options.error, cause: options.cause });
      execution.abort();
    }
    return { stopDate: execution.description.stopDate ?? new Date() };
  }

  /**
   * `SendTaskSuccess`: ends the wait that was given `taskToken`; `output` (a JSON string)
   * becomes the task's result.
   *
   * @throws SfnServiceError `InvalidToken` (unknown token), `TaskTimedOut` (closed: used, timed
   *   out, or its execution ended), `InvalidOutput`
   */
  sendTaskSuccess(taskToken: string, output: string): void {
    this.tokens.succeed(taskToken, output);
  }

  /**
   * `SendTaskFailure`: fails the waiting task with `error` and `cause`, which `Retry`/`Catch` match.
   *
   * @throws SfnServiceError `InvalidToken`, `TaskTimedOut`
   */
  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.tokens.fail(taskToken, error, cause);
  }

  /**
   * `SendTaskHeartbeat`: checks the token. `HeartbeatSeconds` is not enforced locally.
   *
   * @throws SfnServiceError `InvalidToken`, `TaskTimedOut`
   */
  sendTaskHeartbeat(taskToken: string): void {
    this.tokens.heartbeat(taskToken);
  }

  /**
   * The state machine of the execution a task token was issued to (also once the token has
   * closed), or undefined for a token this service never issued. AWS authorizes
   * `SendTaskSuccess`/`SendTaskFailure`/`SendTaskHeartbeat` against it: the twin's IAM
   * layer asks here (`resourceForTaskToken`).
   */
  stateMachineArnForTaskToken(taskToken: string): string | undefined {
    const executionArn = this.tokens.executionArnOf(taskToken);
    return executionArn === undefined ? undefined : this.executions.get(executionArn)?.description.stateMachineArn;
  }

  /**
   * Waits until an execution is no longer RUNNING and returns its description.
   *
   * @throws Error after `timeoutMs`, naming the execution and the state it is in
   */
  async waitForExecution(executionArn: string, timeoutMs = 10_000): Promise<ExecutionResult> {
    const execution = this.get(executionArn);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`execution ${executionArn} is still RUNNING after ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([execution.finished, timeout]);
    } finally {
      clearTimeout(timer);
    }
    return this.describeExecution(executionArn);
  }

  /**
   * Subscribes to "Step Functions Execution Status Change" events (RUNNING, SUCCEEDED, FAILED,
   * ABORTED, TIMED_OUT), in the shape EventBridge delivers. Returns the unsubscribe function.
   */
  onStatusChange(listener: (event: ExecutionStatusChangeEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Aborts every running execution (without status events), cancels all waits, forgets listeners. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    for (const execution of this.executions.values()) {
      if (execution.description.status === 'RUNNING') {
        this.finish(execution, { status: 'ABORTED', cause: 'the local step functions service closed' });
        execution.abort();
      }
    }
    this.tokens.clear();
  }

  // ---- executions ------------------------------------------------------------------------

  private get(executionArn: string): Execution {
    const execution = this.executions.get(executionArn);
    if (!execution) throw new SfnServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return execution;
  }

  private newExecution(machine: Machine, executionArn: string, name: string, input: string): Execution {
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    return {
      machine,
      description: { executionArn, stateMachineArn: machine.arn, name, status: 'RUNNING', startDate: new Date(), input },
      tokenPlaceholder: `local-sfn-task-token-placeholder-${randomUUID()}`,
      abort: () => undefined,
      finished,
      markFinished,
    };
  }

  private run(execution: Execution, input: unknown): void {
    const { machine, description } = execution;
    const run = machine.stateMachine.run(toLib(input), {
      overrides: {
        taskResourceLocalHandlers: taskOverrides({
          executionArn: description.executionArn,
          tasks: machine.tasks,
          handlers: machine.options.handlers,
          region: machine.region,
          account: machine.account,
          tokenPlaceholder: execution.tokenPlaceholder,
          tokens: this.tokens,
          status: () => execution.description.status,
          startExecution: (args) => this.startExecution(args),
        }),
        waitTimeOverrides: { ...machine.options.waitTimeOverrides },
        retryIntervalOverrides: { ...machine.options.retryIntervalOverrides },
      },
      context: {
        Execution: {
          Id: description.executionArn,
          Name: description.name,
          RoleArn: machine.options.roleArn ?? `arn:aws:iam::${machine.account}:role/${machine.name}Role`,
          StartTime: description.startDate.toISOString(),
          Input: toLib(input),
        },
        StateMachine: { Id: machine.arn, Name: machine.name },
        Task: { Token: execution.tokenPlaceholder },
      },
    });
    execution.abort = run.abort;
    void this.followEvents(execution, run.eventLogs);
    run.result.then(
      (output) => this.finish(execution, { status: 'SUCCEEDED', output: JSON.stringify(output) }),
      (err: unknown) => this.finish(execution, failureOf(err)),
    );
  }

  private async followEvents(execution: Execution, events: AsyncGenerator<LibEvent>): Promise<void> {
    const executionArn = execution.description.executionArn;
    for await (const event of events) {
      const mapped = toExecutionEvent(executionArn, event);
      const oversized = oversizedState(event);
      if (oversized !== undefined) {
        // Step Functions fails the execution (States.DataLimitExceeded cannot be caught here).
        this.finish(execution, { status: 'FAILED', error: 'States.DataLimitExceeded', cause: oversized });
        execution.abort();
      }
      // A wait whose timeout came from TimeoutSecondsPath has no timer of its own: close it here.
      if (event.type === 'StateFailed' && event.Error === 'States.Timeout') {
        this.tokens.closeTimedOut(executionArn, event.state.name, event.timestamp);
      }
      try {
        execution.machine.options.onEvent?.(mapped);
      } catch (err) {
        process.emitWarning(`onEvent listener threw: ${String(err)}`);
      }
    }
  }

  private finish(execution: Execution, end: { status: ExecutionStatus; output?: string; error?: string; cause?: string }): void {
    if (execution.description.status !== 'RUNNING') return; // stopped before the library settled
    execution.description = { ...execution.description, ...end, stopDate: new Date() };
    this.tokens.closeExecution(execution.description.executionArn, `execution ${end.status.toLowerCase()}`);
    execution.markFinished();
    this.emit(execution);
  }

  private emit(execution: Execution): void {
    const event = statusChangeEvent(execution.description, execution.machine.region, execution.machine.account);
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        process.emitWarning(`status change listener threw: ${String(err)}`);
      }
    }
  }
}

/** Definitions already validated (asl-validator takes hundreds of ms on a busy machine). */
const validDefinitions = new Set<string>();

/**
 * Validates the definition as written, with asl-validator through the library's constructor
 * (the prepared copy runs unvalidated: its timeouts may be fractional).
 */
function validateOnce(definition: object): void {
  const key = JSON.stringify(definition);
  if (validDefinitions.has(key)) return;
  new StateMachine(definition as StateMachineDefinition);
  validDefinitions.add(key);
}

/** Every Lambda task needs a handler; every handler must name a Task state. */
function checkHandlers(tasks: ReadonlyMap<string, TaskStateInfo>, handlers: Readonly<Record<string, LambdaHandler>>): void {
  const problems: string[] = [];
  for (const task of tasks.values()) {
    if (task.kind === 'sfn-start-execution' || handlers[task.name] !== undefined) continue;
    problems.push(
      task.kind === 'other'
        ? `task state "${task.name}" uses resource ${task.resource}, which the local twin does not emulate: give it a handler`
        : `task state "${task.name}" invokes Lambda but has no handler`,
    );
  }
  for (const name of Object.keys(handlers)) {
    if (!tasks.has(name)) problems.push(`handler "${name}" names no task state (task states: ${[...tasks.keys()].join(', ')})`);
  }
  if (problems.length > 0) throw new Error(`cannot run the state machine locally: ${problems.join('; ')}`);
}

/** Maps the library's rejection to the execution's end. */
function failureOf(err: unknown): { status: ExecutionStatus; error?: string; cause?: string } {
  if (err instanceof ExecutionAbortedError) return { status: 'ABORTED' };
  if (err instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'the execution ran longer than its TimeoutSeconds' };
  }
  const caught = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
  if (caught instanceof Error) return { status: 'FAILED', error: caught.name, cause: caught.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(caught) };
}

/**
 * The cause Step Functions gives when a state's input or output is over 256 KiB, or undefined.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html
 */
function oversizedState(event: LibEvent): string | undefined {
  if (!('state' in event)) return undefined;
  const { state } = event;
  for (const [what, value] of [['input', state.input], ['output', state.output]] as const) {
    if (value === undefined) continue;
    const bytes = Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');
    if (bytes > MAX_PAYLOAD_BYTES) {
      return what === 'output'
        ? `The state/task '${state.name}' returned a result with a size exceeding the maximum number of bytes service limit (${bytes} > ${MAX_PAYLOAD_BYTES}).`
        : `The state/task '${state.name}' has an input with a size exceeding the maximum number of bytes service limit (${bytes} > ${MAX_PAYLOAD_BYTES}).`;
    }
  }
  return undefined;
}

function toExecutionEvent(executionArn: string, event: LibEvent): ExecutionEvent {
  const base = { executionArn, type: event.type, timestamp: new Date(event.timestamp) };
  const state = 'state' in event ? event.state : undefined;
  const failure = 'Error' in event ? { error: event.Error, cause: event.Cause } : {};
  return {
    ...base,
    ...(state ? { stateName: state.name, stateType: state.type, input: state.input, output: state.output } : {}),
    ...('output' in event && !state ? { output: event.output } : {}),
    ...failure,
  };
}
