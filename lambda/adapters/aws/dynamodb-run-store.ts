/**
 * DynamoDB `RunStore`: runs, trials and training jobs in the results table.
 *
 * Uses only what DynamoDB and dynalite (the local twin) both serve: GetItem, PutItem,
 * UpdateItem, Query and condition expressions. No transactions, TTL or PartiQL.
 *
 * ## Item layout (table `pk`/`sk`, GSI `gsi1` on `gsi1pk`/`gsi1sk`, projection ALL)
 *
 * Record fields that carry arbitrary numbers are stored as JSON text: lib-dynamodb refuses
 * numbers above 2^53 without `NumberValue`, and DynamoDB numbers stop at 1e126, while an
 * objective (a diverging loss) or the scheduler's state may hold any double. JSON text keeps
 * every finite double exactly. Strings and counters we own are stored natively, so conditions
 * and updates can use them and the console shows them.
 *
 * Run — `pk = RUN#<runId>`, `sk = RUN`, `entity = run`:
 * - `runId`, `status`, `executionArn`, `createdAt`, `updatedAt`, `endedAt`?, `statusReason`?,
 *   `endStatus`?, `checkpoints`? (S)
 * - `version` (N): bumped by every recorded job change (the wake-up mark, DESIGN.md)
 * - `tickSeq` (N): committed ticks; the guard of `commitTick`
 * - `seed`, `counters`, `best`?, `jobsSinceImprovement`, `spec`, `warnings`? (S, JSON text)
 * - `input` (B): the user's input, gzip'd JSON (bounded by the AMT request, a few KB)
 * - `schedulerSettings`, `schedulerGlobal` (S, JSON text; O(1) in the number of trials)
 * - `strategy` (S): for listings
 * - `taskToken`? (S): the waiting loop's Step Functions task token
 * - `pending`? (B), `pendingSeq`? (N): write-ahead log of the last tick commit, gzip'd JSON
 *   `{trials, jobs}`; present only between the commit's first and last write
 * - `gsi1pk = RUNS`, `gsi1sk = <createdAt>#<runId>`: `listRuns`, newest first
 *
 * Trial — `pk = RUN#<runId>`, `sk = TRIAL#<trialId, 6 digits>`, `entity = trial`:
 * - `data` (S): the `TrialRecord` as JSON text; `runId`, `trialId`, `status`: copies for the console
 * - `wseq` (N): tickSeq of the commit that wrote it; a commit writes the item only while
 *   `wseq` is lower (fences late writes of an older commit, makes re-applying a log a no-op)
 * - `gsi1pk = LB#<runId>`, `gsi1sk = <encodeRank(rank)>#<trialId, 6 digits>`: only when `rank`
 *   is defined, so the leaderboard query returns ranked trials, best first
 *
 * Job — `pk = RUN#<runId>`, `sk = JOB#<jobName>`, `entity = job`:
 * - `data` (S): the `JobRecord` as JSON text; `runId`, `jobName`, `trialId`, `status`: copies
 * - `rev` (N): bumped by every write; writes are read-merge-put conditional on `rev`
 * - `wseq` (N): highest tickSeq of a commit that wrote it
 *
 * Changed jobs — `pk = RUN#<runId>`, `sk = CHANGED`: `jobs` (SS), the names of the jobs whose
 * items were written other than by a tick commit (`recordObservation`, `updateJob`: `ADD` after
 * the job item's write) since a commit removed them (`DELETE` of the names that tick read). At
 * most the run's active jobs plus those that ended since the last tick: bounded by
 * `MaxParallelTrainingJobs`, not by the run's size.
 *
 * Result — `pk = RUN#<runId>`, `sk = RES#<seq, 7 digits>`, `entity = result`: one entry of the
 * results log (`ResultEntry`), `data` (S) its JSON text. Written once by the commit that told the
 * result, never changed (a re-applied log writes the same entry), so readers may cache them.
 *
 * No item grows with the number of trials: the run holds O(1) state, a commit's log is bounded
 * by `MaxParallelTrainingJobs` (<= 100, so <= ~200 records), one item per trial and per job.
 *
 * ## Tick commit without transactions (write-ahead log)
 *
 * 1. UpdateItem on the run, conditional on `tickSeq = expected`: the run patch, the scheduler's
 *    global state, `tickSeq + 1`, and `pending` = the commit's trials and jobs (gzip'd).
 * 2. Write the trial and job items.
 * 3. Remove `pending`, conditional on `pendingSeq` = the new tickSeq.
 * `loadSnapshot` re-applies a leftover `pending` (a crash between 1 and 3) before reading the
 * items, so a later load sees all of a commit or none of it.
 *
 * Why no BatchWriteItem for step 2: a batch write cannot be conditional, and an item may be
 * written late by a stalled commit (a tick invocation that Step Functions timed out and retried
 * while it still ran): after a newer tick committed, its write would roll a trial back
 * (promotions, results lost). Every item write is conditional instead: a trial item is put only
 * if neither this commit nor a later one wrote it (`wseq < seq`); a job item, which events also
 * write, is read, skipped when `wseq >= seq`, else merged (`mergeTickJob`: status never goes
 * back, a tick may set `told`) and put conditional on its `rev`, retried on conflict. The writes run in parallel; they cost the same write units a
 * batch would.
 *
 * ## Reads
 * All base-table reads are strongly consistent. Queries on `gsi1` (`listRuns`, `leaderboard`)
 * cannot be and are eventually consistent on DynamoDB.
 */
