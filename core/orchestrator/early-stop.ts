/**
 * Early stopping of running jobs, as the tick applies it: read what each running job printed
 * since the last tick, parse the objective's values with its `MetricDefinitions` regex (one value
 * per epoch), and stop the job when the rule says so (`schedulers/early-stopping.ts`): AMT's
 * median rule for `TrainingJobEarlyStoppingType: Auto`, or ASHA's stopping variant
 * (`HyperbandStrategyConfig.Mode: Stopping`) at each rung milestone the job passed.
 *
 * Bounded work and state, whatever the run's size:
 * - a job's curve keeps at most {@link MAX_CURVE_POINTS} values (about 10 KB in its item);
 * - finished jobs are summarized in the run's {@link EarlyStoppingStats}: per epoch (at most
 *   {@link MAX_STATS_EPOCHS}) the running averages of the {@link MAX_STATS_SAMPLES} most recent
 *   finished jobs that got that far (at most 3,100 numbers, about 30 KB in the run item); the
 *   median of that sample stands for AMT's median over every previous job; for ASHA, per rung
 *   milestone the values of the {@link MAX_RUNG_SAMPLES} most recent finished jobs that got there;
 * - a tick reads the logs of running jobs only, at most {@link MAX_LOG_PAGES_PER_JOB} pages each,
 *   {@link LOG_READ_CONCURRENCY} at a time.
 *
 * Reading a log can fail (throttling, a denied call): that job is skipped until the next tick and
 * the failure is a note. Early stopping saves GPU time; it never fails a run.
 */
import { metricValuesIn } from '../metrics/series';
import type { EarlyStoppingSpec, ObjectiveType } from '../ports';
import { ashaRuleAt, medianRuleAt, runningAverage, type StoppingResult } from '../schedulers/early-stopping';
import type { TrainingLogs } from './backend';
import { isTerminalJobStatus, type EarlyStoppingStats, type JobRecord, type LogCursor } from './records';

/** The most values kept of one job's curve. */
export const MAX_CURVE_POINTS = 500;
/** The most epochs the finished-job summary covers (later epochs compare with running jobs only). */
export const MAX_STATS_EPOCHS = 100;
/** Running averages kept per epoch: the median of this many recent jobs stands for all of them. */
export const MAX_STATS_SAMPLES = 31;
/** Values kept per rung milestone for ASHA's stopping variant (its rank among them decides). */
export const MAX_RUNG_SAMPLES = 300;
/** Log pages (of up to 10,000 lines) read per job and tick; the rest is read by the next tick. */
export const MAX_LOG_PAGES_PER_JOB = 5;
/** Logs read at once. */
export const LOG_READ_CONCURRENCY = 8;

/**
 * A finished job's curve added to the summary: its running averages up to each epoch (the median
 * rule) and, with `milestones` (ASHA), its values at the rung milestones it reached.
 */
export function withFinishedCurve(stats: EarlyStoppingStats | undefined, curve: readonly number[], milestones?: readonly number[]): EarlyStoppingStats {
  if (milestones !== undefined) {
    const rungs: Record<string, number[]> = Object.fromEntries(Object.entries(stats?.rungs ?? {}).map(([m, v]) => [m, [...v]]));
    for (const m of milestones.slice(0, -1)) {
      const value = curve[m - 1];
      if (value === undefined || !Number.isFinite(value)) continue;
      const samples = (rungs[String(m)] ??= []);
      samples.push(value);
      if (samples.length > MAX_RUNG_SAMPLES) samples.splice(0, samples.length - MAX_RUNG_SAMPLES);
    }
    return { byEpoch: stats?.byEpoch ?? [], rungs };
  }
  const byEpoch = (stats?.byEpoch ?? []).map((samples) => [...samples]);
  const epochs = Math.min(curve.length, MAX_STATS_EPOCHS);
  for (let e = 1; e <= epochs; e++) {
    const avg = runningAverage(curve, e);
    if (avg === undefined) continue;
    while (byEpoch.length < e) byEpoch.push([]);
    const samples = byEpoch[e - 1] as number[];
    samples.push(avg);
    if (samples.length > MAX_STATS_SAMPLES) samples.splice(0, samples.length - MAX_STATS_SAMPLES);
  }
  return { ...(stats?.rungs === undefined ? {} : { rungs: stats.rungs }), byEpoch };
}

