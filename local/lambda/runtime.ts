/**
 * Lambda functions of the local twin: the deployed bundle, run in worker threads that stand in
 * for Lambda's execution environments.
 *
 * What is reproduced, because the tuner depends on it:
 * - **Code**: the function's asset folder from the cloud assembly and its `Handler` setting.
 * - **Environment**: each function sees only its configured variables plus what the Lambda
 *   runtime sets (`AWS_REGION`, credentials of its own role, `AWS_LAMBDA_FUNCTION_NAME`, ...);
 *   a worker has its own `process.env`, so two functions never share one.
 * - **Sandboxes**: one invocation at a time per sandbox; a busy function gets another sandbox
 *   (a cold start: the bundle is loaded again); module state survives between invocations of
 *   one sandbox, as in Lambda.
 * - **Timeout**: an invocation that overruns the function's timeout fails with `Sandbox.Timedout`
 *   and its sandbox is discarded.
 * - **Memory**: the V8 heap of a sandbox is limited to the function's memory size; running out
 *   fails the invocation with `Runtime.OutOfMemory`.
 * - **Payloads**: 6 MB request and response for synchronous invocations, 256 KB for
 *   asynchronous (event) invocations.
 * - **Errors**: a thrown error reaches the caller as the Node.js runtime reports it:
 *   `{ errorType: error.name, errorMessage, trace }`.
 *
 * @see https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** Synchronous invocation payload limit (request and response): 6 MB. */
export const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** Asynchronous invocation payload limit: 256 KB. */
export const MAX_ASYNC_PAYLOAD_BYTES = 256 * 1024;
/** Idle sandboxes kept per function; more are shut down when they become idle. */
const MAX_IDLE_SANDBOXES = 2;

const WORKER_FILE = join(__dirname, 'worker.cjs');

/** How one function is configured (from the template). */
export interface LocalFunctionConfig {
  /** The function's name (what `AWS_LAMBDA_FUNCTION_NAME` says). */
  readonly name: string;
  /** `arn:aws:lambda:<region>:<account>:function:<name>`. */
  readonly arn: string;
  /** The folder with the function's code (the asset). */
  readonly codeDir: string;
  /** The `Handler` setting, e.g. `index.handler`. */
  readonly handler: string;
  /** The function's `Environment.Variables`, resolved. */
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /**
   * Variables the Lambda service adds: the role's credentials, region, and the twin's endpoints.
   * They override the configured ones where both name the same key, as in Lambda.
   */
  readonly runtimeEnvironment: Readonly<Record<string, string>>;
  /** Where the function's logs go (its "log group"); `undefined` drops them. */
  readonly logFile?: string;
}

/** A function error, as `Invoke` reports it (`X-Amz-Function-Error` with this payload). */
export class LambdaFunctionError extends Error {
  constructor(
    readonly errorType: string,
    readonly errorMessage: string,
    readonly trace: readonly string[],
  ) {
    super(errorMessage);
    this.name = 'LambdaFunctionError';
  }

  /** The error payload as Lambda returns it. */
  toJSON(): { errorType: string; errorMessage: string; trace: readonly string[] } {
    return { errorType: this.errorType, errorMessage: this.errorMessage, trace: this.trace };
  }
}

/** An `Invoke` API error (the call itself failed; the function did not run). */
export class LambdaServiceError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Sandbox {
  readonly worker: Worker;
  busy: boolean;
  /** Settles the invocation in flight when the worker dies. */
  onDeath?: (error: LambdaFunctionError) => void;
}

/** Statistics of one function, for tests and the closing note. */
export interface FunctionStats {
  invocations: number;
  coldStarts: number;
  errors: number;
  timeouts: number;
}

/** One Lambda function of the twin. */
export class LocalLambdaFunction {
  readonly stats: FunctionStats = { invocations: 0, coldStarts: 0, errors: 0, timeouts: 0 };
  private readonly sandboxes = new Set<Sandbox>();
  private readonly log: WriteStream | undefined;
  private closed = false;

  constructor(readonly config: LocalFunctionConfig) {
    if (config.logFile !== undefined) {
      mkdirSync(dirname(config.logFile), { recursive: true });
      this.log = createWriteStream(config.logFile, { flags: 'a' });
    }
  }