import { isTerminalJobStatus } from '../../../core/orchestrator/records';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type {
  JobObservation,
  JobRecord,
  KnownJobs,
  RecordObservationResult,
  ResultEntry,
  RunRecord,
  RunSnapshot,
  RunStatus,
  RunStore,
  RunSummary,
  StoreTokenResult,
  TickCommit,
  TickView,
  TrialRecord,
} from '../../../core/orchestrator/records';
import { ConcurrentTick, JobNotFound, RunAlreadyExists, RunNotFound } from '../../../core/orchestrator/errors';
import type { SchedulerState } from '../../../core/ports';
import {
  applyJobPatch,
  checkCommitRecords,
  isTerminalRunStatus,
  mergeObservation,
  runPatchEntries,
  runStrategy,
  trialRecordsOf,
  trialStateOf,
  type RunStoreFaults,
} from '../run-store-rules';
import { CommitLog, runLimited } from './dynamodb-commit-log';
import { queryLeaderboard, queryRecords, queryRunList } from './dynamodb-queries';
import { decodeRun, encodePending, encodeRunField, Expression, gzipJson, parseJson, RUN_JSON_FIELDS, RUN_TEXT_FIELDS } from './dynamodb-codec';
import { CHANGED_SK, JOB_SK_PREFIX, RUN_SK, RUNS_GSI_PK, TRIAL_SK_PREFIX, resultSk, runListSk, runPk, trialSk } from './dynamodb-keys';
import { isConditionFailed, type Item, RunTable } from './dynamodb-table';

export { GSI1 } from './dynamodb-table';
export { MAX_PENDING_BYTES } from './dynamodb-codec';

const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ['Completed', 'Stopped', 'Failed'];

/** Options of {@link DynamoDbRunStore}. */
export interface DynamoDbRunStoreOptions {
  /** The results table (key schema in the module documentation). */
  readonly tableName: string;
  /**
   * The document client; create it once per Lambda container with
   * {@link createRunStoreDocumentClient}.
   *
   * @default - a client from {@link createRunStoreDocumentClient} (endpoint and region from the
   * environment, e.g. `AWS_ENDPOINT_URL_DYNAMODB` for the local twin)
   */
  readonly client?: DynamoDBDocumentClient;
  /**
   * Item writes a commit runs in parallel.
   *
   * @default 16
   */
  readonly writeConcurrency?: number;
  /**
   * Crash and stall hooks between the steps of a tick commit (tests only).
   *
   * @default - none
   */
  readonly faults?: RunStoreFaults;
}

