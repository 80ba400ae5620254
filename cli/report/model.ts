/**
 * What the report shows, derived from the run's records: the best-so-far series, learning
 * curves, per-hyperparameter points. Pure functions; the sections only lay these out.
 */
import { isTerminalJobStatus, type BestResult, type JobRecord, type RunRecord, type TrialRecord } from '../../core/orchestrator/records';
import type { ObjectiveType, ParameterSpec, ParameterValue } from '../../core/ports';
import { parseValue } from '../../core/space';
import { rankTrials, type RankedTrial } from '../render/leaderboard';
import { spansDecade } from './scales';

/** The records a report is made of. */
export interface ReportData {
  readonly run: RunRecord;
  readonly trials: readonly TrialRecord[];
  readonly jobs: readonly JobRecord[];
}

/** One finished job in the order jobs ended, with the run's progress up to it. */
export interface ProgressPoint {
  readonly job: JobRecord;
  /** Seconds from the run's creation to the job's end. */
  readonly elapsedSeconds: number;
  /** Units of resource trained by all jobs that ended so far, this one included. */
  readonly cumulativeResource: number;
  /** The job's objective (null when it ended without one). */
  readonly objective: number | null;
  /** The best objective of the jobs that ended so far (null until there is one). */
  readonly best: number | null;
  /** Whether this job improved the best objective. */
  readonly improved: boolean;
}

/** Whether `a` is a better objective than `b` for the run's direction. */
export function isBetter(type: ObjectiveType, a: number, b: number): boolean {
  return type === 'Maximize' ? a > b : a < b;
}

function timeOf(iso: string | undefined): number {
  const t = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : Number.NaN;
}

/** Jobs that ended (Completed, Failed, Stopped) with an end time, in the order they ended. */
export function finishedJobs(jobs: readonly JobRecord[]): JobRecord[] {
  return jobs
    .filter((j) => isTerminalJobStatus(j.status) && Number.isFinite(timeOf(j.endedAt)))
    .sort((a, b) => timeOf(a.endedAt) - timeOf(b.endedAt) || a.jobName.localeCompare(b.jobName));
}

/** A job's objective when it is a finite number. */
export function objectiveOf(job: JobRecord): number | null {
  return typeof job.objective === 'number' && Number.isFinite(job.objective) ? job.objective : null;
}

/**
 * The run's progress job by job: elapsed time, cumulative resource (each job trains
 * `milestone - fromMilestone` units) and best objective so far. The best is monotone: it
 * never gets worse in the objective's direction.
 */
export function progress(data: ReportData): ProgressPoint[] {
  const type = data.run.spec.objective.type;
  const start = timeOf(data.run.createdAt);
  let cumulative = 0;
  let best: number | null = null;
  return finishedJobs(data.jobs).map((job) => {
    cumulative += Math.max(0, job.milestone - job.fromMilestone);
    const objective = objectiveOf(job);
    const improved = objective !== null && (best === null || isBetter(type, objective, best));
    if (improved) best = objective;
    const end = timeOf(job.endedAt);
    return {
      job,
      elapsedSeconds: Number.isFinite(start) ? Math.max(0, (end - start) / 1000) : 0,
      cumulativeResource: cumulative,
      objective,
      best,
      improved,
    };
  });
}

/** One trial's objective across the rungs it reached. */
export interface LearningCurve {
  readonly trial: TrialRecord;
  /** Milestones with a numeric objective, ascending. */
  readonly points: readonly { readonly milestone: number; readonly objective: number }[];
  /** The trial was promoted from at least one rung. */
  readonly promoted: boolean;
  /** The trial holds the run's best result. */
  readonly best: boolean;
}

/** Milestone -> objective of a trial, numeric results only, ascending by milestone. */
export function trialResults(trial: TrialRecord): { milestone: number; objective: number }[] {
  return Object.entries(trial.results)
    .map(([key, value]) => ({ milestone: Number(key), objective: value }))
    .filter((r): r is { milestone: number; objective: number } => Number.isFinite(r.milestone) && typeof r.objective === 'number' && Number.isFinite(r.objective))
    .sort((a, b) => a.milestone - b.milestone);
}

