/**
 * Deterministic names: a retried tick computes the same training job name, so SageMaker's
 * name uniqueness makes job creation idempotent.
 */

/** SageMaker's training job name rule (API model): 1-63 chars. */
export const TRAINING_JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const MAX_TRAINING_JOB_NAME_LENGTH = 63;

/**
 * How many jobs one trial may use for one rung: the first, plus retries of jobs that ended
 * through no fault of the script (spot capacity not back before MaxWaitTimeInSeconds, an
 * internal error, no capacity).
 */
export const MAX_JOB_ATTEMPTS = 3;

/**
 * `<prefix>-<run>-<trial>-r<milestone>`, e.g. `hpo-mnist-lr-0007-r9`; a retry of the same rung
 * adds its attempt number: `hpo-mnist-lr-0007-r9a2`.
 */
export function trainingJobName(prefix: string, runId: string, trialId: number, milestone: number, attempt = 1): string {
  return `${prefix}-${runId}-${formatTrialId(trialId)}-r${milestone}${attempt > 1 ? `a${attempt}` : ''}`;
}

/** Trial ids are zero-padded to 4 digits (more when needed) so names sort naturally. */
export function formatTrialId(trialId: number): string {
  return String(trialId).padStart(4, '0');
}

/** Parse a job name produced by `trainingJobName` for `prefix`; undefined when it is not ours. */
export function parseTrainingJobName(
  prefix: string,
  jobName: string,
): { runId: string; trialId: number; milestone: number; attempt: number } | undefined {
  if (!jobName.startsWith(`${prefix}-`)) return undefined;
  const match = /^(.+)-(\d{4,})-r(\d+)(?:a(\d+))?$/.exec(jobName.slice(prefix.length + 1));
  if (!match) return undefined;
  return { runId: match[1], trialId: Number(match[2]), milestone: Number(match[3]), attempt: match[4] === undefined ? 1 : Number(match[4]) };
}

/**
 * The longest job name a run can produce, so Validate can refuse a run whose names would
 * not fit before any job starts.
 */
export function longestJobName(prefix: string, runId: string, maxTrialId: number, maxMilestone: number): string {
  return trainingJobName(prefix, runId, maxTrialId, maxMilestone);
}

/** The S3 prefix holding one trial's checkpoints: `<base>/<run>/<trial>/`. */
export function checkpointUri(base: string, runId: string, trialId: number): string {
  return `${base.replace(/\/+$/, '')}/${runId}/${formatTrialId(trialId)}/`;
}
