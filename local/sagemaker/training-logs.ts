/**
 * CloudWatch Logs for the emulator's training jobs: what a job prints goes to the log group
 * `/aws/sagemaker/TrainingJobs`, stream `<job>/algo-1-<epoch seconds of its start>`, as SageMaker
 * does. The emulator answers `FilterLogEvents` over those streams (AWS JSON 1.1,
 * `X-Amz-Target: Logs_20140328.FilterLogEvents`), which is what early stopping reads.
 *
 * Modelled: `logGroupName` (only the training jobs' group exists), `logStreamNamePrefix`,
 * `logStreamNames`, `startTime`/`endTime` (ms, inclusive/exclusive as the service documents),
 * `limit` (1-10,000, default 10,000) and `nextToken`; events oldest first. Not modelled:
 * `filterPattern` (refused), other operations (`UnknownOperationException`).
 */
import { ServiceError } from './protocol';

/** The one log group the emulator has. */
export const TRAINING_JOBS_LOG_GROUP = '/aws/sagemaker/TrainingJobs';
/** The X-Amz-Target prefix of CloudWatch Logs. */
export const LOGS_TARGET_PREFIX = 'Logs_20140328.';
/** Lines kept per job (the oldest are dropped past it; a local run prints far fewer). */
export const MAX_EVENTS_PER_STREAM = 200_000;

interface LogEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly seq: number;
}

interface Stream {
  readonly name: string;
  readonly events: LogEvent[];
}

/** The training jobs' log group. */
export class TrainingJobLogs {
  private readonly streams = new Map<string, Stream>();
  private seq = 0;

  /** Opens the stream of a job's primary host when it starts; returns its name. */
  openStream(jobName: string, startedAt: Date): string {
    const name = `${jobName}/algo-1-${Math.floor(startedAt.getTime() / 1000)}`;
    if (!this.streams.has(name)) this.streams.set(name, { name, events: [] });
    return name;
  }

  /** One line the job printed. */
  append(streamName: string, message: string, timestamp = Date.now()): void {
    const stream = this.streams.get(streamName);
    if (stream === undefined) return;
    stream.events.push({ timestamp, message, seq: this.seq++ });
    if (stream.events.length > MAX_EVENTS_PER_STREAM) stream.events.splice(0, stream.events.length - MAX_EVENTS_PER_STREAM);
  }

  /** A CloudWatch Logs operation. */
  handle(operation: string, input: unknown): unknown {
    if (operation !== 'FilterLogEvents') throw new ServiceError('UnknownOperationException', `Operation ${operation} is not supported by the local CloudWatch Logs.`);
    return this.filterLogEvents((input ?? {}) as FilterInput);
  }

  private filterLogEvents(input: FilterInput): unknown {
    if (input.logGroupName !== TRAINING_JOBS_LOG_GROUP) {
      throw new ServiceError('ResourceNotFoundException', 'The specified log group does not exist.');
    }
    if (input.filterPattern !== undefined && input.filterPattern !== '') {
      throw new ServiceError('ValidationException', 'filterPattern is not supported by the local CloudWatch Logs');
    }
    if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
      throw new ServiceError('ValidationException', 'Cannot specify both logStreamNames and logStreamNamePrefix');
    }
    const limit = input.limit ?? 10_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) {
      throw new ServiceError('ValidationException', `1 validation error detected: Value '${String(limit)}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000`);
    }
    const streams = [...this.streams.values()].filter((s) =>
      input.logStreamNames !== undefined ? input.logStreamNames.includes(s.name) : s.name.startsWith(input.logStreamNamePrefix ?? ''),
    );
    const events = streams
      .flatMap((s) => s.events.map((e) => ({ stream: s.name, e })))
      .filter(({ e }) => (input.startTime === undefined || e.timestamp >= input.startTime) && (input.endTime === undefined || e.timestamp < input.endTime))
      .sort((a, b) => a.e.timestamp - b.e.timestamp || a.e.seq - b.e.seq);
    const offset = input.nextToken === undefined ? 0 : decodeToken(input.nextToken);
    const page = events.slice(offset, offset + limit);
    const next = offset + page.length;
    return {
      events: page.map(({ stream, e }) => ({ logStreamName: stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp, eventId: String(e.seq) })),
      searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: next >= events.length })),
      ...(next < events.length ? { nextToken: encodeToken(next) } : {}),
    };
  }
}

interface FilterInput {
  readonly logGroupName?: string;
  readonly logStreamNamePrefix?: string;
  readonly logStreamNames?: readonly string[];
  readonly startTime?: number;
  readonly endTime?: number;
  readonly filterPattern?: string;
  readonly limit?: number;
  readonly nextToken?: string;
}

function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64');
}

function decodeToken(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { offset?: unknown }).offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new ServiceError('ValidationException', 'The specified nextToken is invalid.');
}
