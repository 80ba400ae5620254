/**
 * Event shapes the local Step Functions service emits.
 *
 * {@link ExecutionStatusChangeEvent} is what EventBridge delivers for a Standard workflow's
 * "Step Functions Execution Status Change" (source `aws.states`): dates are epoch milliseconds,
 * `input`/`output` are JSON strings, absent values are `null`.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
 */
import { randomUUID } from 'node:crypto';

/** Status of an execution, as `DescribeExecution` reports it. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

/** What `describeExecution` returns (the `DescribeExecution` response, dates as `Date`). */
export interface ExecutionDescription {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: Date;
  readonly stopDate?: Date;
  /** The execution input, a JSON string. */
  readonly input: string;
  /** The execution output, a JSON string (SUCCEEDED only). */
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

/** The result of a finished execution. */
export type ExecutionResult = ExecutionDescription;

/**
 * The `detail` of a "Step Functions Execution Status Change" event. A type alias, not an
 * interface, so it is assignable to `Record<string, unknown>` (the local event bus's detail type).
 */
export type ExecutionStatusChangeDetail = {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly startDate: number;
  readonly stopDate: number | null;
  readonly input: string;
  readonly inputDetails: { readonly included: boolean };
  readonly output: string | null;
  readonly outputDetails: { readonly included: boolean } | null;
  readonly error: string | null;
  readonly cause: string | null;
};

/** An EventBridge "Step Functions Execution Status Change" event. */
export interface ExecutionStatusChangeEvent {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': 'Step Functions Execution Status Change';
  readonly source: 'aws.states';
  readonly account: string;
  /** ISO-8601, whole seconds, like EventBridge. */
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: ExecutionStatusChangeDetail;
}

/** Builds the status-change event for an execution's current state. */
export function statusChangeEvent(execution: ExecutionDescription, region: string, account: string): ExecutionStatusChangeEvent {
  const done = execution.status === 'SUCCEEDED';
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [execution.executionArn],
    detail: {
      executionArn: execution.executionArn,
      stateMachineArn: execution.stateMachineArn,
      name: execution.name,
      status: execution.status,
      startDate: execution.startDate.getTime(),
      stopDate: execution.stopDate ? execution.stopDate.getTime() : null,
      input: execution.input,
      inputDetails: { included: true },
      output: done ? (execution.output ?? null) : null,
      outputDetails: done ? { included: true } : null,
      error: execution.error ?? null,
      cause: execution.cause ?? null,
    },
  };
}

/**
 * One step of an execution, for logs and tests: the aws-local-stepfunctions event log entry
 * (`StateEntered`, `StateExited`, `StateFailed`, `StateRetried`, `StateCaught`, `Execution*`,
 * `MapIteration*`, `ParallelBranch*`), tagged with its execution.
 */
export interface ExecutionEvent {
  readonly executionArn: string;
  readonly type: string;
  readonly timestamp: Date;
  /** The state, for state events. */
  readonly stateName?: string;
  readonly stateType?: string;
  readonly input?: unknown;
  readonly output?: unknown;
  /** For failure events. */
  readonly error?: string;
  readonly cause?: unknown;
}
