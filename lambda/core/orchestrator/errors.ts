/**
 * Named domain errors. The state machine catches them by `name` (Lambda reports a thrown
 * error's name as the Step Functions error), so names are part of the public contract.
 */

/** Base class: sets `name` to the concrete class name so Step Functions can match it. */
export abstract class TunerError extends Error {
  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The tuning input is invalid; the message lists every problem. No job was started. */
export class InvalidTuningInput extends TunerError {
  constructor(message: string) {
    super(message);
  }
}

/** A run with this `HyperParameterTuningJobName` already exists. */
export class RunAlreadyExists extends TunerError {
  constructor(readonly runId: string) {
    super(`run '${runId}' already exists: choose another HyperParameterTuningJobName`);
  }
}

/** The run does not exist in the results table. */
export class RunNotFound extends TunerError {
  constructor(readonly runId: string) {
    super(`run '${runId}' not found`);
  }
}

/** The run has no training job record with this name. */
export class JobNotFound extends TunerError {
  constructor(readonly runId: string, readonly jobName: string) {
    super(`run '${runId}': training job '${jobName}' not found`);
  }
}

/** Another tick committed first (a retried or overlapping invocation); the tick is safe to retry. */
export class ConcurrentTick extends TunerError {
  constructor(readonly runId: string, readonly expectedTickSeq: number) {
    super(`run '${runId}': another tick committed after tick ${expectedTickSeq}; retry`);
  }
}

/** A transient failure the state machine should retry (throttling, capacity). */
export class TransientError extends TunerError {
  constructor(message: string) {
    super(message);
  }
}

/** SageMaker refused the training job definition itself (every job would fail the same way). */
export class InvalidTrainingJob extends TunerError {
  constructor(message: string) {
    super(message);
  }
}
