/**
 * Where `hpo results` and `hpo status` read a run's records: a local run's on-disk store
 * (local mode, `<home>/runs/<run>/dynamodb`) or a deployed tuner's results table.
 */
import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../lambda/adapters/aws/dynamodb-run-store';
import type {
  JobObservation,
  JobRecord,
  RecordObservationResult,
  RunRecord,
  ResultEntry,
  RunSnapshot,
  TickView,
  RunStore,
  RunSummary,
  StoreTokenResult,
  TrialRecord,
} from '../core/orchestrator/records';
import { isStoreLocked } from '../local/dynamodb/dynalite';
import { describeHpoHome, displayPath, hpoHome, LOCAL_REGION, LOCAL_TABLE_NAME, listLocalRuns, openLocalStore, runPaths } from '../local/workspace';
import { CliError } from './io';

/** What {@link openResults} needs. */
export interface ResultsSourceOptions {
  /** Read local mode's runs (under `$HPO_HOME` or `<cwd>/.hpo`). */
  readonly local: boolean;
  /** The deployed tuner's results table (the stack's `ResultsTableName` output). */
  readonly table?: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** The run to open; without it (local mode) every local run is readable, one at a time. */
  readonly run?: string;
}

/** An opened source of run records. */
export interface ResultsSource {
  /** Read the records through this (local sources refuse writes). */
  readonly store: RunStore;
  /** Where the records are, for messages: `~/.hpo/runs/mnist` or `table HpoResults (eu-west-1)`. */
  readonly where: string;
  /** Release the store (stops the local DynamoDB, destroys the client). */
  close(): Promise<void>;
}

/** The message when a deployed tuner is meant but `--table` is missing. */
export const TABLE_REQUIRED =
  '--table <name> is required for a deployed tuner (the ResultsTableName output of the stack), or use --local';

/**
 * The exit code of `hpo results`, `hpo status` and `hpo report` for a run they cannot find or
 * read (their help says so): 1, as for an unreadable table. Bad arguments exit 2.
 */
export const UNKNOWN_RUN_EXIT = 1;

const RUN_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;

/** Throws a `CliError` unless `run` is a valid run name (HyperParameterTuningJobName). */
export function checkRunName(run: string): void {
  if (!RUN_NAME.test(run)) {
    throw new CliError(`'${run}' is not a valid run name: 1-32 letters, digits and hyphens, starting and ending with a letter or digit`);
  }
}

/** Whether local mode has a run named `run` under `cwd` (or `$HPO_HOME`). */
export function hasLocalRun(cwd: string, env: NodeJS.ProcessEnv, run: string): boolean {
  return RUN_NAME.test(run) && existsSync(runPaths(hpoHome(cwd, env), run).dynamodb);
}

/**
 * Decide between local and deployed when neither `--local` nor `--table` was given: local
 * when the run (or, without a run, any run) exists locally, else `--table` is required.
 *
 * @throws CliError when both flags are given, or neither and nothing local applies
 */
export function chooseSource(options: { local: boolean; table?: string; cwd: string; env: NodeJS.ProcessEnv; run?: string }): boolean {
  if (options.local && options.table !== undefined) throw new CliError('use either --local or --table <name>, not both');
  if (options.local) return true;
  if (options.table !== undefined) return false;
  const home = hpoHome(options.cwd, options.env);
  const localHere = options.run === undefined ? listLocalRuns(home).length > 0 : hasLocalRun(options.cwd, options.env, options.run);
  if (localHere) return true;
  const runs = listLocalRuns(home);
  if (options.run !== undefined && runs.length > 0) {
    // The user most likely mistyped a local run's name: say which exist, and the other way.
    throw new CliError(
      `no local run '${options.run}' in ${describeHpoHome(options.cwd, options.env)}; local runs: ${runs.join(', ')}. ` +
        'For a deployed tuner, pass --table <name> (the ResultsTableName output of the stack)',
      UNKNOWN_RUN_EXIT,
    );
  }
  throw new CliError(TABLE_REQUIRED);
}

/**
 * Open the records of a local run or of a deployed tuner.
 *
 * - local, with `run`: that run's on-disk store; an unknown run is a `CliError` that lists
 *   the local runs.
 * - local, without `run`: every local run, each store opened in turn when asked (listRuns
 *   merges them, newest first).
 * - deployed: `DynamoDbRunStore` on `table`, with the SDK's default region, credentials and
 *   endpoint chain; without `table` a `CliError` ({@link TABLE_REQUIRED}).
 */
