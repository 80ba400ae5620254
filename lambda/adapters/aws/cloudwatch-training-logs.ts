/**
 * `TrainingLogs` on CloudWatch Logs: SageMaker writes what a training job prints to the log
 * group `/aws/sagemaker/TrainingJobs`, one stream per host named `<job>/algo-<n>-<epoch>`. The
 * primary host's stream (`algo-1`) is read with `FilterLogEvents`, from the cursor's timestamp
 * on, oldest first; events at exactly the cursor's timestamp that were read before are skipped.
 *
 * A job whose stream does not exist yet (the container is still starting) has no lines. Other
 * errors are classified like every AWS call (./aws-errors.ts).
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, type FilterLogEventsCommandOutput } from '@aws-sdk/client-cloudwatch-logs';
import type { LogPage, TrainingLogs } from '../../../core/orchestrator/backend';
import type { LogCursor } from '../../../core/orchestrator/records';
import { awsErrorCode, toTunerError } from './aws-errors';

/** Where SageMaker puts training jobs' output. */
export const TRAINING_JOB_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
/** Events per FilterLogEvents page (the API's maximum). */
const PAGE_LIMIT = 10_000;
/** Pages (with or without events) followed per call: FilterLogEvents may return empty pages. */
const MAX_PAGES = 5;

export class CloudWatchTrainingLogs implements TrainingLogs {
  constructor(private readonly client: CloudWatchLogsClient) {}

  async readLines(jobName: string, cursor: LogCursor | undefined): Promise<LogPage> {
    const lines: string[] = [];
    let afterMs = cursor?.afterMs ?? 0;
    let seenAtMs = cursor?.seenAtMs ?? 0;
    // Events at the cursor's own timestamp come again (startTime is inclusive): skip the ones read.
    let skip = cursor === undefined ? 0 : cursor.seenAtMs;
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      let out: FilterLogEventsCommandOutput;
      try {
        out = await this.client.send(
          new FilterLogEventsCommand({
            logGroupName: TRAINING_JOB_LOG_GROUP,
            logStreamNamePrefix: `${jobName}/algo-1-`,
            ...(cursor === undefined ? {} : { startTime: cursor.afterMs }),
            limit: PAGE_LIMIT,
            ...(nextToken === undefined ? {} : { nextToken }),
          }),
        );
      } catch (error) {
        if (awsErrorCode(error) === 'ResourceNotFoundException') break;
        throw toTunerError({ service: 'logs', operation: 'FilterLogEvents', target: jobName }, error);
      }
      for (const event of out.events ?? []) {
        const t = event.timestamp ?? 0;
        if (cursor !== undefined && t === cursor.afterMs && skip > 0) {
          skip -= 1;
          continue;
        }
        lines.push(event.message ?? '');
        if (t === afterMs) seenAtMs += 1;
        else {
          afterMs = t;
          seenAtMs = 1;
        }
      }
      nextToken = out.nextToken;
      if (nextToken === undefined || lines.length >= PAGE_LIMIT) break;
    }
    return { lines, cursor: { afterMs, seenAtMs } };
  }
}