/**
 * ASHA's stopping variant about `job`: at every rung milestone its curve passed since `fromEpoch`,
 * its value there against the finished jobs' values and the other running jobs' (the first STOP
 * wins; CONTINUE when it passed none).
 */
export function ashaStopDecision(
  job: Pick<JobRecord, 'jobName' | 'trialId' | 'curve'>,
  fromEpoch: number,
  stats: EarlyStoppingStats | undefined,
  running: readonly Pick<JobRecord, 'jobName' | 'trialId' | 'curve'>[],
  milestones: readonly number[],
  eta: number,
  objectiveType: ObjectiveType,
): StoppingResult & { readonly epoch?: number } {
  const curve = job.curve ?? [];
  let last: StoppingResult & { readonly epoch?: number } = { decision: 'CONTINUE', reason: 'no rung milestone passed' };
  for (const m of milestones.slice(0, -1)) {
    if (m <= fromEpoch || m > curve.length) continue;
    const others = (stats?.rungs?.[String(m)] ?? []).map((value, i) => ({ trialId: -1 - i, value }));
    for (const other of running) {
      if (other.jobName === job.jobName || (other.curve?.length ?? 0) < m) continue;
      others.push({ trialId: other.trialId, value: other.curve?.[m - 1] ?? Number.NaN });
    }
    last = { ...ashaRuleAt({ trialId: job.trialId, value: curve[m - 1] ?? null }, m, others, milestones, eta, objectiveType), epoch: m };
    if (last.decision === 'STOP') return last;
  }
  return last;
}

/**
 * The median rule about `job` at its last epoch: compared with the finished jobs' running
 * averages at that epoch and those of the other running jobs that got that far.
 */
export function earlyStopDecision(
  job: Pick<JobRecord, 'jobName' | 'curve'>,
  stats: EarlyStoppingStats | undefined,
  running: readonly Pick<JobRecord, 'jobName' | 'curve'>[],
  objectiveType: ObjectiveType,
): StoppingResult {
  const curve = job.curve ?? [];
  const epoch = curve.length;
  const averages = [...(stats?.byEpoch[epoch - 1] ?? [])];
  for (const other of running) {
    if (other.jobName === job.jobName || (other.curve?.length ?? 0) < epoch) continue;
    const avg = runningAverage(other.curve ?? [], epoch);
    if (avg !== undefined) averages.push(avg);
  }
  return medianRuleAt(curve[epoch - 1] ?? null, epoch, averages, objectiveType);
}

/** The objective a job stopped early reports: its final metric, else the last value it printed. */
export function lastCurveValue(curve: readonly number[] | undefined): number | null {
  if (curve === undefined) return null;
  for (let i = curve.length - 1; i >= 0; i--) {
    const v = curve[i] as number;
    if (Number.isFinite(v)) return v;
  }
  return null;
}

export interface ObservedCurves {
  /** Jobs whose curve, cursor or early-stop mark changed (records to commit), ended ones included. */
  readonly changed: readonly JobRecord[];
  /** Jobs to stop now: marked in this tick, or marked before and still running (a lost stop). */
  readonly stop: readonly JobRecord[];
  readonly notes: readonly string[];
}

/**
 * One tick's early stopping: reads the new log lines of every running job, updates curves and
 * decides. `jobs` are the run's jobs as the tick sees them.
 */
