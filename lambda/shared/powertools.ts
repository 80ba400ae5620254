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
