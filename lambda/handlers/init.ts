/** Init: record the run (idempotent per execution). */
import { randomInt } from 'node:crypto';
import type { Context } from 'aws-lambda';
import type { TuningInput } from '../core/input';
import { initRun } from '../core/orchestrator/init';
import type { TuningSpec } from '../core/ports';
import { handlerDeps } from '../shared/deps';
import { beginInvocation, logger } from '../shared/powertools';

export interface InitEvent {
  readonly input: TuningInput;
  readonly spec: TuningSpec;
  readonly execution: { readonly Id: string; readonly Name?: string; readonly StartTime?: string };
}

export interface InitOutput {
  readonly runId: string;
  readonly seed: number;
  readonly version: number;
  readonly ticks: number;
}

export const handler = async (event: InitEvent, context?: Context): Promise<InitOutput> => {
  beginInvocation(context, { runId: event.spec.runName });
  const deps = handlerDeps();
  const result = await initRun(deps.store, {
    input: event.input as unknown as Record<string, unknown>,
    spec: event.spec,
    executionArn: event.execution.Id,
    fallbackSeed: randomInt(0, 2 ** 31 - 1),
    now: deps.now(),
  });
  logger.info('run created', { seed: result.seed, executionArn: event.execution.Id });
  return { ...result, ticks: 0 };
};
