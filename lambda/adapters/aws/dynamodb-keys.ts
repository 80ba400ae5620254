/**
 * Keys of the results table's items (see the layout in dynamodb-run-store.ts).
 *
 * Table: partition key `pk` (S), sort key `sk` (S); GSI `gsi1` on `gsi1pk` (S) / `gsi1sk` (S).
 */
import { MAX_TRIAL_ID } from '../run-store-rules';

/** GSI partition that lists every run (newest first by `gsi1sk`). */
export const RUNS_GSI_PK = 'RUNS';

/** The run's partition key; trials and jobs share it. */
export function runPk(runId: string): string {
  return `RUN#${runId}`;
}

/** Sort key of the run item. */
export const RUN_SK = 'RUN';

/** Sort key of a run's changed-jobs item (`TickView.changedJobs`). */
export const CHANGED_SK = 'CHANGED';

/** Sort-key prefix of trial items. */
export const TRIAL_SK_PREFIX = 'TRIAL#';

/** Sort-key prefix of job items. */
export const JOB_SK_PREFIX = 'JOB#';

/** Sort-key prefix of the results log's entries. */
export const RESULT_SK_PREFIX = 'RES#';

/** Sort key of a results-log entry: `RES#0000042` (7 digits: a run has at most 10,000 jobs). */
export function resultSk(seq: number): string {
  if (!Number.isInteger(seq) || seq < 0 || seq > 9_999_999) {
    throw new RangeError(`results-log position must be an integer from 0 to 9999999, got ${seq}`);
  }
  return `${RESULT_SK_PREFIX}${String(seq).padStart(7, '0')}`;
}

/** A trial id zero-padded to 6 digits, so sort keys order trials by number. */
export function paddedTrialId(trialId: number): string {
  if (!Number.isInteger(trialId) || trialId < 0 || trialId > MAX_TRIAL_ID) {
    throw new RangeError(`trial id must be an integer from 0 to ${MAX_TRIAL_ID}, got ${trialId}`);
  }
  return String(trialId).padStart(6, '0');
}

/** Sort key of a trial item: `TRIAL#000042`. */
export function trialSk(trialId: number): string {
  return `${TRIAL_SK_PREFIX}${paddedTrialId(trialId)}`;
}

/** Sort key of a job item: `JOB#<jobName>`. */
export function jobSk(jobName: string): string {
  if (jobName.length === 0) throw new RangeError('job name must not be empty');
  return `${JOB_SK_PREFIX}${jobName}`;
}

/** GSI sort key of a run in the run listing: `<createdAt>#<runId>`. */
export function runListSk(createdAt: string, runId: string): string {
  return `${createdAt}#${runId}`;
}

/** GSI partition of a run's leaderboard: `LB#<runId>`. */
export function leaderboardPk(runId: string): string {
  return `LB#${runId}`;
}

/**
 * GSI sort key of a ranked trial: `<encodeRank(rank)>#<6-digit trialId>`, so a query in
 * ascending order returns the best (lowest rank) first, ties broken by trial id.
 */
export function leaderboardSk(rank: number, trialId: number): string {
  return `${encodeRank(rank)}#${paddedTrialId(trialId)}`;
}

/**
 * Encodes an IEEE-754 double as 16 lowercase hex digits whose lexicographic order is the
 * numeric order, negative numbers and infinities included.
 *
 * The big-endian bit pattern of a non-negative double already sorts like its value; setting
 * its sign bit moves it above every negative one. A negative double sorts in reverse of its
 * magnitude, so all of its bits are flipped. `-0` is encoded as `0`. `NaN` has no place in an
 * order and is refused.
 */
export function encodeRank(rank: number): string {
  if (Number.isNaN(rank)) throw new RangeError('rank must be a number, got NaN');
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleBE(rank === 0 ? 0 : rank);
  if ((bytes[0]! & 0x80) !== 0) {
    for (let i = 0; i < 8; i++) bytes[i] = ~bytes[i]! & 0xff;
  } else {
    bytes[0] = bytes[0]! | 0x80;
  }
  return bytes.toString('hex');
}

/** Inverse of {@link encodeRank}. */
export function decodeRank(encoded: string): number {
  if (!/^[0-9a-f]{16}$/.test(encoded)) throw new RangeError(`not an encoded rank: '${encoded}'`);
  const bytes = Buffer.from(encoded, 'hex');
  if ((bytes[0]! & 0x80) !== 0) {
    bytes[0] = bytes[0]! & 0x7f;
  } else {
    for (let i = 0; i < 8; i++) bytes[i] = ~bytes[i]! & 0xff;
  }
  return bytes.readDoubleBE(0);
}
