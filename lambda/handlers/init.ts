/** Init: record the run (idempotent per execution). */
import { randomInt } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { initRun } from '../../core/orchestrator/init';
import { runStatusDetail } from '../../core/orchestrator/run-events';
import { runEventPublisher } from '../shared/clients/events';
import { runStore } from '../shared/clients/store';
import { deploymentConfig } from '../shared/config';
import { beginInvocation, logger } from '../shared/powertools';
import { announceRunStatus } from '../shared/run-status';
import { prepareTuningRun } from '../shared/tuning-input';

export interface InitEvent {
  /** The execution's input (`$$.Execution.Input`), validated by Validate before. */
  readonly input: unknown;
  readonly execution: { readonly Id: string; readonly Name?: string; readonly StartTime?: string };
}

export interface InitOutput {
  readonly runId: string;
  readonly seed: number;
  readonly version: number;
  readonly ticks: number;
}

export const handler = async (event: InitEvent, context?: Context): Promise<InitOutput> => {
  beginInvocation(context);
  const deps = deploymentConfig();
  const { input, spec } = prepareTuningRun(event.input, deps);
  logger.appendKeys({ runId: spec.runName });
  const { run, ...result } = await initRun(runStore(), {
    input: input as unknown as Record<string, unknown>,
    spec,
    executionArn: event.execution.Id,
    fallbackSeed: randomInt(0, 2 ** 31 - 1),
    now: deps.now(),
  });
  logger.info('run created', { seed: result.seed, executionArn: event.execution.Id });
  await announceRunStatus({ runEvents: runEventPublisher(), jobNamePrefix: deps.jobNamePrefix }, runStatusDetail(deps.jobNamePrefix, run));
  return { ...result, ticks: 0 };
};
