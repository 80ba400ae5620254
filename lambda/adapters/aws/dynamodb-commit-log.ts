/**
 * The tick commit's write-ahead log, steps 2 and 3 (./dynamodb-run-store.ts, "Tick commit
 * without transactions"): writing a commit's trial, job and result items, fenced by `wseq` and
 * `rev`; re-applying a leftover log; removing it. Also the read-merge-put of one job item that
 * events use.
 */
import { PutCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { JobRecord, ResultEntry, TrialRecord } from '../../../core/orchestrator/records';
import { TransientError } from '../../../core/orchestrator/errors';
import { mergeTickJob } from '../run-store-rules';
import { decodePending, parseJson } from './dynamodb-codec';
import { jobSk, leaderboardPk, leaderboardSk, resultSk, RUN_SK, runPk, trialSk } from './dynamodb-keys';
import { isConditionFailed, type Item, type RunTable } from './dynamodb-table';

/** How often a read-merge-put of a job item is retried when another writer got in between. */
const MAX_JOB_WRITE_ATTEMPTS = 10;

/** A job item: its record, its revision (the write guard) and the last commit that wrote it. */
export interface StoredJob {
  readonly record: JobRecord;
  readonly rev: number;
  readonly wseq: number;
}

/** Writes of a commit's items, at most `writeConcurrency` at a time. */
export class CommitLog {
  constructor(
    private readonly table: RunTable,
    private readonly writeConcurrency: number,
  ) {}

  /** Re-applies a leftover commit log found in the run item (a crash between a commit's steps). */
  async repair(runId: string, item: Item): Promise<void> {
    if (item.pending !== undefined && typeof item.pendingSeq === 'number') {
      const log = decodePending(item.pending);
      await this.applyItems(runId, item.pendingSeq, log.trials, log.jobs, log.results ?? []);
      await this.removePending(runId, item.pendingSeq);
    }
  }

  /** Step 2 of a commit (also the re-application of a leftover log). Idempotent. */
  async applyItems(
    runId: string,
    seq: number,
    trials: readonly TrialRecord[],
    jobs: readonly JobRecord[],
    results: readonly ResultEntry[],
  ): Promise<void> {
    const writes: (() => Promise<void>)[] = [
      ...trials.map((trial) => () => this.putTrial(runId, seq, trial)),
      ...jobs.map((job) => () => this.writeTickJob(runId, seq, job)),
      // An entry never changes once written: a re-applied log puts the same item again.
      ...results.map((result) => async () => {
        await this.table.send(
          new PutCommand({
            TableName: this.table.name,
            Item: { pk: runPk(runId), sk: resultSk(result.seq), entity: 'result', data: JSON.stringify(result) },
          }),
        );
      }),
    ];
    await runLimited(writes, this.writeConcurrency);
  }

  /** Puts a trial item unless this commit (re-applied) or a later one already wrote it. */
  async putTrial(runId: string, seq: number, trial: TrialRecord): Promise<void> {
    const item: Item = {
      pk: runPk(runId),
      sk: trialSk(trial.trialId),
      entity: 'trial',
      runId,
      trialId: trial.trialId,
      status: trial.status,
      wseq: seq,
      data: JSON.stringify(trial),
    };
    if (trial.rank !== undefined) {
      item.gsi1pk = leaderboardPk(runId);
      item.gsi1sk = leaderboardSk(trial.rank, trial.trialId);
    }
    try {
      await this.table.send(
        new PutCommand({
          TableName: this.table.name,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk) OR wseq < :seq',
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err; // a later commit wrote this trial: keep its version
    }
  }

  /** Merges a tick's job record into the stored one unless this commit or a later one already wrote it. */
  async writeTickJob(runId: string, seq: number, job: JobRecord): Promise<void> {
    await this.rewriteJob(
      runId,
      job.jobName,
      (stored) => {
        // Written by this commit already (a log re-applied after a crash) or by a later one.
        if (stored !== undefined && stored.wseq >= seq) return undefined;
        return mergeTickJob(stored?.record, job);
      },
      seq,
    );
  }

  /**
   * Read-merge-put of one job item, conditional on the revision read, retried when another
   * writer got in between. `change` returns the new record, `undefined` for "no change", or
   * `'unknown'` when the job does not exist and must not be created.
   */
  async rewriteJob(
    runId: string,
    jobName: string,
    change: (stored: StoredJob | undefined) => JobRecord | undefined | 'unknown',
    seq?: number,
  ): Promise<'changed' | 'unchanged' | 'unknown'> {
    for (let attempt = 1; ; attempt++) {
      const stored = await this.getJob(runId, jobName);
      const next = change(stored);
      if (next === 'unknown') return 'unknown';
      if (next === undefined) return 'unchanged';
      const item: Item = {
        pk: runPk(runId),
        sk: jobSk(jobName),
        entity: 'job',
        runId,
        jobName,
        trialId: next.trialId,
        status: next.status,
        rev: (stored?.rev ?? 0) + 1,
        wseq: Math.max(stored?.wseq ?? 0, seq ?? 0),
        data: JSON.stringify({ ...next, runId, jobName }),
      };
      try {
        await this.table.send(
          new PutCommand({
            TableName: this.table.name,
            Item: item,
            ...(stored === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': stored.rev } }),
          }),
        );
        return 'changed';
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        if (attempt >= MAX_JOB_WRITE_ATTEMPTS) {
          throw new TransientError(
            `run '${runId}': job '${jobName}' changed under ${attempt} write attempts in a row; retry`,
          );
        }
      }
    }
  }

  async getJob(runId: string, jobName: string): Promise<StoredJob | undefined> {
    const result = await this.table.send(
      new GetCommand({ TableName: this.table.name, Key: { pk: runPk(runId), sk: jobSk(jobName) }, ConsistentRead: true }),
    );
    const item = result.Item;
    if (item === undefined) return undefined;
    return {
      record: parseJson(item.data, 'job data') as JobRecord,
      rev: typeof item.rev === 'number' ? item.rev : 0,
      wseq: typeof item.wseq === 'number' ? item.wseq : 0,
    };
  }

  /** Step 3 of a commit: drop the log, unless a newer commit replaced it. */
  async removePending(runId: string, seq: number): Promise<void> {
    try {
      await this.table.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: { pk: runPk(runId), sk: RUN_SK },
          UpdateExpression: 'REMOVE #pending, #pendingSeq',
          ConditionExpression: '#pendingSeq = :seq',
          ExpressionAttributeNames: { '#pending': 'pending', '#pendingSeq': 'pendingSeq' },
          ExpressionAttributeValues: { ':seq': seq },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err; // already removed, or a newer commit's log
    }
  }
}

/** Runs tasks with at most `concurrency` in flight; fails with the first error after all settle. */
export async function runLimited(tasks: readonly (() => Promise<void>)[], concurrency: number): Promise<void> {
  let next = 0;
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const task = tasks[next++]!;
      try {
        await task();
      } catch (err) {
        errors.push(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, tasks.length) }, worker));
  if (errors.length > 0) throw errors[0];
}
