/**
 * Failure semantics of a run, as pure rules (docs/design.md "Failure semantics"):
 *
 * - A job *fails* when SageMaker ends it `Failed`, or when it completes without the objective
 *   metric (AMT records such a job's objective as failed: "no objective metric found").
 * - Stop early: a run whose first N finished jobs all failed, or whose failed jobs pass a
 *   fraction of its finished jobs (after a minimum number), ends `Failed` with the most common
 *   failure reason quoted. Ray Tune (`FailureConfig`), Syne Tune (`max_failures`) and AMT
 *   ("No training job succeeded after 5 attempts") stop early too.
 * - Jobs that cannot start for lack of capacity wait, with a maximum; a quota that can never fit
 *   one job fails the run at once (lambda/adapters/aws/aws-errors.ts).
 */
import {
  DEFAULT_MAX_CAPACITY_WAIT_SECONDS,
  DEFAULT_MAX_FAILED_FRACTION,
  DEFAULT_MAX_INITIAL_FAILURES,
  DEFAULT_MIN_FINISHED_JOBS,
} from '../input/defaults';
import type { FailurePolicy } from '../ports';
import type { JobRecord } from './records';

/** Defaults of `FailureConfig` (the input extension; docs/input-reference.md). */
export const DEFAULT_FAILURE_POLICY: FailurePolicy = {
  maxInitialFailures: DEFAULT_MAX_INITIAL_FAILURES,
  maxFailedFraction: DEFAULT_MAX_FAILED_FRACTION,
  minJobsForFraction: DEFAULT_MIN_FINISHED_JOBS,
  maxCapacityWaitSeconds: DEFAULT_MAX_CAPACITY_WAIT_SECONDS,
};

/** The policy of a spec, defaults filled in (runs recorded before the policy existed have none). */
export function failurePolicyOf(spec: { readonly failure?: Partial<FailurePolicy> }): FailurePolicy {
  return { ...DEFAULT_FAILURE_POLICY, ...(spec.failure ?? {}) };
}

/** Whether a finished job yielded a usable objective (AMT's `ObjectiveStatus`). */
export type ObjectiveStatus = 'Succeeded' | 'Failed';

/** AMT's reason for a job that completed without the objective metric. */
export function noObjectiveReason(metricName: string): string {
  return `no objective metric found: the job completed, but its log never matched the regex of '${metricName}' (MetricDefinitions)`;
}

/** One line saying why a finished job has no objective, or undefined when it has one. */
export function jobFailureSummary(job: Pick<JobRecord, 'status' | 'failureReason' | 'objectiveStatus'>, metricName: string): string | undefined {
  if (job.status === 'Failed') return summarizeFailureReason(job.failureReason ?? 'failed without a reason');
  if (job.status === 'Completed' && job.objectiveStatus === 'Failed') return noObjectiveReason(metricName);
  return undefined;
}

/** Lines of a traceback that say nothing about the error itself. */
const NOISE = [
  /^at\s/, // JavaScript stack frames
  /^File\s"/, // Python stack frames
  /^Traceback \(most recent call last\)/,
  /^Node\.js v\d/,
  /^Require stack:?$/,
  /^-\s/,
  /^[\^~\s]+$/,
  /^[{}[\]()]+,?$/,
  /^\w+: ['[{]/, // `code: 'MODULE_NOT_FOUND',` in a printed error object
  /^(ExitCode|Command)\b/,
  /^ExecuteUserScriptError:?$/,
];

/** A line that names an error: `ValueError: ...`, `Error: Cannot find module 'x'`, `RuntimeError`. */
const ERROR_LINE = /^([A-Za-z_][\w.]*\.)?[A-Z]?\w*(Error|Exception|Interrupt|Exit|Fault|Killed)\b(:|$)/;

/**
 * One line out of SageMaker's `FailureReason`, for a run's status reason: the error line of the
 * script's traceback (the last line that names an error), with SageMaker's category in front;
 * failing that, the last line of the script's stderr, or the first line of any other reason.
 *
 * SageMaker's form for a script that exits with an error:
 * `AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "<the last lines of
 * stderr>"\nCommand "...", exit code: 1`. Other reasons (`ClientError: ...`,
 * `InternalServerError: ...`, a script's own `/opt/ml/output/failure`) are shortened the same
 * way.
 */
export function summarizeFailureReason(reason: string, maxLength = 240): string {
  const category = /^([A-Za-z]+Error|CapacityError|ClientError):\s*/.exec(reason);
  let body = category ? reason.slice(category[0].length) : reason;
  const message = /ErrorMessage "([\s\S]*?)"\s*(\nCommand\b|$)/.exec(body);
  if (message) body = message[1];
  const lines = body
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !NOISE.some((n) => n.test(l)));
  const errorLines = lines.filter((l) => ERROR_LINE.test(l));
  // Without a line that names an error: the end of stderr (ErrorMessage), else the headline.
  const fallback = message ? lines[lines.length - 1] : lines[0];
  const pick = errorLines[errorLines.length - 1] ?? fallback ?? body.trim();
  const line = category && !pick.startsWith(category[1]) ? `${category[1]}: ${pick}` : pick;
  const oneLine = line.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? `${oneLine.slice(0, maxLength - 3)}...` : oneLine;
}

