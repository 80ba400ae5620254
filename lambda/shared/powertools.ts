/**
 * The one Logger of every handler (Powertools). The construct sets
 * `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hpo-tuner' });

/**
 * Start an invocation's log context: forget the previous invocation's keys, add the Lambda
 * context (when there is one: the local twin passes one too) and the given keys.
 */
export function beginInvocation(context: Context | undefined, keys: Record<string, string> = {}): void {
  logger.resetKeys();
  if (context) logger.addContext(context);
  if (Object.keys(keys).length > 0) logger.appendKeys(keys);
}

/** Time kept back from an invocation's deadline to record what was done and return. */
export const DEADLINE_MARGIN_MS = 20_000;

/**
 * Epoch ms after which a handler starts no new unit of work: the invocation's remaining time
 * minus {@link DEADLINE_MARGIN_MS} (half of it for a very short timeout). Undefined without a
 * Lambda context (no limit).
 */
export function deadlineOf(context: Context | undefined, now: number = Date.now()): number | undefined {
  if (context === undefined || typeof context.getRemainingTimeInMillis !== 'function') return undefined;
  const remaining = context.getRemainingTimeInMillis();
  return now + Math.max(remaining / 2, remaining - DEADLINE_MARGIN_MS);
}
