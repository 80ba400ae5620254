/** Tick: one ask/tell step of the run's reconciler loop. */
import type { Context } from 'aws-lambda';
import { trainingJobMetricName } from '../../core/orchestrator/run-events';
import { tickOrFail } from '../../core/orchestrator/tick';
import { trainingBackend } from '../shared/clients/backend';
import { checkpointStore } from '../shared/clients/checkpoints';
import { trainingLogs } from '../shared/clients/logs';
import { runStore } from '../shared/clients/store';
import { deploymentConfig } from '../shared/config';
import { numberEnv } from '../shared/env';
import { countMetric, runGauges } from '../shared/metrics';
import { beginInvocation, logger } from '../shared/powertools';

export interface TickEvent {
  readonly runId: string;
  /** Ticks so far in this execution (for ContinueAsNew). */
  readonly ticks?: number;
}

export interface TickOutput {
  readonly runId: string;
  readonly status: 'running' | 'done';
  readonly version: number;
  readonly ticks: number;
  readonly running: number;
  readonly pending: number;
  readonly retryAfterSeconds: number;
  /**
   * WaitForChange's timeout: the poll interval, or the early-stopping interval while running
   * jobs are watched (`TrainingJobEarlyStoppingType: Auto`).
   */
  readonly waitSeconds: number;
}

/** WaitForChange's timeout for a tick's result (env: the construct's pollInterval and earlyStoppingInterval). */
export function waitSecondsFor(watching: boolean | undefined, env: NodeJS.ProcessEnv = process.env): number {
  const poll = numberEnv('POLL_INTERVAL_SECONDS', 300, env);
  return watching === true ? Math.min(poll, numberEnv('EARLY_STOPPING_INTERVAL_SECONDS', 60, env)) : poll;
}

export const handler = async (event: TickEvent, context?: Context): Promise<TickOutput> => {
  beginInvocation(context, { runId: event.runId });
  try {
    const deps = { ...deploymentConfig(), store: runStore(), backend: trainingBackend(), checkpoints: checkpointStore(), logs: trainingLogs() };
    const result = await tickOrFail(deps, event.runId);
    for (const note of result.notes) logger.info(note);
    // Each finished job is told by exactly one committed tick: counted here, once.
    for (const [status, count] of Object.entries(result.finishedJobs ?? {})) {
      const metric = trainingJobMetricName(status);
      if (metric !== undefined && count > 0) countMetric(deps.jobNamePrefix, metric, count);
    }
    runGauges(deps.jobNamePrefix, event.runId, { inProgress: result.running, ...(result.bestObjective === undefined ? {} : { bestObjective: result.bestObjective }) });
    const { notes: _notes, finishedJobs: _finished, bestObjective: _best, watching, ...rest } = result;
    return { ...rest, ticks: (event.ticks ?? 0) + 1, waitSeconds: waitSecondsFor(watching) };
  } catch (error) {
    logger.error('tick failed', error as Error);
    throw error;
  }
};
