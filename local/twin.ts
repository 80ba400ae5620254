/**
 * The local twin of AWS: the tuner's own state machine and Lambda code, unchanged, on one
 * machine. Only the AWS services are stood in for:
 *
 * - Step Functions: the synthesized definition run by aws-local-stepfunctions; every Task
 *   calls the real handler in-process, wrapped in the real Lambda-invoke envelope; a local
 *   endpoint answers `SendTaskSuccess` so the handlers' real client-sfn code runs.
 * - DynamoDB: dynalite on a loopback port (in memory, or on disk for local mode).
 * - SageMaker: the emulator (JSON 1.1 on loopback); training jobs are local processes.
 * - EventBridge: an in-process bus with the template's own rules and targets, and a local
 *   endpoint that accepts `PutEvents` (the run-level status events) onto it.
 *
 * Handlers find the services the way they do in AWS: through the SDK's endpoint
 * configuration (`AWS_ENDPOINT_URL_<SERVICE>`) and the construct's environment variables.
 * A process runs one twin at a time (the environment is process-wide, as in Lambda).
 */
import './polyfills';
import { createHash } from 'node:crypto';
import { mkdirSync, existsSync, symlinkSync, lstatSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { TuningInput } from '../core/input';
import { parseTrainingJobName } from '../core/orchestrator/naming';
import type { HandlerName } from '../lib/private/definition';
import { createTable, startDynamoDb, type LocalDynamoDb } from './dynamodb/dynalite';
import { LocalEventBus } from './eventbridge/bus';
import { startEventBridgeEndpoint, type EventBridgeEndpoint } from './eventbridge/endpoint';
import type { EventPattern } from './eventbridge/pattern';
import { resolveFromHyperParameters, startSageMakerEmulator, type CommandResolver, type RunningSageMakerEmulator } from './sagemaker';
import { startSfnEndpoint, type SfnEndpoint } from './stepfunctions/endpoint';
import { authorize, PermissionsLedger, policiesFromTemplate, s3Calls, startAuthorizingProxy, type AuthorizingProxy, type Principal } from './iam';
import { LambdaFunctionError, LambdaServiceError, LocalLambdaFunction } from './lambda/runtime';
import type { LambdaHandler } from './stepfunctions/lambda';
import { LocalStepFunctions, type ExecutionResult } from './stepfunctions/runner';
import { synthesizeTunerForLocal, type SynthesizedFunction, type SynthesizedTuner } from './synth';
import {
  LOCAL_ACCOUNT,
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
   * Overrides the functions' Powertools log level (`POWERTOOLS_LOG_LEVEL`).
   *
   * @default - the level the construct configures (INFO)
   */
  readonly logLevel?: string;
  /**
   * Folder for the functions' logs (`<function>.log`, their "log groups").
   *
   * @default - the logs are dropped
   */
  readonly functionLogDir?: string;
  /**
   * Overrides the seconds before an in-flight job is re-read from SageMaker (the
   * reconciliation of lost events), for tests of lost events.
   *
   * @default - the deployed default (120)
   */
  readonly reconcileAfterSeconds?: number;
  /** @default 3000 */
  readonly stopGracePeriodMs?: number;
  /**
   * Puts something between the functions and a service (a fault-injecting proxy in tests):
   * called with the service's endpoint, it returns the endpoint the functions' calls go to
   * after IAM has authorized them.
   *
   * @default - the functions reach the services directly (through IAM)
   */
  readonly interpose?: (service: 'dynamodb' | 'sagemaker' | 'sfn' | 'events', endpoint: string) => Promise<string>;
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

/**
 * What the twin sets in its own process, for callers outside the functions (the CLI's
 * `hpo start`/`results` against the twin, tests): the services' endpoints and admin
 * credentials. The functions never see this environment; each has its own.
 */
const ENV_KEYS = [
  'AWS_REGION',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'AWS_ENDPOINT_URL_SAGEMAKER',
  'AWS_ENDPOINT_URL_SFN',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
  'AWS_ENDPOINT_URL_EVENTBRIDGE',
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
  eventsEndpoint = '';
  /** Errors of event deliveries, for tests and `--verbose`. */
  readonly deliveryErrors: string[] = [];

  /** The tuner's Lambda functions, by handler. */
  readonly functions = new Map<HandlerName, LocalLambdaFunction>();
  /** The training roles the tuner may pass (a run's default `RoleArn`). */
  trainingRoleArns: readonly string[] = [];
  /**
   * Every AWS call the functions (and training jobs, for S3) made, authorized against their
   * roles' identity policies from the template: what was allowed, what was denied.
   */
  readonly ledger = new PermissionsLedger();
  /** The template's roles as IAM principals, by role ARN (the functions' and the training roles). */
  readonly principals = new Map<string, Principal>();

  private synthesized: SynthesizedTuner | undefined;
  private dynamodb: LocalDynamoDb | undefined;
  private sagemaker: RunningSageMakerEmulator | undefined;
  private readonly proxies: AuthorizingProxy[] = [];
  /** What the functions' SDKs call: the authorizing proxies in front of the services. */
  private readonly functionEndpoints = { dynamodb: '', sagemaker: '', sfn: '', logs: '', events: '' };
  private endpoint: SfnEndpoint | undefined;
  private eventsServer: EventBridgeEndpoint | undefined;
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

  private async boot(synthesized: SynthesizedTuner): Promise<void> {
    this.synthesized = synthesized;
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
      authorizeS3: this.authorizeTrainingS3,
      ...(this.options.maxConcurrentJobs === undefined ? {} : { maxConcurrentJobs: this.options.maxConcurrentJobs }),
      ...(this.options.stopGracePeriodMs === undefined ? {} : { stopGracePeriodMs: this.options.stopGracePeriodMs }),
    });
    this.sagemakerEndpoint = this.sagemaker.endpoint;
    this.endpoint = await startSfnEndpoint(this.sfn);
    this.sfnEndpoint = this.endpoint.endpoint;
    this.eventsServer = await startEventBridgeEndpoint(this.bus, { region: LOCAL_REGION, account: LOCAL_ACCOUNT });
    this.eventsEndpoint = this.eventsServer.endpoint;
    this.stateMachineArn = synthesized.stateMachineArn;
    this.trainingRoleArns = synthesized.trainingRoleArns;

    this.setEnv({
      AWS_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_SESSION_TOKEN: undefined,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodbEndpoint,
      AWS_ENDPOINT_URL_SAGEMAKER: this.sagemakerEndpoint,
      AWS_ENDPOINT_URL_SFN: this.sfnEndpoint,
      // The emulator also answers S3 ListObjectsV2 over its local S3 folder, and CloudWatch Logs
      // FilterLogEvents over its training jobs' output.
      AWS_ENDPOINT_URL_S3: this.sagemakerEndpoint,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.sagemakerEndpoint,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.eventsEndpoint,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });

    await this.startIamEnforcement(synthesized);

    // The tuner's functions: the bundles of the cloud assembly, each in its own sandboxes.
    for (const fn of Object.values(synthesized.functions)) {
      this.functions.set(fn.handlerName, new LocalLambdaFunction({
        name: fn.name,
        arn: fn.arn,
        codeDir: fn.codeDir,
        handler: fn.handler,
        environment: fn.environment,
        timeoutSeconds: fn.timeoutSeconds,
        memoryMb: fn.memoryMb,
        runtimeEnvironment: this.runtimeEnvironment(fn),
        ...(this.options.functionLogDir === undefined ? {} : { logFile: join(this.options.functionLogDir, `${fn.name}.log`) }),
      }));
    }

    // Task states -> their functions, invoked like Step Functions' Lambda integration does.
    const handlers: Record<string, LambdaHandler> = {};
    for (const [state, name] of Object.entries(synthesized.taskStateHandlers)) handlers[state] = this.invoker(name, 'RequestResponse');
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

    // EventBridge: the template's rules, each delivering to its target function (asynchronously).
    for (const rule of synthesized.rules) {
      const invoke = this.invoker(rule.handler, 'Event');
      this.bus.subscribe(rule.pattern as EventPattern, async (event) => {
        await deliverWithRetry(() => invoke(event, undefined as never), (error) => this.deliveryFailed(error, rule.handler));
      });
    }
    this.unsubscribeStatus = this.sfn.onStatusChange((event) => this.bus.put(event));
  }

  /**
   * What the Lambda service adds to a function's environment: region, its role's credentials
   * (an access key of its own, so the twin's services know which role calls), the runtime's
   * variables; and what the twin adds: the local endpoints.
   */
  private runtimeEnvironment(fn: SynthesizedFunction): Record<string, string> {
    return {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: accessKeyIdFor(fn.roleArn),
      AWS_SECRET_ACCESS_KEY: 'local-secret',
      AWS_SESSION_TOKEN: 'local-session',
      AWS_LAMBDA_FUNCTION_NAME: fn.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.name}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      LAMBDA_TASK_ROOT: fn.codeDir,
      _HANDLER: fn.handler,
      TZ: ':UTC',
      AWS_ENDPOINT_URL_DYNAMODB: this.functionEndpoints.dynamodb,
      AWS_ENDPOINT_URL_SAGEMAKER: this.functionEndpoints.sagemaker,
      AWS_ENDPOINT_URL_SFN: this.functionEndpoints.sfn,
      // The emulator serves the local S3 (ListObjectsV2) too, behind the same proxy.
      AWS_ENDPOINT_URL_S3: this.functionEndpoints.sagemaker,
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: this.functionEndpoints.logs,
      AWS_ENDPOINT_URL_EVENTBRIDGE: this.functionEndpoints.events,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(this.options.logLevel === undefined ? {} : { POWERTOOLS_LOG_LEVEL: this.options.logLevel }),
      ...(this.options.reconcileAfterSeconds === undefined ? {} : { RECONCILE_AFTER_SECONDS: String(this.options.reconcileAfterSeconds) }),
    };
  }

  /**
   * IAM as deployed: every role of the template becomes a principal with its identity policies;
   * each function calls DynamoDB, SageMaker, Step Functions and EventBridge through an authorizing proxy that
   * knows it by its access key, so a call its role does not allow fails with AWS's
   * `AccessDeniedException`, and every call is recorded in {@link ledger}.
   */
  private async startIamEnforcement(synthesized: SynthesizedTuner): Promise<void> {
    const roles = policiesFromTemplate(synthesized.template, synthesized.resolve);
    const byAccessKey = new Map<string, Principal>();
    const nameOfRole = new Map(Object.values(synthesized.functions).map((fn) => [fn.roleLogicalId, fn.name]));
    for (const [logicalId, role] of roles) {
      const roleArn = synthesized.arnOf(logicalId);
      if (roleArn === undefined) continue;
      const principal: Principal = { name: nameOfRole.get(logicalId) ?? logicalId, roleArn, policies: role.policies };
      this.principals.set(roleArn, principal);
    }
    for (const fn of Object.values(synthesized.functions)) {
      const principal = this.principals.get(fn.roleArn);
      if (principal === undefined) throw new Error(`the role of function ${fn.name} is not in the template`);
      byAccessKey.set(accessKeyIdFor(fn.roleArn), principal);
    }
    const common = { principals: byAccessKey, region: LOCAL_REGION, account: LOCAL_ACCOUNT, ledger: this.ledger };
    const behind = (service: 'dynamodb' | 'sagemaker' | 'sfn' | 'events', endpoint: string): Promise<string> =>
      this.options.interpose === undefined ? Promise.resolve(endpoint) : this.options.interpose(service, endpoint);
    const dynamodb = await startAuthorizingProxy({ ...common, service: 'dynamodb', target: await behind('dynamodb', this.dynamodbEndpoint) });
    this.proxies.push(dynamodb);
    const sagemaker = await startAuthorizingProxy({ ...common, service: 'sagemaker', target: await behind('sagemaker', this.sagemakerEndpoint) });
    this.proxies.push(sagemaker);
    const sfn = await startAuthorizingProxy({
      ...common,
      service: 'sfn',
      target: await behind('sfn', this.sfnEndpoint),
      resourceForTaskToken: (token) => this.sfn.stateMachineArnForTaskToken(token),
    });
    this.proxies.push(sfn);
    // CloudWatch Logs (the training jobs' output, for early stopping) is served by the emulator.
    const logs = await startAuthorizingProxy({ ...common, service: 'logs', target: this.sagemakerEndpoint });
    this.proxies.push(logs);
    this.functionEndpoints.logs = logs.endpoint;
    const events = await startAuthorizingProxy({ ...common, service: 'events', target: await behind('events', this.eventsEndpoint) });
    this.proxies.push(events);
    this.functionEndpoints.events = events.endpoint;
    this.functionEndpoints.dynamodb = dynamodb.endpoint;
    this.functionEndpoints.sagemaker = sagemaker.endpoint;
    this.functionEndpoints.sfn = sfn.endpoint;
  }

  /**
   * Invokes a function and reports its failure the way the caller sees it: a function error
   * as `{Error: errorType, Cause: {errorMessage, errorType, trace}}`; an Invoke API error as
   * `Lambda.<Exception>` (Step Functions' naming).
   */
  private invoker(name: HandlerName, type: 'RequestResponse' | 'Event'): LambdaHandler {
    const fn = this.functions.get(name);
    if (fn === undefined) throw new Error(`the template has no function for handler ${name}`);
    return async (event: unknown) => {
      try {
        return await fn.invoke(event, type);
      } catch (error) {
        if (error instanceof LambdaFunctionError) throw asReportedError(error.errorType, error.errorMessage, error.trace);
        if (error instanceof LambdaServiceError) throw asReportedError(`Lambda.${error.name}`, error.message, []);
        throw error;
      }
    };
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
    await Promise.all([...this.functions.values()].map((fn) => fn.close()));
    await Promise.all(this.proxies.map((p) => p.close()));
    await this.sagemaker?.close();
    await this.endpoint?.close();
    await this.eventsServer?.close();
    await this.bus.close();
    await this.dynamodb?.close();
    this.synthesized?.dispose();
    for (const [key, value] of this.savedEnv) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }

  /**
   * What a training job does in S3, authorized against its role's policies from the template
   * (the training role the construct creates): checkpoints and outputs in the tuner's bucket.
   * Channels of other buckets are local folders (`LocalConfig.Channels`) and are not checked.
   */
  private readonly authorizeTrainingS3 = async (roleArn: string, operation: 'get' | 'put' | 'list', bucket: string, key: string): Promise<string | undefined> => {
    const principal = this.principals.get(roleArn);
    if (principal === undefined) return `the training job's role ${roleArn} is not a role of the tuner's template`;
    for (const call of s3Calls(operation, bucket, key)) {
      const decision = await authorize(principal, call, { region: LOCAL_REGION });
      this.ledger.record(principal.name, `S3.${call.action.slice(3)}`, decision);
      if (!decision.allowed) return decision.message ?? `access denied: ${call.action} on ${call.resource}`;
    }
    return undefined;
  };

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

/** An error whose `name` and `message` are what the Lambda runtime reported. */
function asReportedError(errorType: string, errorMessage: string, trace: readonly string[]): Error {
  const error = new Error(errorMessage);
  error.name = errorType;
  error.stack = trace.length > 0 ? trace.join('\n') : `${errorType}: ${errorMessage}`;
  return error;
}

/** A function's access key id: derived from its role, so the twin's services know who calls. */
export function accessKeyIdFor(roleArn: string): string {
  return `ASIA${createHash('sha256').update(roleArn).digest('hex').slice(0, 16).toUpperCase()}`;
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