export async function observeCurves(
  logs: TrainingLogs,
  spec: EarlyStoppingSpec,
  objectiveType: ObjectiveType,
  jobs: readonly JobRecord[],
  stats: EarlyStoppingStats | undefined,
  iso: string,
): Promise<ObservedCurves> {
  const running = jobs.filter((j) => j.status === 'InProgress').sort((a, b) => a.jobName.localeCompare(b.jobName));
  // Jobs that ended since the last tick get a last read: the finished curve goes into the summary.
  const ended = jobs.filter((j) => isTerminalJobStatus(j.status) && !j.told).sort((a, b) => a.jobName.localeCompare(b.jobName));
  const notes: string[] = [];
  const read = new Map<string, { curve: number[]; cursor: LogCursor | undefined }>();
  const toRead = [...running.filter((j) => j.stoppedEarly === undefined), ...ended].filter((j) => (j.curve?.length ?? 0) < MAX_CURVE_POINTS);
  await forEachLimited(toRead, LOG_READ_CONCURRENCY, async (job) => {
    try {
      read.set(job.jobName, await readNewValues(logs, job, spec.metricRegex));
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      notes.push(`early stopping: could not read the log of ${job.jobName} (${name}: ${error instanceof Error ? error.message : String(error)}); trying again next tick`);
    }
  });
  const current = running.map((job) => {
    const r = read.get(job.jobName);
    return r === undefined ? job : { ...job, curve: r.curve, ...(r.cursor === undefined ? {} : { logCursor: r.cursor }) };
  });
  const changed: JobRecord[] = [];
  const stop: JobRecord[] = [];
  for (const job of ended) {
    const r = read.get(job.jobName);
    if (r !== undefined && r.curve.length > (job.curve?.length ?? 0)) changed.push({ ...job, curve: r.curve, ...(r.cursor === undefined ? {} : { logCursor: r.cursor }) });
  }
  for (const job of current) {
    const before = running.find((j) => j.jobName === job.jobName) as JobRecord;
    if (job.stoppedEarly !== undefined) {
      stop.push(job);
      continue;
    }
    const grew = (job.curve?.length ?? 0) > (before.curve?.length ?? 0);
    let next = job;
    if (grew) {
      const decision: StoppingResult & { readonly epoch?: number } =
        spec.rule === 'ASHA'
          ? ashaStopDecision(job, before.curve?.length ?? 0, stats, current, spec.milestones, spec.reductionFactor, objectiveType)
          : earlyStopDecision(job, stats, current, objectiveType);
      if (decision.decision === 'STOP') {
        next = { ...job, stoppedEarly: { epoch: decision.epoch ?? job.curve?.length ?? 0, reason: decision.reason, at: iso } };
        stop.push(next);
        notes.push(`stop early ${job.jobName}: ${decision.reason}`);
      }
    }
    if (next !== before && (grew || next.stoppedEarly !== undefined || !sameCursor(next.logCursor, before.logCursor))) changed.push(next);
  }
  return { changed, stop, notes };
}

async function readNewValues(logs: TrainingLogs, job: JobRecord, regex: string): Promise<{ curve: number[]; cursor: LogCursor | undefined }> {
  const curve = [...(job.curve ?? [])];
  let cursor = job.logCursor;
  for (let page = 0; page < MAX_LOG_PAGES_PER_JOB && curve.length < MAX_CURVE_POINTS; page++) {
    const result = await logs.readLines(job.jobName, cursor);
    const advanced = !sameCursor(result.cursor, cursor);
    cursor = result.cursor;
    curve.push(...metricValuesIn(result.lines, regex));
    if (!advanced || result.lines.length === 0) break;
  }
  return { curve: curve.slice(0, MAX_CURVE_POINTS), cursor };
}

function sameCursor(a: LogCursor | undefined, b: LogCursor | undefined): boolean {
  return a?.afterMs === b?.afterMs && a?.seenAtMs === b?.seenAtMs;
}

async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