export async function openResults(options: ResultsSourceOptions): Promise<ResultsSource> {
  if (options.local) {
    const home = hpoHome(options.cwd, options.env);
    const where = describeHpoHome(options.cwd, options.env);
    if (options.run === undefined) {
      return { store: new LocalRunsStore(home), where, close: async () => undefined };
    }
    checkRunName(options.run);
    const runs = listLocalRuns(home);
    if (!runs.includes(options.run)) {
      throw new CliError(
        runs.length === 0
          ? `no local run '${options.run}': ${where} has no runs (start one with hpo local <tuning.json>, or read a deployed tuner with --table <name>)`
          : `no local run '${options.run}' in ${where}; local runs: ${runs.join(', ')}`,
        UNKNOWN_RUN_EXIT,
      );
    }
    const paths = runPaths(home, options.run);
    const opened = await openLocalRun(paths.dynamodb, paths.meta, options.run);
    return { store: opened.store, where: displayPath(options.cwd, paths.root, options.env), close: opened.close };
  }
  if (options.table === undefined || options.table === '') throw new CliError(TABLE_REQUIRED);
  const client = new DynamoDBClient({});
  let region: string;
  try {
    region = await client.config.region();
  } catch (error) {
    client.destroy();
    throw awsErrorToCliError(error, { table: options.table });
  }
  const store = new DynamoDbRunStore({ tableName: options.table, client: createRunStoreDocumentClient(client) });
  return { store, where: `table ${options.table} (${region})`, close: async () => client.destroy() };
}

// ---- local stores --------------------------------------------------------------------------

interface OpenedStore {
  readonly store: RunStore;
  close(): Promise<void>;
}

/**
 * Open a local run's store. A store that another process holds open (an `hpo local` still
 * running the run) cannot be opened a second time: LevelDB locks it, and dynalite would then
 * crash on its first request. So the lock is probed first; when the run's `run.json` names
 * the running twin's DynamoDB endpoint (`dynamodbEndpoint`), that endpoint is read instead.
 */
async function openLocalRun(dynamodbPath: string, metaPath: string, run: string): Promise<OpenedStore> {
  if (await isStoreLocked(dynamodbPath)) {
    const endpoint = liveEndpoint(metaPath);
    if (endpoint === undefined) {
      throw new CliError(
        `run '${run}' is open in another process (an hpo local still running it?): its progress shows there; try again once it has ended`,
        1,
      );
    }
    const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
    return { store, close: async () => client.destroy() };
  }
  return openLocalStore(dynamodbPath);
}

function liveEndpoint(metaPath: string): string | undefined {
  try {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { dynamodbEndpoint?: unknown };
    return typeof meta.dynamodbEndpoint === 'string' && /^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(meta.dynamodbEndpoint)
      ? meta.dynamodbEndpoint
      : undefined;
  } catch {
    return undefined;
  }
}

function readOnly(): never {
  throw new Error('the local results reader is read-only');
}

/**
 * Every local run as one read-only `RunStore`: each run has its own on-disk store, opened for
 * the duration of one call. Writes throw.
 */
class LocalRunsStore implements RunStore {
  constructor(private readonly home: string) {}

  private async withRun<T>(runId: string, use: (store: RunStore) => Promise<T>, missing: () => T): Promise<T> {
    if (!RUN_NAME.test(runId) || !listLocalRuns(this.home).includes(runId)) return missing();
    const paths = runPaths(this.home, runId);
    const opened = await openLocalRun(paths.dynamodb, paths.meta, runId);
    try {
      return await use(opened.store);
    } finally {
      await opened.close();
    }
  }

  async listRuns(limit: number): Promise<RunSummary[]> {
    const all: RunSummary[] = [];
    for (const runId of listLocalRuns(this.home)) {
      all.push(...(await this.withRun(runId, (store) => store.listRuns(limit), () => [])));
    }
    return all.sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.runId.localeCompare(b.runId)).slice(0, limit);
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.withRun(runId, (store) => store.getRun(runId), () => undefined);
  }

  listJobs(runId: string): Promise<JobRecord[]> {
    return this.withRun(runId, (store) => store.listJobs(runId), () => []);
  }

  listTrials(runId: string): Promise<TrialRecord[]> {
    return this.withRun(runId, (store) => store.listTrials(runId), () => []);
  }

  leaderboard(runId: string, limit: number): Promise<TrialRecord[]> {
    return this.withRun(runId, (store) => store.leaderboard(runId, limit), () => []);
  }

  loadSnapshot(runId: string): Promise<RunSnapshot> {
    return this.withRun(runId, (store) => store.loadSnapshot(runId), () => {
      throw new CliError(`no local run '${runId}'`, UNKNOWN_RUN_EXIT);
    });
  }

  loadTickView(runId: string): Promise<TickView> {
    return this.withRun(runId, (store) => store.loadTickView(runId), () => {
      throw new CliError(`no local run '${runId}'`, UNKNOWN_RUN_EXIT);
    });
  }

  getTrials(runId: string, trialIds: readonly number[]): Promise<TrialRecord[]> {
    return this.withRun(runId, (store) => store.getTrials(runId, trialIds), () => []);
  }

  readResults(runId: string, from: number, to: number): Promise<ResultEntry[]> {
    return this.withRun(runId, (store) => store.readResults(runId, from, to), () => []);
  }

  async createRun(): Promise<void> {
    readOnly();
  }
  async commitTick(): Promise<number> {
    return readOnly();
  }
  async recordObservation(_runId: string, _observation: JobObservation): Promise<RecordObservationResult> {
    return readOnly();
  }
  async storeTaskToken(): Promise<StoreTokenResult> {
    return readOnly();
  }
  async setRunStatus(): Promise<RunRecord> {
    return readOnly();
  }
  async updateJob(): Promise<void> {
    readOnly();
  }
}

