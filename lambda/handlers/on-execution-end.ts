/**
 * EventBridge "Step Functions Execution Status Change" (ABORTED, FAILED, TIMED_OUT) ->
 * stop the run's training jobs: stopping an execution never leaves GPUs billing.
 */
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { stopRun, type StopRunResult } from '../../core/orchestrator/stop';
import { runStatusDetail } from '../../core/orchestrator/run-events';
import { trainingBackend } from '../shared/clients/backend';
import { runEventPublisher } from '../shared/clients/events';
import { runStore } from '../shared/clients/store';
import { requiredEnv } from '../shared/env';
import { beginInvocation, deadlineOf, logger } from '../shared/powertools';
import { announceRunStatus } from '../shared/run-status';

export interface ExecutionStatusDetail {
  readonly executionArn: string;
  readonly status: string;
  /** The execution's input, as a JSON string. */
  readonly input?: string | null;
  readonly error?: string | null;
  readonly cause?: string | null;
}

export type ExecutionStatusChange = EventBridgeEvent<'Step Functions Execution Status Change', ExecutionStatusDetail>;

/** The run an execution belongs to: a first execution names it, a continuation carries it. */
export function runOfExecutionInput(
  input: string | null | undefined,
): { runId: string; continuation: boolean } | undefined {
  if (typeof input !== 'string') return undefined;
  try {
    const parsed = JSON.parse(input) as { HyperParameterTuningJobName?: unknown; ContinueRun?: { RunId?: unknown } };
    const continued = parsed.ContinueRun?.RunId;
    if (typeof continued === 'string' && continued !== '') return { runId: continued, continuation: true };
    const named = parsed.HyperParameterTuningJobName;
    return typeof named === 'string' && named !== '' ? { runId: named, continuation: false } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run's reason, one line: `execution failed: PermissionDenied: <the handler's message>`.
 * The cause of a failed Lambda task is Lambda's error JSON; its `errorMessage` is what counts.
 */
export function executionEndReason(detail: Pick<ExecutionStatusDetail, 'status' | 'error' | 'cause'>): string {
  const status = `execution ${detail.status.toLowerCase().replace('_', ' ')}`;
  if (!detail.error) return status;
  let cause = detail.cause ?? '';
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    if (typeof parsed.errorMessage === 'string') cause = parsed.errorMessage;
  } catch {
    // not JSON: the cause as it is
  }
  cause = cause.replace(/\s+/g, ' ').trim();
  return `${status}: ${detail.error}${cause === '' ? '' : `: ${cause.length > 500 ? `${cause.slice(0, 497)}...` : cause}`}`;
}

export const handler = async (event: ExecutionStatusChange, context?: Context): Promise<StopRunResult | { ignored: string }> => {
  beginInvocation(context);
  const owner = runOfExecutionInput(event.detail.input);
  if (owner === undefined) {
    logger.warn('execution input names no run', { executionArn: event.detail.executionArn });
    return { ignored: 'execution input names no run' };
  }
  const { runId } = owner;
  logger.appendKeys({ runId });
  const deps = { store: runStore(), backend: trainingBackend(), now: () => new Date() };
  const run = await deps.store.getRun(runId);
  if (run === undefined) {
    // Validate or Init failed: no run was recorded, so no job can exist.
    return { ignored: `run '${runId}' was never recorded` };
  }
  if (!owner.continuation && run.executionArn !== event.detail.executionArn) {
    // e.g. a second execution that reused a run name and failed with RunAlreadyExists.
    return { ignored: `run '${runId}' belongs to another execution` };
  }
  const reason = executionEndReason(event.detail);
  // An aborted execution is a stop; a failed or timed-out one failed the run.
  const outcome = event.detail.status === 'ABORTED' ? 'Stopped' : 'Failed';
  const result = await stopRun(deps, runId, reason, outcome, { deadlineMs: deadlineOf(context) });
  logger.info('run stopped after its execution ended', { reason, stoppedJobs: result.stoppedJobs });
  // The run as stopRun left it, for the run status event; a failed read costs the event, not the cleanup.
  const ended = await deps.store.getRun(runId).catch((error: unknown) => {
    logger.warn('run status event not published: the run could not be read', error as Error);
    return undefined;
  });
  if (ended?.status === 'Stopped' || ended?.status === 'Failed') {
    const jobNamePrefix = requiredEnv('JOB_NAME_PREFIX');
    await announceRunStatus({ runEvents: runEventPublisher(), jobNamePrefix }, runStatusDetail(jobNamePrefix, ended));
  }
  return result;
};