/**
 * A document client configured as the store expects (`removeUndefinedValues`, no class
 * instances converted to maps).
 *
 * The SDK takes the endpoint from the environment when none is configured:
 * `AWS_ENDPOINT_URL_DYNAMODB`, else `AWS_ENDPOINT_URL` (checked in @smithy/core's
 * `getEndpointUrlConfig`, used by @aws-sdk/client-dynamodb 3.1142.0, and by a test against
 * dynalite).
 */
export function createRunStoreDocumentClient(client: DynamoDBClient = new DynamoDBClient({})): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

/**
 * A `RunStore` on one DynamoDB table (layout and commit protocol in the module documentation).
 *
 * @example
 * const client = createRunStoreDocumentClient(); // module scope
 * const store = new DynamoDbRunStore({ tableName: env.TABLE_NAME, client });
 */
export class DynamoDbRunStore implements RunStore {
  private readonly table: RunTable;
  private readonly log: CommitLog;
  private readonly writeConcurrency: number;
  private readonly faults: RunStoreFaults;

  constructor(options: DynamoDbRunStoreOptions) {
    if (options.tableName.length === 0) throw new RangeError('tableName must not be empty');
    const concurrency = options.writeConcurrency ?? 16;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`writeConcurrency must be a positive integer, got ${concurrency}`);
    }
    this.table = new RunTable(options.tableName, options.client ?? createRunStoreDocumentClient());
    this.log = new CommitLog(this.table, concurrency);
    this.writeConcurrency = concurrency;
    this.faults = options.faults ?? {};
  }

  async createRun(run: RunRecord, scheduler: SchedulerState): Promise<void> {
    const trials = trialRecordsOf(run, scheduler);
    checkCommitRecords(run.runId, trials, []);
    const pending = trials.length > 0 ? encodePending({ trials, jobs: [] }) : undefined;
    const item: Item = {
      pk: runPk(run.runId),
      sk: RUN_SK,
      entity: 'run',
      gsi1pk: RUNS_GSI_PK,
      gsi1sk: runListSk(run.createdAt, run.runId),
      version: run.version,
      tickSeq: run.tickSeq,
      input: gzipJson(run.input),
      schedulerSettings: JSON.stringify(scheduler.settings),
      schedulerGlobal: JSON.stringify(scheduler.global),
      strategy: runStrategy(run),
      ...(pending && { pending, pendingSeq: run.tickSeq }),
    };
    for (const field of RUN_TEXT_FIELDS) if (run[field] !== undefined) item[field] = run[field];
    for (const field of RUN_JSON_FIELDS) if (run[field] !== undefined) item[field] = JSON.stringify(run[field]);
    try {
      await this.table.send(
        new PutCommand({ TableName: this.table.name, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new RunAlreadyExists(run.runId);
      throw err;
    }
    if (pending !== undefined) {
      await this.log.applyItems(run.runId, run.tickSeq, trials, [], []);
      await this.log.removePending(run.runId, run.tickSeq);
    }
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const item = await this.table.getRunItem(runId);
    return item && decodeRun(item);
  }

  /**
   * Reads the run item first, then the trials and jobs. The order matters for the wake-up race
   * (DESIGN.md): `recordObservation` writes the job before it bumps the run's `version`, so a
   * snapshot that read version v also sees every job change that v counts. A change it missed
   * bumps the version past v, and `storeTaskToken(v)` then answers `changed-since`.
   */
  async loadSnapshot(runId: string): Promise<RunSnapshot> {
    const item = await this.table.getRunItem(runId);
    if (item === undefined) throw new RunNotFound(runId);
    const run = decodeRun(item);
    await this.log.repair(runId, item);
    const [trials, jobs] = await Promise.all([this.listTrials(runId), this.listJobs(runId)]);
    return {
      run,
      scheduler: {
        settings: parseJson(item.schedulerSettings, 'schedulerSettings') as SchedulerState['settings'],
        global: parseJson(item.schedulerGlobal, 'schedulerGlobal') as SchedulerState['global'],
        trials: Object.fromEntries(trials.map((t) => [String(t.trialId), trialStateOf(t)])),
      },
      trials,
      jobs,
    };
  }

  /**
   * The run item, then each active job with a consistent GetItem (at most 16 at a time): the
   * same order as `loadSnapshot` for the wake-up race, O(active jobs) read units.
   */
  async loadTickView(runId: string, known?: KnownJobs): Promise<TickView> {
    const item = await this.table.getRunItem(runId);
    if (item === undefined) throw new RunNotFound(runId);
    const run = decodeRun(item);
    await this.log.repair(runId, item);
    // After the run item: a job written before the run's version moved is in the set read here.
    const changed = await this.table.send(
      new GetCommand({ TableName: this.table.name, Key: { pk: runPk(runId), sk: CHANGED_SK }, ConsistentRead: true }),
    );
    const changedJobs = changed.Item?.jobs instanceof Set ? [...(changed.Item.jobs as Set<string>)].sort() : [];
    const changedSet = new Set(changedJobs);
    const skip = known !== undefined && known.tickSeq === run.tickSeq ? known.jobNames : new Set<string>();
    const notRead: string[] = [];
    let jobs: JobRecord[];
    if (run.activeJobs === undefined) {
      jobs = (await this.listJobs(runId)).filter((j) => !j.told);
    } else {
      const names = run.activeJobs.filter((name) => {
        if (!skip.has(name) || changedSet.has(name)) return true;
        notRead.push(name);
        return false;
      });
      const found: (JobRecord | undefined)[] = new Array(names.length);
      await runLimited(
        names.map((name, i) => async () => {
          found[i] = (await this.log.getJob(runId, name))?.record;
        }),
        this.writeConcurrency,
      );
      jobs = found.filter((j): j is JobRecord => j !== undefined);
    }
    return {
      run,
      settings: parseJson(item.schedulerSettings, 'schedulerSettings') as SchedulerState['settings'],
      global: parseJson(item.schedulerGlobal, 'schedulerGlobal') as SchedulerState['global'],
      jobs,
      known: notRead,
      changedJobs,
    };
  }

  /** Add a job to the run's changed-jobs set (after its item was written). */
  private async markChanged(runId: string, jobName: string): Promise<void> {
    await this.updateChangedJobs(runId, 'ADD', [jobName]);
  }

  /** `ADD` names to, or `DELETE` them from, the run's changed-jobs set (a string set). */
  private async updateChangedJobs(runId: string, action: 'ADD' | 'DELETE', jobNames: readonly string[]): Promise<void> {
    await this.table.send(
      new UpdateCommand({
        TableName: this.table.name,
        Key: { pk: runPk(runId), sk: CHANGED_SK },
        UpdateExpression: `${action} #jobs :name`,
        ExpressionAttributeNames: { '#jobs': 'jobs' },
        ExpressionAttributeValues: { ':name': new Set(jobNames) },
      }),
    );
  }

  async getTrials(runId: string, trialIds: readonly number[]): Promise<TrialRecord[]> {
    const ids = [...new Set(trialIds)].sort((a, b) => a - b);
    const found: (TrialRecord | undefined)[] = new Array(ids.length);
    await runLimited(
      ids.map((id, i) => async () => {
        const result = await this.table.send(
          new GetCommand({ TableName: this.table.name, Key: { pk: runPk(runId), sk: trialSk(id) }, ConsistentRead: true }),
        );
        found[i] = result.Item === undefined ? undefined : (parseJson(result.Item.data, 'trial data') as TrialRecord);
      }),
      this.writeConcurrency,
    );
    return found.filter((t): t is TrialRecord => t !== undefined);
  }

  /** One strongly consistent Query over `RES#<from>` .. `RES#<to - 1>` (all pages). */
  async readResults(runId: string, from: number, to: number): Promise<ResultEntry[]> {
    const start = Math.max(0, from);
    if (to <= start) return [];
    const items = await this.table.queryAll({
      TableName: this.table.name,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': runPk(runId), ':from': resultSk(start), ':to': resultSk(to - 1) },
      ExpressionAttributeNames: { '#data': 'data' },
      ProjectionExpression: '#data',
      ConsistentRead: true,
    });
    return items.map((item) => parseJson(item.data, 'result data') as ResultEntry);
  }

  async commitTick(runId: string, expectedTickSeq: number, commit: TickCommit): Promise<number> {
    checkCommitRecords(runId, commit.trials, commit.jobs);
    const results = commit.results ?? [];
    const pending = encodePending({ trials: commit.trials, jobs: commit.jobs, results });
    const seq = expectedTickSeq + 1;
    // First attempt assumes the run is not terminal; if it is, the status fields are dropped
    // (terminal statuses are final) and the rest of the patch is still applied.
    let terminalStatus: RunStatus | undefined;
    for (let attempt = 0; ; attempt++) {
      const expr = new Expression();
      const sets = runPatchEntries(commit.run, terminalStatus ?? 'Running').map(
        ([field, value]) => `${expr.name(field)} = ${expr.value(encodeRunField(field, value))}`,
      );
      sets.push(
        `${expr.name('schedulerGlobal')} = ${expr.value(JSON.stringify(commit.schedulerGlobal))}`,
        `${expr.name('tickSeq')} = ${expr.value(seq)}`,
        `${expr.name('pending')} = ${expr.value(pending)}`,
        `${expr.name('pendingSeq')} = ${expr.value(seq)}`,
      );
      const statusCondition =
        terminalStatus === undefined
          ? `NOT (${expr.name('status')} IN (${TERMINAL_RUN_STATUSES.map((s) => expr.value(s)).join(', ')}))`
          : `${expr.name('status')} = ${expr.value(terminalStatus)}`;
      try {
        await this.table.send(
          new UpdateCommand({
            TableName: this.table.name,
            Key: { pk: runPk(runId), sk: RUN_SK },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: `attribute_exists(pk) AND ${expr.name('tickSeq')} = ${expr.value(expectedTickSeq)} AND ${statusCondition}`,
            ...expr.attributes(),
          }),
        );
        break;
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        const current = await this.table.getRunItem(runId);
        if (current === undefined) throw new RunNotFound(runId);
        const status = current.status as RunStatus;
        if (current.tickSeq !== expectedTickSeq || !isTerminalRunStatus(status) || attempt >= 2) {
          throw new ConcurrentTick(runId, expectedTickSeq);
        }
        terminalStatus = status;
      }
    }
    await this.faults.afterRunUpdate?.();
    await this.log.applyItems(runId, seq, commit.trials, commit.jobs, results);
    await this.faults.afterItemsWritten?.();
    await this.log.removePending(runId, seq);
    const seen = commit.changedJobsSeen ?? [];
    if (seen.length > 0) {
      await this.updateChangedJobs(runId, 'DELETE', seen);
    }
    return seq;
  }

  /**
   * Read-merge-put of the job item (conditional on its `rev`), then `ADD version 1` and
   * `REMOVE taskToken` on the run in one UpdateItem whose `UPDATED_OLD` values give the new
   * version and the claimed token. A crash between the two writes leaves the change recorded
   * without a wake-up; the loop's poll-interval timeout covers it.
   */
  async recordObservation(runId: string, observation: JobObservation, now: string): Promise<RecordObservationResult> {
    let enteredTerminal = false;
    let merged: JobRecord | undefined;
    const outcome = await this.log.rewriteJob(runId, observation.jobName, (stored) => {
      if (stored === undefined) return 'unknown';
      merged = mergeObservation(stored.record, observation, now);
      enteredTerminal = merged !== undefined && isTerminalJobStatus(merged.status) && !isTerminalJobStatus(stored.record.status);
      return merged;
    });
    if (outcome === 'unknown') return { kind: 'unknown-job' };
    if (outcome === 'unchanged') return { kind: 'unchanged' };
    await this.markChanged(runId, observation.jobName);
    if (!enteredTerminal) {
      // Progress (InProgress, secondary statuses, late details) is recorded but wakes no one.
      const run = await this.table.getRunItem(runId);
      return { kind: 'changed', version: typeof run?.version === 'number' ? run.version : 0 };
    }
    // The job is written before the version moves: see loadSnapshot.
    let old: Item | undefined;
    try {
      const result = await this.table.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { pk: runPk(runId), sk: RUN_SK },
          UpdateExpression: 'ADD #version :one REMOVE #taskToken',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#version': 'version', '#taskToken': 'taskToken' },
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      old = result.Attributes;
    } catch (err) {
      if (isConditionFailed(err)) throw new RunNotFound(runId);
      throw err;
    }
    const version = (typeof old?.version === 'number' ? old.version : 0) + 1;
    return typeof old?.taskToken === 'string'
      ? { kind: 'changed', version, taskToken: old.taskToken }
      : { kind: 'changed', version };
  }

  async storeTaskToken(runId: string, taskToken: string, seenVersion: number): Promise<StoreTokenResult> {
    try {
      await this.table.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { pk: runPk(runId), sk: RUN_SK },
          UpdateExpression: 'SET #taskToken = :token',
          ConditionExpression: 'attribute_exists(pk) AND #version = :seen',
          ExpressionAttributeNames: { '#taskToken': 'taskToken', '#version': 'version' },
          ExpressionAttributeValues: { ':token': taskToken, ':seen': seenVersion },
        }),
      );
      return { kind: 'stored' };
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const current = await this.table.getRunItem(runId);
      if (current === undefined) throw new RunNotFound(runId);
      return { kind: 'changed-since', version: current.version as number };
    }
  }

  async setRunStatus(
    runId: string,
    status: RunStatus,
    reason: string,
    now: string,
    endStatus?: 'Completed' | 'Stopped' | 'Failed',
  ): Promise<RunRecord> {
    const expr = new Expression();
    const sets = [
      `${expr.name('status')} = ${expr.value(status)}`,
      `${expr.name('statusReason')} = ${expr.value(reason)}`,
      `${expr.name('updatedAt')} = ${expr.value(now)}`,
      // A tick that loaded the run before this change must not commit over it.
      `${expr.name('tickSeq')} = ${expr.name('tickSeq')} + ${expr.value(1)}`,
    ];
    if (endStatus !== undefined) sets.push(`${expr.name('endStatus')} = ${expr.value(endStatus)}`);
    if (isTerminalRunStatus(status)) {
      sets.push(`${expr.name('endedAt')} = if_not_exists(${expr.name('endedAt')}, ${expr.value(now)})`);
    }
    try {
      const result = await this.table.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { pk: runPk(runId), sk: RUN_SK },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: `attribute_exists(pk) AND NOT (${expr.name('status')} IN (${TERMINAL_RUN_STATUSES.map((s) => expr.value(s)).join(', ')}))`,
          ReturnValues: 'ALL_NEW',
          ...expr.attributes(),
        }),
      );
      return decodeRun(result.Attributes ?? {});
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      const current = await this.table.getRunItem(runId);
      if (current === undefined) throw new RunNotFound(runId);
      return decodeRun(current);
    }
  }

  async updateJob(runId: string, jobName: string, patch: Partial<Omit<JobRecord, 'runId' | 'jobName'>>): Promise<void> {
    let told = false;
    const outcome = await this.log.rewriteJob(runId, jobName, (stored) => {
      if (stored === undefined) return 'unknown';
      told = stored.record.told;
      return applyJobPatch(stored.record, patch);
    });
    if (outcome === 'unknown') throw new JobNotFound(runId, jobName);
    // A told job is no longer active: no tick reads it again (Finalize's warm pool releases).
    if (outcome === 'changed' && !told) await this.markChanged(runId, jobName);
  }

  async listJobs(runId: string): Promise<JobRecord[]> {
    return (await queryRecords(this.table, runId, JOB_SK_PREFIX, 'job data')) as JobRecord[];
  }

  async listTrials(runId: string): Promise<TrialRecord[]> {
    return (await queryRecords(this.table, runId, TRIAL_SK_PREFIX, 'trial data')) as TrialRecord[];
  }

  /** Eventually consistent on DynamoDB (a GSI query). */
  async leaderboard(runId: string, limit: number): Promise<TrialRecord[]> {
    return queryLeaderboard(this.table, runId, limit);
  }

  /** Eventually consistent on DynamoDB (a GSI query). */
  async listRuns(limit: number): Promise<RunSummary[]> {
    return queryRunList(this.table, limit);
  }




}


