/**
 * Errors of the local Step Functions twin.
 *
 * Two families:
 * - {@link SfnServiceError}: what the Step Functions API answers a caller (`TaskTimedOut`,
 *   `InvalidToken`, ...). The HTTP endpoint turns them into `{__type, message}` with status 400,
 *   which `@aws-sdk/client-sfn` rethrows as errors with the same `name`.
 * - {@link StatesTaskError}: how a Task state fails inside an execution. aws-local-stepfunctions
 *   matches `Retry`/`Catch` `ErrorEquals` against the thrown error's `name` (exactly, plus
 *   `States.ALL`, and `States.TaskFailed` for anything but its own `States.Timeout`), and puts
 *   the error's `message` into the catcher's `Cause`. It reads `isRetryable`/`isCatchable`
 *   when present (default true).
 */

/** Error names the Step Functions API answers with, as `@aws-sdk/client-sfn` names them. */
export type SfnErrorName =
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidToken'
  | 'StateMachineDoesNotExist'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'ValidationException';

/** An error answered by the local Step Functions API, named like the service's. */
export class SfnServiceError extends Error {
  /** HTTP status the endpoint answers with (the service uses 400 for all of these). */
  readonly httpStatus = 400;

  constructor(
    override readonly name: SfnErrorName,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A Task state failure, with the `Error` and `Cause` Step Functions would record.
 *
 * `message` is the `Cause`: aws-local-stepfunctions copies it into the catcher's output.
 */
export class StatesTaskError extends Error {
  /** Whether `Retry` may match it (read by aws-local-stepfunctions). */
  readonly isRetryable: boolean;
  /** Whether `Catch` may match it (read by aws-local-stepfunctions). */
  readonly isCatchable: boolean;

  constructor(errorName: string, cause: string, options: { terminal?: boolean } = {}) {
    super(cause);
    this.name = errorName;
    this.isRetryable = !options.terminal;
    this.isCatchable = !options.terminal;
  }
}

/**
 * A failure no `Retry` or `Catch` may handle (like the service's `States.Runtime`): a definition
 * the twin cannot run, a payload over the limit, or a task cancelled because its execution stopped.
 */
export function terminalError(errorName: string, cause: string): StatesTaskError {
  return new StatesTaskError(errorName, cause, { terminal: true });
}