// ---- AWS errors ----------------------------------------------------------------------------

/** What an AWS call was about, for error messages. */
export interface AwsErrorContext {
  readonly table?: string;
  readonly stateMachineArn?: string;
  readonly operation?: string;
}

/**
 * A `CliError` (exit 1) with a clear message for the AWS errors a user can fix: missing
 * region or credentials, refused or expired credentials, access denied, unknown table,
 * unreachable endpoint. Anything else is returned as it was (a bug or an outage).
 */
export function awsErrorToCliError(error: unknown, context: AwsErrorContext = {}): unknown {
  if (!(error instanceof Error)) return error;
  const name = error.name;
  const message = error.message;
  const code = (error as { code?: unknown }).code;
  if (/region is missing/i.test(message)) {
    return new CliError('no AWS region configured: set AWS_REGION (or AWS_PROFILE with a region in ~/.aws/config)', 1);
  }
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(message)) {
    return new CliError(
      'no AWS credentials found: configure them (aws configure, aws sso login, AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)',
      1,
    );
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'ExpiredToken', 'InvalidClientTokenId'].includes(name)) {
    return new CliError(`the AWS credentials were refused (${name}): refresh them (aws sso login) or check AWS_PROFILE`, 1);
  }
  if (name === 'AccessDeniedException' || name === 'AccessDenied') {
    const on = context.operation ?? (context.table !== undefined ? `table ${context.table}` : 'this request');
    return new CliError(`access denied to ${on}: ${message}`, 1);
  }
  if (name === 'ResourceNotFoundException' && context.table !== undefined) {
    return new CliError(
      `table '${context.table}' not found: check --table (the ResultsTableName output of the stack) and the region (AWS_REGION)`,
      1,
    );
  }
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || name === 'TimeoutError' || /ECONNREFUSED|ENOTFOUND/.test(message)) {
    return new CliError(`cannot reach the AWS endpoint: ${message}`, 1);
  }
  return error;
}

// ---- arguments -------------------------------------------------------------------------------

/** Options a command takes: a flag either stands alone or takes a value. */
export type FlagSpec = Readonly<Record<string, 'boolean' | 'value'>>;

/** Parsed command arguments. */
export interface ParsedFlags {
  readonly positionals: string[];
  readonly values: ReadonlyMap<string, string>;
  readonly booleans: ReadonlySet<string>;
}

/**
 * Split `args` into positionals and the flags in `spec` (`--flag value` or `--flag=value`).
 *
 * @throws CliError for an unknown option or a missing value, naming the allowed options
 */
export function parseFlags(args: readonly string[], command: string, spec: FlagSpec): ParsedFlags {
  const positionals: string[] = [];
  const values = new Map<string, string>();
  const booleans = new Set<string>();
  const allowed = [...Object.keys(spec), '--help'].join(', ');
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const kind = Object.prototype.hasOwnProperty.call(spec, flag) ? spec[flag] : undefined;
    if (kind === undefined) throw new CliError(`unknown option '${flag}' for hpo ${command}; allowed: ${allowed}`);
    if (kind === 'boolean') {
      if (flag !== arg) throw new CliError(`${flag} takes no value, got '${arg}'`);
      booleans.add(flag);
      continue;
    }
    const value = flag !== arg ? arg.slice(eq + 1) : args[++i];
    if (value === undefined || value === '' || (flag === arg && value.startsWith('--'))) {
      throw new CliError(`${flag} needs a value; see hpo ${command} --help`);
    }
    values.set(flag, value);
  }
  return { positionals, values, booleans };
}

/** A positive integer flag value, or `undefined` when the flag is absent. */
export function positiveIntegerFlag(flags: ParsedFlags, flag: string): number | undefined {
  const raw = flags.values.get(flag);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < 1) throw new CliError(`${flag} must be a positive integer, got '${raw}'`);
  return n;
}
