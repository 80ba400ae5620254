/**
 * Where local mode keeps a run on disk, and how to open its results again.
 *
 * ```
 * <home>/                    (see hpoHome: $HPO_HOME, a .hpo/ of the project, or ~/.hpo)
 *   runs/<run>/
 *     run.json               what started the run: input path, started at, pid
 *     dynamodb/              dynalite's on-disk store (the results table)
 *     jobs/<job>/            each training job's folders; output/log.txt is its log
 *     logs/<function>.log    the tuner's Lambda functions' logs (their "log groups")
 *     s3/<bucket>/...        the local stand-in for S3 (checkpoints, outputs)
 *     report.html            written by `hpo report`
 * ```
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { RUN_SK, runPk } from '../lambda/adapters/aws/dynamodb-keys';
import { createRunStoreDocumentClient, DynamoDbRunStore } from '../lambda/adapters/aws/dynamodb-run-store';
import { createTable, startDynamoDb } from './dynamodb/dynalite';

/** The results table's name in local mode. */
export const LOCAL_TABLE_NAME = 'hpo-results';
/** Job-name prefix of local mode (the deployed construct derives its own). */
export const LOCAL_JOB_NAME_PREFIX = 'hpo';
/** The bucket name local mode pretends to use (a folder under the run's `s3/`). */
export const LOCAL_BUCKET_NAME = 'hpo-local';
export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

/**
 * Where local mode keeps its runs, the first of:
 *
 * 1. `$HPO_HOME` (relative to the working directory);
 * 2. a `.hpo` folder in the working directory or the nearest parent that has one (a project's
 *    own runs, found from any of its subfolders, as git finds `.git`);
 * 3. `~/.hpo` (`$HOME/.hpo`): the default, the same whatever folder `hpo` runs from.
 */
export function hpoHome(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return locateHpoHome(cwd, env).path;
}

/**
 * A path for messages: relative to the working directory when it is under it, `~/...` when it is
 * under the home directory, else absolute.
 */
export function displayPath(cwd: string, path: string, env: NodeJS.ProcessEnv = process.env): string {
  const rel = relative(cwd, path);
  if (rel === '') return path;
  if (!rel.startsWith('..') && !rel.startsWith(sep)) return rel;
  const home = env.HOME ?? homedir();
  const fromHome = relative(home, path);
  return fromHome !== '' && !fromHome.startsWith('..') && !fromHome.startsWith(sep) ? `~/${fromHome}` : path;
}

/**
 * The home for messages: relative when it is under the working directory (`.hpo`), else its
 * absolute path and the rule that chose it (`/home/me/.hpo (the default; HPO_HOME overrides)`).
 */
export function describeHpoHome(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  const { path, why } = locateHpoHome(cwd, env);
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep) ? rel : `${displayPath(cwd, path, env)} (${why})`;
}

/** {@link hpoHome}, with the rule that chose it (for messages). */
export function locateHpoHome(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): { readonly path: string; readonly why: string } {
  if (env.HPO_HOME !== undefined && env.HPO_HOME !== '') return { path: resolve(cwd, env.HPO_HOME), why: 'HPO_HOME' };
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.hpo'))) return { path: join(dir, '.hpo'), why: 'the nearest .hpo folder' };
    if (dirname(dir) === dir) break;
  }
  return { path: join(env.HOME ?? homedir(), '.hpo'), why: 'the default; HPO_HOME overrides' };
}

export interface RunPaths {
  readonly root: string;
  readonly meta: string;
  readonly dynamodb: string;
  readonly jobs: string;
  readonly s3: string;
  readonly report: string;
}

export function runPaths(home: string, runName: string): RunPaths {
  const root = join(home, 'runs', runName);
  return {
    root,
    meta: join(root, 'run.json'),
    dynamodb: join(root, 'dynamodb'),
    jobs: join(root, 'jobs'),
    s3: join(root, 's3'),
    report: join(root, 'report.html'),
  };
}

/** Names of the runs kept under `home`, sorted. */
export function listLocalRuns(home: string): string[] {
  const dir = join(home, 'runs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'dynamodb')))
    .map((d) => d.name)
    .sort();
}

export interface OpenedLocalStore {
  readonly store: DynamoDbRunStore;
  readonly endpoint: string;
  close(): Promise<void>;
}

/**
 * Open a local run's results (dynalite on its on-disk store) through the same DynamoDB
 * adapter the deployed tuner uses. Creates the table when it does not exist yet.
 */
export async function openLocalStore(dynamodbPath: string): Promise<OpenedLocalStore> {
  const db = await startDynamoDb({ path: dynamodbPath });
  try {
    await createTable(db.endpoint, LOCAL_TABLE_NAME);
  } catch (error) {
    await db.close();
    throw error;
  }
  const client = new DynamoDBClient({
    endpoint: db.endpoint,
    region: LOCAL_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const store = new DynamoDbRunStore({ tableName: LOCAL_TABLE_NAME, client: createRunStoreDocumentClient(client) });
  return {
    store,
    endpoint: db.endpoint,
    close: async () => {
      client.destroy();
      await db.close();
    },
  };
}

/** What `hpo local` wrote in a run's `run.json`, when it can be read. */
export interface LocalRunMeta {
  readonly input?: string;
  readonly pid?: number;
  readonly dynamodbEndpoint?: string;
}

export function readRunMeta(paths: RunPaths): LocalRunMeta | undefined {
  try {
    return JSON.parse(readFileSync(paths.meta, 'utf8')) as LocalRunMeta;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid is alive on this machine. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Open a local run that was stopped (Ctrl-C in `hpo local`) again, so `hpo local --resume`
 * can continue it: status `Running` with `reason`, no end time. Local mode only: the
 * `RunStore` keeps terminal statuses final on purpose (a deployed run that ended stays
 * ended), so this is one conditional update of the run item (see the item layout in
 * dynamodb-run-store.ts) on the run's own on-disk store. `tickSeq` advances, like every
 * status change from outside the loop.
 *
 * @param endpoint - the local DynamoDB endpoint serving the run's store
 * @throws when the run is not `Stopped`
 */
export async function reopenStoppedRun(endpoint: string, runId: string, reason: string, now: string): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  try {
    await createRunStoreDocumentClient(client).send(
      new UpdateCommand({
        TableName: LOCAL_TABLE_NAME,
        Key: { pk: runPk(runId), sk: RUN_SK },
        UpdateExpression: 'SET #status = :running, #reason = :reason, #updatedAt = :now, #tickSeq = #tickSeq + :one REMOVE #endedAt, #endStatus, #taskToken',
        ConditionExpression: '#status = :stopped',
        ExpressionAttributeNames: {
          '#status': 'status',
          '#reason': 'statusReason',
          '#updatedAt': 'updatedAt',
          '#tickSeq': 'tickSeq',
          '#endedAt': 'endedAt',
          '#endStatus': 'endStatus',
          '#taskToken': 'taskToken',
        },
        ExpressionAttributeValues: { ':running': 'Running', ':stopped': 'Stopped', ':reason': reason, ':now': now, ':one': 1 },
      }),
    );
  } finally {
    client.destroy();
  }
}
