/**
 * The one Logger of every handler (Powertools). The construct sets
 * `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_LOG_LEVEL`.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'hpo-tuner' });
