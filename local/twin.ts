/**
 * The local twin of AWS: the tuner's own state machine and Lambda code, unchanged, on one
 * machine. Only the AWS services are stood in for:
 *
 * - Step Functions: the synthesized definition run by aws-local-stepfunctions; every Task
 *   calls the real handler in-process, wrapped in the real Lambda-invoke envelope; a local
 *   endpoint answers `SendTaskSuccess` so the handlers' real client-sfn code runs.
 * - DynamoDB: dynalite on a loopback port (in memory, or on disk for local mode).
 * - SageMaker: the emulator (JSON 1.1 on loopback); training jobs are local processes.
 * - EventBridge: an in-process bus with the template's own rules and targets.
 *
 * Handlers find the services the way they do in AWS: through the SDK's endpoint
 * configuration (`AWS_ENDPOINT_URL_<SERVICE>`) and the construct's environment variables.
 * A process runs one twin at a time (the environment is process-wide, as in Lambda).
 */
import './polyfills';
import { mkdirSync, existsSync, symlinkSync, lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { TuningInput } from '../lambda/core/input';
import { parseTrainingJobName } from '../lambda/core/orchestrator/naming';
import type { HandlerName } from '../lib/private/definition';
import { createTable, startDynamoDb, type LocalDynamoDb } from './dynamodb/dynalite';
import { LocalEventBus } from './eventbridge/bus';
import type { EventPattern } from './eventbridge/pattern';
import { resolveFromHyperParameters, startSageMakerEmulator, type CommandResolver, type RunningSageMakerEmulator } from './sagemaker';
import { startSfnEndpoint, type SfnEndpoint } from './stepfunctions/endpoint';
import { lambdaContext, type LambdaHandler } from './stepfunctions/lambda';
import { LocalStepFunctions, type ExecutionResult } from './stepfunctions/runner';
import { synthesizeTunerForLocal } from './synth';
import {
  LOCAL_ACCOUNT,
  LOCAL_BUCKET_NAME,
  LOCAL_JOB_NAME_PREFIX,
  LOCAL_REGION,
  LOCAL_TABLE_NAME,
} from './workspace';

export interface LocalTwinOptions {
  /** Folder for training jobs (`jobs/`) and the local S3 (`s3/`). */
  readonly workDir: string;
  /**
   * Keep the results table on disk here (dynalite's store).
   *
   * @default - in memory
   */
  readonly dynamodbPath?: string;
  /**
   * WaitForChange's timeout: how long the loop sleeps when no event wakes it.
   *
   * @default 30
   */
  readonly pollIntervalSeconds?: number;
  /**
   * Override the poll interval in milliseconds (tests of lost events).
   *
   * @default - pollIntervalSeconds
   */
  readonly pollIntervalMs?: number;
  /**
   * Training processes that run at once; more wait in `Starting`.
   *
   * @default - as many as the runs ask for
   */
  readonly maxConcurrentJobs?: number;
  /**
   * Powertools log level of the handlers (`SILENT` keeps a terminal display clean).
   *
   * @default 'SILENT'
   */
  readonly logLevel?: string;
  /**
   * Seconds before an in-flight job is re-read from SageMaker (the reconciliation of lost events).
   *
   * @default 60
   */
  readonly reconcileAfterSeconds?: number;
  /** @default 3000 */
  readonly stopGracePeriodMs?: number;
  /** Called with errors of event deliveries (the real EventBridge would retry them). */
  readonly onError?: (error: unknown, where: string) => void;
}

/** What a run needs from the twin beyond its input: where relative paths start. */
export interface StartRunOptions {
  /** Folder that `LocalConfig` paths are relative to (the tuning.json's folder). */
  readonly baseDir: string;
  /** @default - the input's HyperParameterTuningJobName */
  readonly executionName?: string;
}

interface LocalRunConfig {
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

const ENV_KEYS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SAGEMAKER',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_S3',
  'TABLE_NAME',
  'JOB_NAME_PREFIX',
  'BUCKET_NAME',
  'ALLOWED_TRAINING_ROLE_ARNS',
  'RECONCILE_AFTER_SECONDS',
  'POWERTOOLS_SERVICE_NAME',
  'POWERTOOLS_LOG_LEVEL',
  'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED',
] as const;

export class LocalTwin {
  /** Start every local service and wire the tuner to them. */
  static async start(options: LocalTwinOptions): Promise<LocalTwin> {
    const synthesized = synthesizeTunerForLocal({
      jobNamePrefix: LOCAL_JOB_NAME_PREFIX,
      pollIntervalSeconds: options.pollIntervalSeconds ?? 30,
    });
    const twin = new LocalTwin(options);
    try {
      await twin.boot(synthesized);
    } catch (error) {
      await twin.close();
      throw error;
    }
    return twin;
  }

  readonly bus: LocalEventBus;
  readonly sfn: LocalStepFunctions;
  readonly s3Root: string;
  readonly jobsRoot: string;
  stateMachineArn = '';
  dynamodbEndpoint = '';
  sagemakerEndpoint = '';
  sfnEndpoint = '';
  /** Errors of event deliveries, for tests and `--verbose`. */
  readonly deliveryErrors: string[] = [];

  private dynamodb: LocalDynamoDb | undefined;
  private sagemaker: RunningSageMakerEmulator | undefined;
  private endpoint: SfnEndpoint | undefined;
  private readonly savedEnv = new Map<string, string | undefined>();
  private readonly localRuns = new Map<string, LocalRunConfig>();
  private unsubscribeStatus: (() => void) | undefined;
  private closed = false;

  private constructor(private readonly options: LocalTwinOptions) {
    this.bus = new LocalEventBus({ onError: (error) => this.deliveryFailed(error, 'event bus') });
    this.sfn = new LocalStepFunctions();
    this.s3Root = join(options.workDir, 's3');
    this.jobsRoot = options.workDir;
  }

  get sagemakerEmulator(): RunningSageMakerEmulator['emulator'] {
    if (this.sagemaker === undefined) throw new Error('the local twin is not started');
    return this.sagemaker.emulator;
  }

  private async boot(synthesized: ReturnType<typeof synthesizeTunerForLocal>): Promise<void> {
    mkdirSync(this.s3Root, { recursive: true });
    this.dynamodb = await startDynamoDb(this.options.dynamodbPath === undefined ? {} : { path: this.options.dynamodbPath });
    this.dynamodbEndpoint = this.dynamodb.endpoint;
    await createTable(this.dynamodb.endpoint, LOCAL_TABLE_NAME);
    this.sagemaker = await startSageMakerEmulator({
      rootDir: this.jobsRoot,
      s3Root: this.s3Root,
      bus: this.bus,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT,
      resolveCommand: this.resolveCommand,
      ...(this.options.maxConcurrentJobs === undefined ? {} : { maxConcurrentJobs: this.options.maxConcurrentJobs }),
      ...(this.options.stopGracePeriodMs === undefined ? {} : { stopGracePeriodMs: this.options.stopGracePeriodMs }),
    });
    this.sagemakerEndpoint = this.sagemaker.endpoint;
    this.endpoint = await startSfnEndpoint(this.sfn);
    this.sfnEndpoint = this.endpoint.endpoint;
    this.stateMachineArn = synthesized.stateMachineArn;

    this.setEnv({
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SAGEMAKER: this.sagemakerEndpoint,
      AWS_ENDPOINT_URL_SFN: this.sfnEndpoint,
      // The emulator also answers S3 ListObjectsV2 over its local S3 folder.
      AWS_ENDPOINT_URL_S3: this.sagemakerEndpoint,
      TABLE_NAME: LOCAL_TABLE_NAME,
      JOB_NAME_PREFIX: LOCAL_JOB_NAME_PREFIX,
      BUCKET_NAME: LOCAL_BUCKET_NAME,
      ALLOWED_TRAINING_ROLE_ARNS: '',
      RECONCILE_AFTER_SECONDS: String(this.options.reconcileAfterSeconds ?? 60),
      POWERTOOLS_SERVICE_NAME: 'hpo-tuner',
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? 'SILENT',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });

    // Task states -> the real handlers, loaded after the environment is set (as in Lambda).
    const handlers: Record<string, LambdaHandler> = {};
    for (const [state, name] of Object.entries(synthesized.taskStateHandlers)) handlers[state] = loadHandler(name);
    const waitStates = Object.keys(synthesized.definition.States).filter(
      (name) => String(synthesized.definition.States[name].Resource ?? '').endsWith('.waitForTaskToken'),
    );
    this.sfn.createStateMachine({
      definition: synthesized.definition,
      stateMachineArn: synthesized.stateMachineArn,
      handlers,
      ...(this.options.pollIntervalMs === undefined
        ? {}
        : { taskTokenWaits: { timeoutOverridesMs: Object.fromEntries(waitStates.map((s) => [s, this.options.pollIntervalMs as number])) } }),
    });

    // EventBridge: the template's rules, each delivering to its target handler.
    for (const rule of synthesized.rules) {
      const handler = loadHandler(rule.handler);
      const context = lambdaContext(rule.handler, LOCAL_REGION, LOCAL_ACCOUNT);
      this.bus.subscribe(rule.pattern as EventPattern, async (event) => {
        await deliverWithRetry(() => handler(event, context), (error) => this.deliveryFailed(error, rule.handler));
      });
    }
    this.unsubscribeStatus = this.sfn.onStatusChange((event) => this.bus.put(event));
  }

  /** Start a tuning run: an execution of the tuner's state machine with the input as is. */
  startRun(input: TuningInput | Record<string, unknown>, options: StartRunOptions): { executionArn: string } {
    const record = input as Record<string, unknown>;
    const runName = String(record.HyperParameterTuningJobName ?? '');
    this.prepareLocalRun(runName, record, options.baseDir);
    const { executionArn } = this.sfn.startExecution({
      stateMachineArn: this.stateMachineArn,
      input: JSON.stringify(input),
      ...(options.executionName === undefined && runName === '' ? {} : { name: options.executionName ?? runName }),
    });
    return { executionArn };
  }

  /**
   * Tell the twin how a run started elsewhere (e.g. by `hpo start` through the Step Functions
   * endpoint) runs its jobs locally: its `LocalConfig`, relative to `baseDir`.
   */
  registerLocalRun(input: TuningInput | Record<string, unknown>, baseDir: string): void {
    const record = input as Record<string, unknown>;
    this.prepareLocalRun(String(record.HyperParameterTuningJobName ?? ''), record, baseDir);
  }

  /**
   * Continue a recorded run in a new execution (the state machine's continue-as-new path),
   * e.g. after the process that ran it was killed. `input` supplies the run's LocalConfig.
   */
  continueRun(
    input: TuningInput | Record<string, unknown>,
    options: StartRunOptions & { readonly generation: number },
  ): { executionArn: string } {
    const record = input as Record<string, unknown>;
    const runName = String(record.HyperParameterTuningJobName ?? '');
    this.prepareLocalRun(runName, record, options.baseDir);
    const { executionArn } = this.sfn.startExecution({
      stateMachineArn: this.stateMachineArn,
      input: JSON.stringify({ ContinueRun: { RunId: runName, Generation: options.generation } }),
      name: options.executionName ?? `${runName}-g${options.generation}`,
    });
    return { executionArn };
  }

  waitForExecution(executionArn: string, timeoutMs: number): Promise<ExecutionResult> {
    return this.sfn.waitForExecution(executionArn, timeoutMs);
  }

  stopExecution(executionArn: string, cause = 'stopped'): void {
    this.sfn.stopExecution(executionArn, { cause });
  }

  /** Wait until every event delivery in flight has finished. */
  async drainEvents(): Promise<void> {
    await this.bus.drain();
  }

  /** Stop every execution, job, server and timer; restore the environment. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeStatus?.();
    this.sfn.close();
    await this.sagemaker?.close();
    await this.endpoint?.close();
    await this.bus.close();
    await this.dynamodb?.close();
    for (const [key, value] of this.savedEnv) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }

  /** Maps a training job to its run's `LocalConfig` command (or script mode's `sagemaker_program`). */
  private readonly resolveCommand: CommandResolver = (request, context) => {
    const parsed = parseTrainingJobName(LOCAL_JOB_NAME_PREFIX, String(request.TrainingJobName));
    const local = parsed === undefined ? undefined : this.localRuns.get(parsed.runId);
    if (local === undefined) return resolveFromHyperParameters(request, context);
    return { command: local.command, cwd: local.cwd, env: local.env };
  };

  /** Record how the run's jobs run locally, and make its channels visible in the local S3. */
  private prepareLocalRun(runName: string, input: Record<string, unknown>, baseDir: string): void {
    const localConfig = input.LocalConfig as
      | { Command?: string[]; WorkingDirectory?: string; Channels?: Record<string, string>; Environment?: Record<string, string> }
      | undefined;
    if (localConfig?.Command === undefined || runName === '') return;
    const base = resolve(baseDir);
    this.localRuns.set(runName, {
      command: localConfig.Command,
      cwd: resolve(base, localConfig.WorkingDirectory ?? '.'),
      env: localConfig.Environment ?? {},
    });
    const definition = input.TrainingJobDefinition as { InputDataConfig?: Array<Record<string, unknown>> } | undefined;
    for (const channel of definition?.InputDataConfig ?? []) {
      const name = String(channel.ChannelName);
      const folder = localConfig.Channels?.[name];
      const uri = (channel.DataSource as { S3DataSource?: { S3Uri?: string } } | undefined)?.S3DataSource?.S3Uri;
      if (folder === undefined || uri === undefined) continue;
      const target = isAbsolute(folder) ? folder : resolve(base, folder);
      const link = this.sagemakerEmulator.s3ToLocal(uri.replace(/\/+$/, ''));
      if (existsSync(link) || isDanglingLink(link)) continue;
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(target, link, 'dir');
    }
  }

  private setEnv(values: Record<(typeof ENV_KEYS)[number], string | undefined>): void {
    for (const key of ENV_KEYS) {
      if (!this.savedEnv.has(key)) this.savedEnv.set(key, process.env[key]);
      const value = values[key];
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }

  private deliveryFailed(error: unknown, where: string): void {
    const message = `${where}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
    this.deliveryErrors.push(message);
    this.options.onError?.(error, where);
  }
}

function isDanglingLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The real handler module, loaded like Lambda loads it. */
function loadHandler(name: HandlerName): LambdaHandler {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(`../lambda/handlers/${name}`) as { handler?: LambdaHandler };
  if (typeof module.handler !== 'function') throw new Error(`lambda/handlers/${name} exports no handler`);
  return module.handler;
}

/** EventBridge retries a failed asynchronous invocation; so does the twin, briefly. */
async function deliverWithRetry(deliver: () => Promise<unknown>, onFinalError: (error: unknown) => void): Promise<void> {
  const attempts = 3;
  for (let attempt = 1; ; attempt++) {
    try {
      await deliver();
      return;
    } catch (error) {
      if (attempt >= attempts) {
        onFinalError(error);
        return;
      }
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