/** The learning curves of the trials that have at least one result, by trial id. */
export function learningCurves(data: ReportData, best: BestResult | undefined): LearningCurve[] {
  return [...data.trials]
    .sort((a, b) => a.trialId - b.trialId)
    .map((trial) => ({
      trial,
      points: trialResults(trial),
      promoted: trial.promotedFrom.length > 0,
      best: best !== undefined && best.trialId === trial.trialId,
    }))
    .filter((c) => c.points.length > 0);
}

/**
 * Whether milestones grow geometrically (Hyperband rungs r_min * eta^k), so a log axis spaces
 * them evenly: at least two, all positive, each at least 1.5 times the one before.
 */
export function isGeometric(milestones: readonly number[]): boolean {
  const sorted = [...new Set(milestones)].sort((a, b) => a - b);
  if (sorted.length < 2 || sorted[0] <= 0) return false;
  return sorted.every((m, k) => k === 0 || m / sorted[k - 1] >= 1.5);
}

/** The run's trials in leaderboard order (the same as `hpo results`: highest rung reached, then objective). */
export function rankedTrials(data: ReportData): RankedTrial[] {
  return rankTrials(data.run, data.trials, data.jobs);
}

/**
 * The run's best trial: the leaderboard's first (see {@link rankedTrials}), with its job at
 * the rung that ranks it. Without any trial result yet (trial records lag behind their
 * jobs), the best job.
 */
export function bestResult(data: ReportData): BestResult | undefined {
  const leader = rankedTrials(data)[0];
  if (leader !== undefined && leader.objective !== null && leader.milestone !== null) {
    const job = data.jobs.find((j) => j.trialId === leader.trial.trialId && j.milestone === leader.milestone);
    return {
      trialId: leader.trial.trialId,
      jobName: job?.jobName ?? '',
      milestone: leader.milestone,
      objective: leader.objective,
      hyperParameters: job?.hyperParameters ?? leader.trial.hyperParameters,
    };
  }
  if (data.run.best !== undefined) return data.run.best;
  const type = data.run.spec.objective.type;
  let best: JobRecord | undefined;
  for (const job of data.jobs) {
    const v = objectiveOf(job);
    if (v === null) continue;
    const current = best === undefined ? null : objectiveOf(best);
    if (current === null || isBetter(type, v, current)) best = job;
  }
  const objective = best === undefined ? null : objectiveOf(best);
  if (best === undefined || objective === null) return undefined;
  return { trialId: best.trialId, jobName: best.jobName, milestone: best.milestone, objective, hyperParameters: best.hyperParameters };
}

/** Every objective the run recorded: its jobs' and its trials' results. */
function allObjectives(data: ReportData): number[] {
  const values = data.jobs.map(objectiveOf).filter((v): v is number => v !== null);
  for (const trial of data.trials) for (const r of trialResults(trial)) values.push(r.objective);
  return values;
}

/** Whether the report's objective axes are logarithmic: the run's objectives are positive and span more than a decade. */
export function objectiveOnLog(data: ReportData): boolean {
  return spansDecade(allObjectives(data));
}

/** One trial in a hyperparameter scatter. */
export interface ParameterPoint {
  readonly trial: TrialRecord;
  readonly value: ParameterValue;
  /** The objective at the highest milestone with a result. */
  readonly objective: number;
  readonly milestone: number;
}

/** A trial's value of a tunable hyperparameter (typed), or undefined when it cannot be read. */
export function valueOf(param: ParameterSpec, trial: TrialRecord): ParameterValue | undefined {
  const typed = trial.config[param.name];
  if (param.kind === 'categorical' ? typeof typed === 'string' : typeof typed === 'number' && Number.isFinite(typed)) return typed;
  const text = trial.hyperParameters[param.name];
  if (text === undefined) return undefined;
  try {
    return parseValue(param, text);
  } catch {
    return undefined;
  }
}

/** For one tunable hyperparameter: each trial with a result, its value and its objective at the highest rung with a result. */
export function parameterPoints(data: ReportData, param: ParameterSpec): ParameterPoint[] {
  const points: ParameterPoint[] = [];
  for (const trial of [...data.trials].sort((a, b) => a.trialId - b.trialId)) {
    const results = trialResults(trial);
    const last = results[results.length - 1];
    const value = valueOf(param, trial);
    if (last === undefined || value === undefined) continue;
    points.push({ trial, value, objective: last.objective, milestone: last.milestone });
  }
  return points;
}