  /**
   * Invokes the function with a JSON event and resolves with its JSON result.
   *
   * @param invocationType `RequestResponse` (Step Functions tasks) or `Event` (EventBridge targets)
   * @throws LambdaFunctionError when the function fails (including `Sandbox.Timedout`)
   * @throws LambdaServiceError `RequestEntityTooLargeException` for an oversized event
   */
  async invoke(event: unknown, invocationType: 'RequestResponse' | 'Event' = 'RequestResponse'): Promise<unknown> {
    if (this.closed) throw new LambdaServiceError('ResourceNotFoundException', `function ${this.config.name} is shut down`);
    const payload = JSON.stringify(event) ?? 'null';
    const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    const bytes = Buffer.byteLength(payload, 'utf8');
    if (bytes > limit) {
      throw new LambdaServiceError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${limit} bytes for the ${invocationType === 'Event' ? 'InvokeAsync' : 'Invoke'} operation (was ${bytes} bytes)`,
      );
    }
    this.stats.invocations++;
    const sandbox = this.acquire();
    const requestId = randomUUID();
    try {
      const text = await this.run(sandbox, requestId, payload);
      const responseBytes = Buffer.byteLength(text, 'utf8');
      if (responseBytes > MAX_SYNC_PAYLOAD_BYTES) {
        throw new LambdaFunctionError(
          'Function.ResponseSizeTooLarge',
          `Response payload size (${responseBytes} bytes) exceeded maximum allowed payload size (${MAX_SYNC_PAYLOAD_BYTES} bytes).`,
          [],
        );
      }
      return JSON.parse(text) as unknown;
    } catch (error) {
      this.stats.errors++;
      throw error;
    } finally {
      this.release(sandbox);
    }
  }

  /** Shuts every sandbox down. */
  async close(): Promise<void> {
    this.closed = true;
    const workers = [...this.sandboxes].map((s) => s.worker);
    this.sandboxes.clear();
    await Promise.all(workers.map((w) => w.terminate()));
    await new Promise<void>((resolve) => (this.log ? this.log.end(resolve) : resolve()));
  }

  private acquire(): Sandbox {
    for (const sandbox of this.sandboxes) {
      if (!sandbox.busy) {
        sandbox.busy = true;
        return sandbox;
      }
    }
    this.stats.coldStarts++;
    const { config } = this;
    const worker = new Worker(WORKER_FILE, {
      env: { ...config.environment, ...config.runtimeEnvironment },
      workerData: {
        codeDir: config.codeDir,
        handler: config.handler,
        enableSourceMaps: /--enable-source-maps/.test(config.environment.NODE_OPTIONS ?? ''),
      },
      resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      const log = this.log;
      // Written chunk by chunk: piping every sandbox into one file stream would pile up listeners.
      if (log) stream.on('data', (chunk: Buffer) => log.write(chunk));
      else stream.resume();
    }
    const sandbox: Sandbox = { worker, busy: true };
    worker.on('error', (error: Error & { code?: string }) => {
      const oom = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      sandbox.onDeath?.(
        new LambdaFunctionError(
          oom ? 'Runtime.OutOfMemory' : 'Runtime.ExitError',
          oom ? `RequestId: ${randomUUID()} Error: Runtime exited with error: out of memory (${config.memoryMb} MB)` : `Runtime exited with error: ${error.message}`,
          [],
        ),
      );
    });
    worker.on('exit', (code) => {
      this.sandboxes.delete(sandbox);
      sandbox.onDeath?.(new LambdaFunctionError('Runtime.ExitError', `Runtime exited with error: exit status ${code}`, []));
    });
    worker.unref();
    this.sandboxes.add(sandbox);
    return sandbox;
  }

  private release(sandbox: Sandbox): void {
    sandbox.busy = false;
    sandbox.onDeath = undefined;
    if (!this.sandboxes.has(sandbox)) return;
    const idle = [...this.sandboxes].filter((s) => !s.busy).length;
    if (idle > MAX_IDLE_SANDBOXES || this.closed) {
      this.sandboxes.delete(sandbox);
      void sandbox.worker.terminate();
    }
  }

  private run(sandbox: Sandbox, requestId: string, payload: string): Promise<string> {
    const { config } = this;
    const timeoutMs = config.timeoutSeconds * 1000;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.stats.timeouts++;
        // Lambda freezes and discards the environment: the sandbox is not reused.
        this.sandboxes.delete(sandbox);
        sandbox.onDeath = undefined;
        void sandbox.worker.terminate();
        reject(
          new LambdaFunctionError(
            'Sandbox.Timedout',
            `RequestId: ${requestId} Error: Task timed out after ${config.timeoutSeconds.toFixed(2)} seconds`,
            [],
          ),
        );
      }, timeoutMs);
      const onMessage = (message: { id: string; ok: boolean; result?: string; error?: { errorType: string; errorMessage: string; trace: string[] } }): void => {
        if (message.id !== requestId) return;
        settle();
        if (message.ok) resolve(message.result ?? 'null');
        else {
          const e = message.error ?? { errorType: 'Error', errorMessage: 'unknown error', trace: [] };
          reject(new LambdaFunctionError(e.errorType, e.errorMessage, e.trace));
        }
      };
      const settle = (): void => {
        clearTimeout(timer);
        sandbox.worker.off('message', onMessage);
        sandbox.onDeath = undefined;
      };
      sandbox.onDeath = (error) => {
        settle();
        reject(error);
      };
      sandbox.worker.on('message', onMessage);
      sandbox.worker.postMessage({
        id: requestId,
        event: payload,
        context: {
          functionName: config.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: config.arn,
          memoryLimitInMB: String(config.memoryMb),
          awsRequestId: requestId,
          logGroupName: `/aws/lambda/${config.name}`,
          logStreamName: `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${requestId.replace(/-/g, '')}`,
          deadline: Date.now() + timeoutMs,
        },
      });
    });
  }
}
