/**
 * One plain log line per notable training-job change, for a log that is not a terminal.
 */
import { isTerminalJobStatus, type JobRecord, type RunRecord } from '../../core/orchestrator/records';
import { summarizeFailureReason } from '../../core/orchestrator/failures';
import { objectiveOf } from '../../core/orchestrator/results';
import { formatClock, formatObjective } from './format';
import { isMultiFidelity, rungText } from './leaderboard';

function trialText(job: JobRecord, run: RunRecord, withRung: boolean): string {
  if (!isMultiFidelity(run)) return `trial ${job.trialId}`;
  const resource = run.spec.resourceHyperParameter;
  return withRung ? `trial ${job.trialId}, ${resource} ${rungText(job)}` : `trial ${job.trialId}, ${resource} ${job.milestone}`;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Describe what changed between two records of a job, or `undefined` when nothing worth a
 * line did (a secondary status, a job decided but not yet accepted by SageMaker). The time is the record's own (start, end or update
 * time), in local time:
 *
 * - `12:01:03 started hpo-mnist-0004-r3 (trial 4, epochs 1->3)`
 * - `12:03:40 completed hpo-mnist-0004-r3 (trial 4, epochs 3) eval_accuracy=0.9312 (best so far)`
 * - `12:03:41 failed hpo-mnist-0005-r1 (trial 5, epochs 0->1): AlgorithmError: ...`
 * - `12:03:42 stopped hpo-mnist-0006-r1 (trial 6, epochs 0->1): run stopped`
 *
 * @param before - the job as last seen, undefined for a job seen for the first time
 * @param after - the job now
 * @param run - the run now (for the objective's name and the best so far)
 */
export function describeJobChange(before: JobRecord | undefined, after: JobRecord, run: RunRecord): string | undefined {
  const wasTerminal = before !== undefined && isTerminalJobStatus(before.status);
  if (wasTerminal) return undefined;
  const name = after.jobName;
  switch (after.status) {
    case 'Completed': {
      const at = formatClock(after.endedAt ?? after.updatedAt);
      const metric = run.spec.objective.metricName;
      // The job's own metrics: the record's `objective` is filled in only once Tick has told
      // the scheduler, which may come after the job is first seen completed.
      const objective = typeof after.objective === 'number' ? after.objective : objectiveOf(after.finalMetrics, metric);
      const result =
        objective !== null && Number.isFinite(objective)
          ? `${metric}=${formatObjective(objective)}${run.best?.jobName === name ? ' (best so far)' : ''}`
          : `no ${metric} reported`;
      return `${at} completed ${name} (${trialText(after, run, false)}) ${result}`;
    }
    case 'Failed':
    case 'Stopped': {
      const at = formatClock(after.endedAt ?? after.updatedAt);
      // SageMaker's FailureReason holds the tail of a traceback: its error line says it all.
      const reason = after.failureReason === undefined || after.failureReason === '' ? '' : `: ${summarizeFailureReason(after.failureReason)}`;
      if (after.status === 'Stopped' && after.stoppedEarly !== undefined) {
        const metric = run.spec.objective.metricName;
        const value = typeof after.objective === 'number' ? ` ${metric}=${formatObjective(after.objective)}` : '';
        return `${at} stopped early ${name} (${trialText(after, run, true)}) at epoch ${after.stoppedEarly.epoch}${value}: ${after.stoppedEarly.reason}`;
      }
      return `${at} ${after.status.toLowerCase()} ${name} (${trialText(after, run, true)})${reason}`;
    }
    case 'Stopping':
      if (before?.status === 'Stopping') return undefined;
      return `${formatClock(after.updatedAt)} stopping ${name} (${trialText(after, run, true)})`;
    case 'Pending':
      // Announced as "started" once SageMaker accepts it; only a refused start is news here.
      if (after.startAttempts > (before?.startAttempts ?? 0)) {
        const why = after.lastStartError === undefined ? '' : `: ${oneLine(after.lastStartError)}`;
        return `${formatClock(after.updatedAt)} retrying the start of ${name} (attempt ${after.startAttempts + 1})${why}`;
      }
      return undefined;
    case 'InProgress':
      if (before !== undefined && before.status !== 'Pending') return undefined;
      return `${formatClock(after.startedAt ?? after.updatedAt)} started ${name} (${trialText(after, run, true)})`;
  }
}
