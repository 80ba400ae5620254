/**
 * Named domain errors. The state machine catches them by `name` (Lambda reports a thrown
 * error's name as the Step Functions error), so names are part of the public contract.
 *
 * Every class sets `name` to a string literal: bundlers that minify rename classes, and
 * Step Functions would then see the new name. The names the state machine matches are listed
 * in `ERROR_NAMES` (lib/private/definition.ts).
 *
 * Every error has a class (see docs/design.md "Failure semantics"):
 * - retry: `TransientError`, `ConcurrentTick`, `FinalizeIncomplete` (the state machine retries
 *   with jittered backoff; a run never fails because of them);
 * - fail the run: `PermissionDenied`, `RequestRejected` (an AWS call that will not succeed
 *   by retrying: the run ends `Failed` with the message as its reason);
 * - bad input: `InvalidTuningInput`, `RunAlreadyExists` (nothing started).
 */

/** Base class of the tuner's named errors. */
export abstract class TunerError extends Error {
  /** The error's name, a string literal set by each subclass (what Step Functions matches). */
  abstract override readonly name: string;
}

/** The tuning input is invalid; the message lists every problem. No job was started. */
export class InvalidTuningInput extends TunerError {
  override readonly name = 'InvalidTuningInput';
  constructor(message: string) {
    super(message);
  }
}

/** A run with this `HyperParameterTuningJobName` already exists. */
export class RunAlreadyExists extends TunerError {
  override readonly name = 'RunAlreadyExists';
  constructor(readonly runId: string) {
    super(`run '${runId}' already exists: choose another HyperParameterTuningJobName`);
  }
}

/** The run does not exist in the results table. */
export class RunNotFound extends TunerError {
  override readonly name = 'RunNotFound';
  constructor(readonly runId: string) {
    super(`run '${runId}' not found`);
  }
}

/** The run has no training job record with this name. */
export class JobNotFound extends TunerError {
  override readonly name = 'JobNotFound';
  constructor(
    readonly runId: string,
    readonly jobName: string,
  ) {
    super(`run '${runId}': training job '${jobName}' not found`);
  }
}

/** Another tick committed first (a retried or overlapping invocation); the tick is safe to retry. */
export class ConcurrentTick extends TunerError {
  override readonly name = 'ConcurrentTick';
  constructor(
    readonly runId: string,
    readonly expectedTickSeq: number,
  ) {
    super(`run '${runId}': another tick committed after tick ${expectedTickSeq}; retry`);
  }
}

/**
 * A failure that goes away by retrying: throttling, a 5xx answer, a timeout or a network error
 * that outlived the SDK's own retries. The state machine retries with jittered backoff and never
 * turns it into a failed run.
 */
export class TransientError extends TunerError {
  override readonly name = 'TransientError';
  constructor(message: string) {
    super(message);
  }
}

/**
 * An AWS call was denied (IAM, KMS, SCP, expired permission): retrying cannot help. The run
 * ends `Failed`; the message names the call and the permission to grant.
 */
export class PermissionDenied extends TunerError {
  override readonly name = 'PermissionDenied';
  constructor(
    message: string,
    /** `service:Operation`, e.g. `sagemaker:CreateTrainingJob`. */
    readonly call: string,
    /** The IAM action the message names, when it names one (e.g. `iam:PassRole`). */
    readonly action?: string,
  ) {
    super(message);
  }
}

/**
 * AWS refused a request for good: a validation error, a resource that does not exist (the
 * table, the bucket), or any other client error that retrying cannot fix. The run ends
 * `Failed`; the message names the call and, when AWS names it, the field.
 */
export class RequestRejected extends TunerError {
  override readonly name = 'RequestRejected';
  constructor(
    message: string,
    /** `service:Operation`, e.g. `sagemaker:CreateTrainingJob`. */
    readonly call: string,
    /** The request field AWS names, when it names one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

/**
 * Finalize ran out of time in this invocation (warm pools of a large run still to release);
 * what it did is recorded, so the state machine invokes it again and it continues.
 */
export class FinalizeIncomplete extends TunerError {
  override readonly name = 'FinalizeIncomplete';
  constructor(
    readonly runId: string,
    readonly remaining: number,
  ) {
    super(`run '${runId}': ${remaining} warm pools still to release; finalize continues in the next invocation`);
  }
}

/** Errors that fail the run at once (see {@link PermissionDenied}, {@link RequestRejected}). */
export function isRunFailure(error: unknown): error is PermissionDenied | RequestRejected {
  return error instanceof PermissionDenied || error instanceof RequestRejected;
}
