/**
 * Task tokens for `.waitForTaskToken` tasks: minted per wait, single use.
 *
 * Like the service: an unknown or malformed token answers `InvalidToken`; a token whose task
 * has closed (succeeded, failed, timed out, or its execution stopped) answers `TaskTimedOut`.
 * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
import { randomBytes } from 'node:crypto';
import { SfnServiceError, StatesTaskError, terminalError } from './errors';

/** Task tokens are at most 1024 characters. */
export const MAX_TASK_TOKEN_LENGTH = 1024;
const MAX_OUTPUT_BYTES = 256 * 1024;

type TokenStatus = 'WAITING' | 'CLOSED';

interface TokenEntry {
  readonly executionArn: string;
  readonly stateName: string;
  readonly mintedAt: number;
  /** Whether the token closes itself on its task's timeout. */
  readonly timed: boolean;
  status: TokenStatus;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  timer?: NodeJS.Timeout;
}

/** A minted token and the wait it ends. */
export interface TaskTokenWait {
  readonly token: string;
  /** Settles with the parsed `SendTaskSuccess` output, or fails with the `SendTaskFailure` error. */
  readonly result: Promise<unknown>;
}

/** All task tokens of one local Step Functions service. */
export class TaskTokenRegistry {
  private readonly tokens = new Map<string, TokenEntry>();

  /**
   * Mints a fresh token for one wait of `stateName` in `executionArn`.
   *
   * @param timeoutMs after this long the token closes (the library fails the task with
   *   `States.Timeout` at the same moment); undefined: no timer of its own
   */
  mint(executionArn: string, stateName: string, timeoutMs: number | undefined): TaskTokenWait {
    const token = randomBytes(384).toString('base64'); // 512 characters, like the service's opaque tokens
    let resolve!: (output: unknown) => void;
    let reject!: (error: Error) => void;
    const result = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Nobody may be awaiting yet when the wait is cancelled: never report an unhandled rejection.
    result.catch(() => undefined);
    const entry: TokenEntry = {
      executionArn,
      stateName,
      mintedAt: Date.now(),
      timed: timeoutMs !== undefined,
      status: 'WAITING',
      resolve,
      reject,
    };
    if (timeoutMs !== undefined) {
      entry.timer = setTimeout(() => this.closeEntry(entry), timeoutMs);
      entry.timer.unref();
    }
    this.tokens.set(token, entry);
    return { token, result };
  }

  /** `SendTaskSuccess`: ends the wait with `output` (a JSON string). */
  succeed(token: string, output: string): void {
    const entry = this.waiting(token);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnServiceError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
    }
    if (Buffer.byteLength(output, 'utf8') > MAX_OUTPUT_BYTES) {
      throw new SfnServiceError('InvalidOutput', `Invalid Output: the output is larger than ${MAX_OUTPUT_BYTES} bytes`);
    }
    this.closeEntry(entry);
    entry.resolve(parsed);
  }

  /** `SendTaskFailure`: fails the task with `error` and `cause`, which `Retry`/`Catch` see. */
  fail(token: string, error: string | undefined, cause: string | undefined): void {
    const entry = this.waiting(token);
    this.closeEntry(entry);
    entry.reject(new StatesTaskError(error ?? 'States.TaskFailed', cause ?? ''));
  }

  /** `SendTaskHeartbeat`: checks the token. `HeartbeatSeconds` is not enforced by the twin. */
  heartbeat(token: string): void {
    this.waiting(token);
  }

  /**
   * The execution a token was minted for (also once the token has closed), or undefined for a
   * token this registry never issued. The IAM layer authorizes task-token calls against that
   * execution's state machine.
   */
  executionArnOf(token: string): string | undefined {
    return this.tokens.get(token)?.executionArn;
  }

  /** Closes one token (its handler failed, so nobody will wait on it). */
  closeToken(token: string): void {
    const entry = this.tokens.get(token);
    if (entry) this.closeEntry(entry);
  }

  /**
   * Closes the waiting tokens of a state whose task timed out at `timestamp` and that have no
   * timer of their own (their timeout came from `TimeoutSecondsPath`). Tokens minted later belong
   * to a retry and stay open.
   */
  closeTimedOut(executionArn: string, stateName: string, timestamp: number): void {
    for (const entry of this.tokens.values()) {
      if (
        entry.status === 'WAITING' &&
        !entry.timed &&
        entry.executionArn === executionArn &&
        entry.stateName === stateName &&
        entry.mintedAt <= timestamp
      ) {
        this.closeEntry(entry);
      }
    }
  }

  /** Cancels the waits of an execution that has ended or was stopped. */
  closeExecution(executionArn: string, reason: string): void {
    for (const entry of this.tokens.values()) {
      if (entry.status === 'WAITING' && entry.executionArn === executionArn) {
        this.closeEntry(entry);
        entry.reject(terminalError('States.Runtime', reason));
      }
    }
  }

  /** Cancels every wait and forgets every token. */
  clear(): void {
    for (const entry of this.tokens.values()) {
      if (entry.status === 'WAITING') entry.reject(terminalError('States.Runtime', 'the local step functions service closed'));
      this.closeEntry(entry);
    }
    this.tokens.clear();
  }

  private waiting(token: string): TokenEntry {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TASK_TOKEN_LENGTH) {
      throw new SfnServiceError('InvalidToken', `Invalid Token: a task token has 1 to ${MAX_TASK_TOKEN_LENGTH} characters`);
    }
    const entry = this.tokens.get(token);
    if (!entry) throw new SfnServiceError('InvalidToken', 'Invalid Token: no task was issued this token');
    if (entry.status !== 'WAITING') {
      throw new SfnServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
    }
    return entry;
  }

  private closeEntry(entry: TokenEntry): void {
    entry.status = 'CLOSED';
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
  }
}