/** What the stop-early rule needs to know about the run's finished jobs. */
export interface FailureTally {
  /** Finished jobs with a usable objective. */
  readonly succeeded: number;
  /** Finished jobs that failed or completed without the objective. */
  readonly failed: number;
}

export type FailureCheck =
  | { readonly kind: 'continue' }
  | { readonly kind: 'fail'; readonly reason: string };

/**
 * The stop-early rule. `failures` are the one-line reasons of the failed jobs, in the order
 * they finished, with their job names (for the reason's example).
 */
export function checkFailures(
  tally: FailureTally,
  failures: readonly { readonly jobName: string; readonly reason: string }[],
  policy: FailurePolicy,
): FailureCheck {
  const finished = tally.succeeded + tally.failed;
  if (policy.maxInitialFailures > 0 && tally.succeeded === 0 && tally.failed >= policy.maxInitialFailures) {
    return {
      kind: 'fail',
      reason: `the first ${tally.failed} training jobs all failed (FailureConfig.MaxInitialFailures ${policy.maxInitialFailures}): ${commonReason(failures)}`,
    };
  }
  if (policy.maxFailedFraction > 0 && finished >= Math.max(1, policy.minJobsForFraction) && tally.failed / finished > policy.maxFailedFraction) {
    return {
      kind: 'fail',
      reason: `${tally.failed} of ${finished} finished training jobs failed, more than FailureConfig.MaxFailedFraction ${policy.maxFailedFraction}: ${commonReason(failures)}`,
    };
  }
  return { kind: 'continue' };
}

/** The most common failure reason, quoted, with how many jobs share it and one job's name. */
export function commonReason(failures: readonly { readonly jobName: string; readonly reason: string }[]): string {
  if (failures.length === 0) return 'no failure reason recorded';
  const counts = new Map<string, { n: number; first: string }>();
  for (const f of failures) {
    const entry = counts.get(f.reason);
    if (entry === undefined) counts.set(f.reason, { n: 1, first: f.jobName });
    else entry.n += 1;
  }
  let best: [string, { n: number; first: string }] | undefined;
  for (const entry of counts) if (best === undefined || entry[1].n > best[1].n) best = entry;
  const [reason, { n, first }] = best as [string, { n: number; first: string }];
  const share = n === failures.length ? (n === 1 ? '' : `all ${n}: `) : `${n} of ${failures.length}: `;
  return `${share}"${reason}" (e.g. ${first})`;
}

/**
 * Whether a job that cannot start has waited too long. The clock runs only while none of the
 * run's own jobs is in flight: waiting for the run's own jobs to free a quota is expected, and
 * ends as they finish.
 *
 * @returns the new `waitingSince` to record and, when the wait is over its limit, the reason
 */
export function checkCapacityWait(
  job: Pick<JobRecord, 'jobName' | 'waitingSince'>,
  ownJobsInFlight: number,
  now: Date,
  policy: FailurePolicy,
  lastError: string,
): { readonly waitingSince: string; readonly failReason?: string } {
  const iso = now.toISOString();
  if (ownJobsInFlight > 0 || job.waitingSince === undefined) return { waitingSince: iso };
  const waited = (now.getTime() - Date.parse(job.waitingSince)) / 1000;
  if (policy.maxCapacityWaitSeconds > 0 && waited >= policy.maxCapacityWaitSeconds) {
    return {
      waitingSince: job.waitingSince,
      failReason:
        `training job ${job.jobName} could not start for ${Math.floor(waited)} s while no other job of the run was running ` +
        `(FailureConfig.MaxCapacityWaitInSeconds ${policy.maxCapacityWaitSeconds}): ${lastError}`,
    };
  }
  return { waitingSince: job.waitingSince };
}
