/**
 * One ask/tell step for a whole run (DESIGN.md "Orchestration"): reconcile, tell the
 * scheduler every result recorded since the last tick, check completion criteria, ask for
 * decisions, commit, then act (create or stop training jobs).
 *
 * Crash safety: decisions are committed (as `Pending` job records) BEFORE any training job
 * is created, and job names are deterministic, so a retried tick re-creates nothing twice
 * (`exists`) and never forgets a job it decided on. Budget safety: a job counts against
 * `MaxNumberOfTrainingJobs` from the moment the scheduler decides it.
 */
import type { Configuration, Observation, ParameterValue, SchedulerState, SearchSpaceSpec, TrialState, TuningSpec } from '../ports';
import { rngFor } from '../rng';
import { LEARNING_SAMPLERS, createSampler } from '../samplers';
import { createScheduler } from '../schedulers';
import { renderConfiguration } from '../space';
import type { CheckpointStore, CreateJobResult, ExistingJob, TrainingBackend, TrainingLogs } from './backend';
import { lastCurveValue, observeCurves, withFinishedCurve } from './early-stop';
import { isRunFailure } from './errors';
import { checkCapacityWait, checkFailures, failurePolicyOf, jobFailureSummary, type FailureCheck } from './failures';
import { checkpointUri, MAX_JOB_ATTEMPTS, MAX_TRAINING_JOB_NAME_LENGTH, trainingJobName } from './naming';
import type { JobRecord, ResultEntry, RunRecord, RunStatus, RunStore, StoredFailureTally, TrialRecord } from './records';
import { isTerminalJobStatus, MAX_FAILURE_REASONS } from './records';
import { beatsBest, checkCompletion, isBetter, objectiveOf, outcomeOf, rankOf } from './results';
import { addDuration, reconcile } from './reconcile';
import { addToTally, boundedHistory, loadTickState, proposedConfigurations, rememberJobs, rememberTrials, tallyOfJobs, withCandidates } from './tick-state';
import { buildTrainingJobRequest, type StorageDefaults } from './training-job-request';

export interface OrchestratorDeps {
  readonly store: RunStore;
  readonly backend: TrainingBackend;
  readonly now: () => Date;
  /** Lowercase prefix every training job name of this tuner starts with. */
  readonly jobNamePrefix: string;
  readonly storage: StorageDefaults;
  /** In-flight jobs whose record has not changed for this long are re-read from SageMaker (lost events). */
  readonly reconcileAfterSeconds: number;
  /**
   * Looks into trials' checkpoint folders (S3), for the warning about scripts that cannot
   * resume.
   *
   * @default - no check
   */
  readonly checkpoints?: CheckpointStore;
  /**
   * Training jobs' logs, for early stopping (`TrainingJobEarlyStoppingType: Auto`).
   *
   * @default - no early stopping (jobs train to the end)
   */
  readonly logs?: TrainingLogs;
}

export interface TickResult {
  readonly runId: string;
  /** `done`: the run has ended (Completed, Stopped or Failed); go to Finalize. */
  readonly status: 'running' | 'done';
  /** The run's version as this tick saw it (before reading jobs): WaitForChange compares it. */
  readonly version: number;
  /** Jobs accepted by SageMaker and not yet ended. */
  readonly running: number;
  /** Jobs decided but not yet accepted (throttled or over quota). */
  readonly pending: number;
  /** When > 0, pending jobs wait for a retry: tick again after this many seconds. */
  readonly retryAfterSeconds: number;
  /** What happened, for the logs. */
  readonly notes: readonly string[];
  /**
   * True while running jobs are watched for early stopping: tick again within the early-stopping
   * interval even when no job ends.
   */
  readonly watching?: boolean;
  /**
   * Training jobs this tick told (each finished job is told once, by the tick that commits it),
   * by SageMaker status: the handler counts them in the tuner's metrics. Absent when none.
   */
  readonly finishedJobs?: Readonly<Partial<Record<'Completed' | 'Failed' | 'Stopped', number>>>;
  /** The run's best objective value after this tick (for the tuner's metrics); absent until there is one. */
  readonly bestObjective?: number;
}

const IN_FLIGHT = new Set(['Pending', 'InProgress', 'Stopping']);

export async function tick(deps: OrchestratorDeps, runId: string): Promise<TickResult> {
  let snapshot = await loadTickState(deps.store, runId);
  if (await reconcile(deps, runId, snapshot.jobs, snapshot.run.jobDurations)) snapshot = await loadTickState(deps.store, runId);
  const { run, incremental } = snapshot;
  const version = run.version;
  const notes: string[] = [];
  if (run.status === 'Completed' || run.status === 'Stopped' || run.status === 'Failed') {
    return { runId, status: 'done', version, running: 0, pending: 0, retryAfterSeconds: 0, notes: [`run is ${run.status}`] };
  }

  const now = deps.now();
  const iso = now.toISOString();
  const spec = run.spec;
  const objectiveType = spec.objective.type;
  const scheduler = createScheduler(spec.scheduler.kind);
  let state: SchedulerState = snapshot.scheduler;
  const jobs = new Map(snapshot.jobs.map((j) => [j.jobName, j]));
  const changedJobs = new Map<string, JobRecord>();
  const trialsBefore = new Map(snapshot.trials.map((t) => [t.trialId, t]));
  const resultCount = run.resultCount ?? 0;
  const newResults: ResultEntry[] = [];
  let tally: StoredFailureTally = run.failureTally ?? { succeeded: 0, failed: 0, reasons: [] };
  let jobDurations = run.jobDurations ?? {};

  // 0. Early stopping: what running jobs printed since the last tick; the poor ones are marked
  // here and stopped after the commit (a retried tick stops a marked job again).
  let stopEarly: JobRecord[] = [];
  if (run.status === 'Running' && spec.earlyStopping !== undefined && deps.logs !== undefined) {
    const observed = await observeCurves(deps.logs, spec.earlyStopping, objectiveType, [...jobs.values()], run.earlyStopping, iso);
    for (const job of observed.changed) {
      jobs.set(job.jobName, job);
      changedJobs.set(job.jobName, job);
    }
    stopEarly = [...observed.stop];
    notes.push(...observed.notes);
  }
  let earlyStopping = run.earlyStopping;

  // 1. Tell: every terminal result not told yet, in a deterministic order.
  let counters = { ...run.counters };
  let best = run.best;
  let jobsSinceImprovement = run.jobsSinceImprovement;
  const finished = [...jobs.values()]
    .filter((j) => isTerminalJobStatus(j.status) && !j.told)
    .sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? '') || a.jobName.localeCompare(b.jobName));
  for (const job of finished) {
    // A job that ended through no fault of the script is retried (same trial and rung, from its
    // checkpoint) instead of being told, while its trial has attempts and the run has budget left.
    const retryReason = run.status === 'Running' ? retryableEnd(job) : undefined;
    const retry = retryReason === undefined ? undefined : retryJob(deps, run, job, state, iso);
    if (retry !== undefined) {
      state = { ...state, global: { ...state.global, jobsStarted: state.global.jobsStarted + 1 } };
      counters = {
        ...counters,
        jobsFailed: counters.jobsFailed + (job.status === 'Failed' ? 1 : 0),
        jobsStopped: counters.jobsStopped + (job.status === 'Stopped' ? 1 : 0),
        billableSeconds: counters.billableSeconds + (job.billableSeconds ?? 0),
      };
      const updated: JobRecord = { ...job, objective: null, told: true, retriedAs: retry.jobName, updatedAt: iso };
      jobs.set(job.jobName, updated);
      changedJobs.set(job.jobName, updated);
      jobs.set(retry.jobName, retry);
      changedJobs.set(retry.jobName, retry);
      notes.push(`${job.jobName} ${job.status} (${retryReason}): retried as ${retry.jobName}, resuming from the trial's checkpoint`);
      continue;
    }
    // A job the tuner stopped early reports its last value (AMT's behaviour for `Auto`).
    const early = job.status === 'Stopped' && job.stoppedEarly !== undefined;
    const objective =
      job.status === 'Completed' || early ? (objectiveOf(job.finalMetrics, spec.objective.metricName) ?? (early ? lastCurveValue(job.curve) : null)) : null;
    if (spec.earlyStopping !== undefined && (job.curve?.length ?? 0) > 0) {
      earlyStopping = withFinishedCurve(earlyStopping, job.curve ?? [], spec.earlyStopping.rule === 'ASHA' ? spec.earlyStopping.milestones : undefined);
    }
    // A job that completed without the objective metric failed, for the run (AMT's ObjectiveStatus).
    const noObjective = job.status === 'Completed' && objective === null;
    const outcome = noObjective ? 'Failed' : outcomeOf(job);
    const before = state.trials[String(job.trialId)];
    const told = scheduler.tell(state, { trialId: job.trialId, milestone: job.milestone, outcome, objective });
    state = told.state;
    const after = state.trials[String(job.trialId)];
    const key = String(job.milestone);
    if (before !== undefined && !Object.prototype.hasOwnProperty.call(before.results, key) && after !== undefined && Object.prototype.hasOwnProperty.call(after.results, key)) {
      const value = after.results[key];
      newResults.push({ seq: resultCount + newResults.length, trialId: job.trialId, bracket: after.bracket, milestone: job.milestone, objective: value ?? null, config: after.config });
    }
    notes.push(
      `${job.jobName} ${job.status}${early ? ' early' : ''}${objective === null ? '' : ` ${spec.objective.metricName}=${objective}`}${noObjective ? ' (no objective metric)' : ''}: ${told.decision} (${told.reason})`,
    );
    counters = {
      ...counters,
      jobsCompleted: counters.jobsCompleted + (job.status === 'Completed' ? 1 : 0),
      jobsFailed: counters.jobsFailed + (job.status === 'Failed' ? 1 : 0),
      jobsStopped: counters.jobsStopped + (job.status === 'Stopped' ? 1 : 0),
      billableSeconds: counters.billableSeconds + (job.billableSeconds ?? 0),
      jobsWithoutObjective: (counters.jobsWithoutObjective ?? 0) + (noObjective ? 1 : 0),
      ...(early || counters.jobsStoppedEarly !== undefined ? { jobsStoppedEarly: (counters.jobsStoppedEarly ?? 0) + (early ? 1 : 0) } : {}),
    };
    if (objective !== null && beatsBest({ objective, milestone: job.milestone }, best, objectiveType)) {
      best = { trialId: job.trialId, jobName: job.jobName, milestone: job.milestone, objective, hyperParameters: job.hyperParameters };
      jobsSinceImprovement = 0;
    } else {
      jobsSinceImprovement += 1;
    }
    const objectiveStatus = job.status === 'Stopped' ? (early && objective !== null ? 'Succeeded' : undefined) : objective === null ? 'Failed' : 'Succeeded';
    const updated: JobRecord = { ...job, objective, told: true, updatedAt: iso, ...(objectiveStatus === undefined ? {} : { objectiveStatus }) };
    jobs.set(job.jobName, updated);
    changedJobs.set(job.jobName, updated);
    if (job.status === 'Completed' && job.startedAt !== undefined && job.endedAt !== undefined) {
      jobDurations = addDuration(jobDurations, job, (Date.parse(job.endedAt) - Date.parse(job.startedAt)) / 1000);
    }
    if (objectiveStatus !== undefined) tally = addToTally(tally, job.jobName, jobFailureSummary(updated, spec.objective.metricName), MAX_FAILURE_REASONS);
  }
  // A run recorded before the tally existed counts from its job records (all loaded for it).
  if (!incremental || run.failureTally === undefined) {
    tally = tallyOfJobs(incremental ? [] : [...jobs.values()], (j) => jobFailureSummary(j, spec.objective.metricName));
  }

  // The warning about scripts that cannot resume (once per run): a trial that will be promoted
  // resumes from its checkpoint folder; an empty one means it retrains from scratch.
  let checkpoints = run.checkpoints;
  const warnings = [...(run.warnings ?? [])];
  if (checkpoints === undefined && deps.checkpoints !== undefined && spec.scheduler.kind !== 'FIFO') {
    const probe = finished.find((j) => j.status === 'Completed' && j.milestone < spec.scheduler.maxResource);
    if (probe !== undefined) {
      const uri = checkpointUriOf(deps, run, probe.trialId);
      const found = await deps.checkpoints.hasCheckpoint(uri);
      if (found === 'yes') checkpoints = 'found';
      else if (found === 'unknown') checkpoints = 'unknown';
      else {
        checkpoints = 'missing';
        warnings.push(checkpointWarning(probe.jobName, uri));
        notes.push(`warning: ${warnings[warnings.length - 1]}`);
      }
    }
  }

  // 2. Completion criteria.
  let status: RunStatus = run.status;
  let statusReason = run.statusReason;
  let endStatus = run.endStatus;
  if (status === 'Running' && finished.length > 0) {
    const failing = failureCheck(spec, tally);
    if (failing.kind === 'fail') {
      status = 'Stopping';
      statusReason = failing.reason;
      endStatus = 'Failed';
      notes.push(`failing: ${failing.reason}`);
    }
  }
  if (status === 'Running') {
    const check = checkCompletion({ best, jobsSinceImprovement, createdAt: run.createdAt }, spec.completion, objectiveType, now);
    if (check.kind === 'complete') {
      status = 'Stopping';
      statusReason = check.reason;
      endStatus = 'Completed';
      notes.push(`completing: ${check.reason}`);
    }
  }

  // 3. Ask.
  const inFlight = () => [...jobs.values()].filter((j) => IN_FLIGHT.has(j.status));
  if (status === 'Running') {
    const slots = Math.max(0, spec.maxParallelTrainingJobs - inFlight().length);
    // The trials a promotion would resume are loaded (the rung index stands for the others).
    state = await withCandidates(deps.store, runId, run.tickSeq, state, trialsBefore, slots);
    const proposed: Configuration[] = incremental
      ? proposedConfigurations(spec, state, snapshot.results)
      : Object.values(state.trials).map((t) => t.config);
    const parents = slots > 0 ? await warmStartHistory(deps.store, spec) : [];
    let history: Observation[] | undefined;
    const historyOf = (): Observation[] => {
      if (!incremental) return observations(state);
      if (!LEARNING_SAMPLERS.has(spec.sampler)) return [];
      return boundedHistory([...(snapshot.results ?? []), ...newResults], objectiveType);
    };
    const sampler = createSampler(spec.sampler, { seed: run.seed });
    const propose = (trialId: number): Configuration | null => {
      history ??= [...parents, ...historyOf()];
      const config = sampler.suggest(spec.space, { trialId, proposed, history, objectiveType }, rngFor(run.seed, trialId));
      if (config !== null) proposed.push(config);
      return config;
    };
    const asked = scheduler.ask(state, { slots, propose });
    state = asked.state;
    for (const decision of asked.decisions) {
      if (decision.kind === 'start' || decision.kind === 'resume') {
        const trial = state.trials[String(decision.trialId)];
        const job = newJob(deps, run, trial, decision.kind === 'resume' ? decision.fromMilestone : 0, decision.milestone, iso);
        jobs.set(job.jobName, job);
        changedJobs.set(job.jobName, job);
        notes.push(`${decision.kind} ${job.jobName}: ${decision.reason}`);
      } else if (decision.kind === 'done') {
        if (inFlight().length === 0) {
          status = 'Completed';
          statusReason = decision.reason;
        }
        notes.push(`done: ${decision.reason}`);
      }
    }
  }

  // 4. Stopping: jobs never accepted by SageMaker end here; the run ends when nothing runs.
  if (status === 'Stopping') {
    for (const job of inFlight()) {
      if (job.status === 'Pending') {
        const stopped: JobRecord = { ...job, status: 'Stopped', endedAt: iso, updatedAt: iso, told: true, failureReason: 'never started: the run stopped' };
        jobs.set(job.jobName, stopped);
        changedJobs.set(job.jobName, stopped);
      }
    }
    if (inFlight().length === 0) status = endStatus ?? 'Stopped';
  }
  const ended = status === 'Completed' || status === 'Stopped' || status === 'Failed';

  // 5. Commit (write-ahead): decisions are durable before any job is created.
  const bookkeeping = incremental
    ? {
        activeJobs: [...jobs.values()].filter((j) => !j.told).map((j) => j.jobName),
        resultCount: resultCount + newResults.length,
        failureTally: tally,
        jobDurations,
      }
    : {};
  const committedTrials = changedTrials(run, state, trialsBefore, iso);
  const committedSeq = await deps.store.commitTick(runId, run.tickSeq, {
    run: {
      ...bookkeeping,
      status,
      statusReason,
      endStatus,
      counters: { ...counters, jobsStarted: state.global.jobsStarted },
      best,
      jobsSinceImprovement,
      updatedAt: iso,
      ...(ended ? { endedAt: iso } : {}),
      ...(checkpoints === run.checkpoints ? {} : { checkpoints, warnings }),
      ...(earlyStopping === run.earlyStopping ? {} : { earlyStopping }),
    },
    schedulerGlobal: state.global,
    trials: committedTrials,
    jobs: [...changedJobs.values()],
    ...(incremental && newResults.length > 0 ? { results: newResults } : {}),
    ...(snapshot.changedJobsSeen.length > 0 ? { changedJobsSeen: snapshot.changedJobsSeen } : {}),
  });
  // The next tick finds the trials of the jobs still active here (tick-state.ts `cachedTrials`).
  if (incremental) {
    // (and the promotion candidates it loaded, which the next one is likely to load again)
    const keep = new Set([...jobs.values()].filter((j) => !j.told).map((j) => j.trialId));
    for (const [id, t] of trialsBefore) if (t.status === 'Paused') keep.add(id);
    rememberTrials(deps.store, runId, committedSeq, trialsBefore.values(), committedTrials, keep);
    const active = new Set(bookkeeping.activeJobs ?? []);
    rememberJobs(deps.store, runId, committedSeq, snapshot.jobs, new Set([...snapshot.changedJobsSeen, ...changedJobs.keys()]), active);
  }

  // 6. Act.
  let retryAfterSeconds = 0;
  if (status === 'Running') {
    for (const job of stopEarly) {
      const result = await deps.backend.stopJob(job.jobName);
      notes.push(`stop ${job.jobName} (early): ${result}`);
    }
    for (const job of [...jobs.values()].filter((j) => j.status === 'Pending')) {
      const ownInFlight = [...jobs.values()].filter((j) => j.status === 'InProgress' || j.status === 'Stopping').length;
      const outcome = await startJob(deps, run, job, now, ownInFlight);
      notes.push(outcome.note);
      if (outcome.kind === 'started') jobs.set(job.jobName, { ...job, status: 'InProgress' });
      if (outcome.kind === 'retry') retryAfterSeconds = Math.max(retryAfterSeconds, outcome.afterSeconds);
      // Every job shares the definition SageMaker just refused: don't try the others.
      if (outcome.kind === 'rejected') {
        // The run is Stopping now: the next tick (soon) stops what runs and ends it.
        retryAfterSeconds = Math.max(retryAfterSeconds, 1);
        break;
      }
    }
  } else if (status === 'Stopping') {
    for (const job of inFlight().filter((j) => j.status === 'InProgress')) {
      const result = await deps.backend.stopJob(job.jobName);
      notes.push(`stop ${job.jobName}: ${result}`);
    }
  }
  const live = [...jobs.values()];
  const finishedJobs: Partial<Record<'Completed' | 'Failed' | 'Stopped', number>> = {};
  for (const job of finished) {
    const status = job.status as 'Completed' | 'Failed' | 'Stopped';
    finishedJobs[status] = (finishedJobs[status] ?? 0) + 1;
  }
  return {
    runId,
    status: ended ? 'done' : 'running',
    version,
    running: live.filter((j) => j.status === 'InProgress' || j.status === 'Stopping').length,
    pending: live.filter((j) => j.status === 'Pending').length,
    retryAfterSeconds,
    notes,
    ...(spec.earlyStopping !== undefined && status === 'Running' ? { watching: live.some((j) => j.status === 'InProgress') } : {}),
    ...(finished.length === 0 ? {} : { finishedJobs }),
    ...(best === undefined ? {} : { bestObjective: best.objective }),
  };
}

/**
 * {@link tick}, failing the run instead of the execution when an AWS call fails for good
 * (`PermissionDenied`, `RequestRejected`): the run goes `Stopping` with the error's message as
 * its reason and ends `Failed` once nothing runs (the next ticks stop what runs). When the run is
 * no longer `Running` (it is failing already) or cannot be marked, the error goes on to the
 * state machine, which fails the execution; the cleanup then stops the run's jobs.
 */
export async function tickOrFail(deps: OrchestratorDeps, runId: string): Promise<TickResult> {
  try {
    return await tick(deps, runId);
  } catch (error) {
    if (!isRunFailure(error)) throw error;
    const run = await deps.store.getRun(runId);
    if (run === undefined || run.status !== 'Running') throw error;
    await deps.store.setRunStatus(runId, 'Stopping', error.message, deps.now().toISOString(), 'Failed');
    return { runId, status: 'running', version: run.version, running: 0, pending: 0, retryAfterSeconds: 1, notes: [`failing: ${error.message}`] };
  }
}

/**
 * The parents' results (AMT `WarmStartConfig`), as sampler history: every result of every
 * parent trial whose configuration fits this run's search space (other parameters dropped,
 * out-of-range values skipped). Parent trial ids are negative so they never collide.
 */
async function warmStartHistory(store: RunStore, spec: TuningSpec): Promise<Observation[]> {
  const parents = spec.warmStartParents ?? [];
  if (parents.length === 0 || !LEARNING_SAMPLERS.has(spec.sampler)) return [];
  const out: Observation[] = [];
  for (const parent of parents) {
    for (const trial of await store.listTrials(parent)) {
      const config = fitToSpace(spec.space, trial.config);
      if (config === undefined) continue;
      for (const [milestone, objective] of Object.entries(trial.results)) {
        out.push({ trialId: -1 - out.length, config, objective, resource: Number(milestone) });
      }
    }
  }
  return out;
}

/** The part of `config` this space knows, or undefined when a value does not fit it. */
function fitToSpace(space: SearchSpaceSpec, config: Configuration): Configuration | undefined {
  const out: Record<string, ParameterValue> = {};
  for (const p of space.parameters) {
    const value = config[p.name];
    if (value === undefined) return undefined;
    if (p.kind === 'categorical' ? !p.values.includes(String(value)) : typeof value !== 'number' || value < p.min || value > p.max) return undefined;
    out[p.name] = value;
  }
  return out;
}

/** Every result the scheduler has, as sampler history. */
function observations(state: SchedulerState): Observation[] {
  const out: Observation[] = [];
  for (const trial of Object.values(state.trials)) {
    for (const [milestone, objective] of Object.entries(trial.results)) {
      out.push({ trialId: trial.trialId, config: trial.config, objective, resource: Number(milestone) });
    }
  }
  return out.sort((a, b) => a.trialId - b.trialId || a.resource - b.resource);
}

function newJob(
  deps: OrchestratorDeps,
  run: RunRecord,
  trial: TrialState,
  fromMilestone: number,
  milestone: number,
  iso: string,
): JobRecord {
  const spec = run.spec;
  const hyperParameters: Record<string, string> = {
    ...spec.staticHyperParameters,
    ...renderConfiguration(spec.space, trial.config),
  };
  if (spec.scheduler.kind !== 'FIFO') hyperParameters[spec.resourceHyperParameter] = String(milestone);
  // ASHA's stopping variant: one job per trial, asked to train to R (and stopped at rungs).
  else if (spec.earlyStopping?.rule === 'ASHA') hyperParameters[spec.resourceHyperParameter] = String(spec.earlyStopping.maxResource);
  return {
    runId: run.runId,
    jobName: trainingJobName(deps.jobNamePrefix, run.runId, trial.trialId, milestone),
    trialId: trial.trialId,
    milestone,
    fromMilestone,
    status: 'Pending',
    hyperParameters,
    createdAt: iso,
    updatedAt: iso,
    startAttempts: 0,
    told: false,
  };
}

/**
 * Why a finished job ended through no fault of its script, when it did: managed spot capacity
 * that did not come back before MaxWaitTimeInSeconds, a SageMaker internal error (a job without
 * a RetryStrategy), or no capacity for its instance type.
 */
export function retryableEnd(job: Pick<JobRecord, 'status' | 'secondaryStatus' | 'failureReason'>): string | undefined {
  if (job.status === 'Stopped' && job.secondaryStatus === 'MaxWaitTimeExceeded') return 'spot capacity did not come back before MaxWaitTimeInSeconds';
  if (job.status === 'Failed' && /^InternalServerError\b/.test(job.failureReason ?? '')) return 'sagemaker internal error';
  if (job.status === 'Failed' && /^CapacityError\b/.test(job.failureReason ?? '')) return 'no capacity for the instance type';
  return undefined;
}

/**
 * The job that retries `job` (its next attempt), or undefined when none may: the trial used
 * its attempts, the budget is spent (a retry is a job like any other), or the name would be too
 * long for SageMaker.
 */
function retryJob(deps: OrchestratorDeps, run: RunRecord, job: JobRecord, state: SchedulerState, iso: string): JobRecord | undefined {
  const attempt = (job.attempt ?? 1) + 1;
  if (attempt > MAX_JOB_ATTEMPTS || state.global.jobsStarted >= state.settings.maxTrainingJobs) return undefined;
  const jobName = trainingJobName(deps.jobNamePrefix, run.runId, job.trialId, job.milestone, attempt);
  if (jobName.length > MAX_TRAINING_JOB_NAME_LENGTH) return undefined;
  return {
    runId: run.runId,
    jobName,
    trialId: job.trialId,
    milestone: job.milestone,
    fromMilestone: job.fromMilestone,
    attempt,
    status: 'Pending',
    hyperParameters: job.hyperParameters,
    createdAt: iso,
    updatedAt: iso,
    startAttempts: 0,
    told: false,
  };
}

/** Trials the tick created or changed, as records. */
function changedTrials(
  run: RunRecord,
  state: SchedulerState,
  before: ReadonlyMap<number, TrialRecord>,
  iso: string,
): TrialRecord[] {
  const out: TrialRecord[] = [];
  const type = run.spec.objective.type;
  for (const trial of Object.values(state.trials)) {
    const previous = before.get(trial.trialId);
    if (previous !== undefined && sameTrialState(previous, trial)) continue;
    const values = Object.values(trial.results).filter((v): v is number => v !== null);
    let bestObjective: number | undefined;
    for (const v of values) if (isBetter(v, bestObjective, type)) bestObjective = v;
    out.push({
      ...trial,
      runId: run.runId,
      hyperParameters: previous?.hyperParameters ?? renderConfiguration(run.spec.space, trial.config),
      createdAt: previous?.createdAt ?? iso,
      updatedAt: iso,
      ...(bestObjective === undefined ? {} : { bestObjective, rank: rankOf(bestObjective, type) }),
    });
  }
  return out;
}

function sameTrialState(a: TrialState, b: TrialState): boolean {
  return (
    a.status === b.status &&
    a.milestone === b.milestone &&
    a.bracket === b.bracket &&
    JSON.stringify(a.results) === JSON.stringify(b.results) &&
    JSON.stringify(a.promotedFrom) === JSON.stringify(b.promotedFrom)
  );
}

type StartOutcome =
  | { kind: 'started'; note: string }
  | { kind: 'retry'; afterSeconds: number; note: string }
  | { kind: 'rejected'; note: string };

/** Longest wait between attempts to create a throttled job. */
const MAX_RETRY_SECONDS = 60;

/**
 * How far SageMaker's clock (a job's CreationTime) may be behind ours (the job record's
 * createdAt) for a job of this run: clocks of AWS services are synchronized to well under this.
 */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

async function startJob(deps: OrchestratorDeps, run: RunRecord, job: JobRecord, now: Date, ownInFlight: number): Promise<StartOutcome> {
  const iso = now.toISOString();
  const request = buildTrainingJobRequest(run.input, { runId: run.runId, jobName: job.jobName, trialId: job.trialId, hyperParameters: job.hyperParameters }, deps.storage);
  let result: CreateJobResult;
  try {
    result = await deps.backend.createJob(request);
  } catch (error) {
    // Access denied, or a request AWS refuses for good: every job would meet the same answer.
    if (!isRunFailure(error)) throw error;
    return failRun(deps, run, job, iso, error.message, `never started: ${error.message}`);
  }
  switch (result.kind) {
    case 'created':
    case 'exists': {
      if (result.kind === 'exists') {
        const foreign = foreignJobReason(job, result.existing);
        if (foreign !== undefined) return failRun(deps, run, job, iso, foreign, 'never started: the name belongs to an older training job');
      }
      await deps.store.recordObservation(run.runId, { jobName: job.jobName, status: 'InProgress', startedAt: iso }, iso);
      // A stop may have landed while we were creating the job: never leave it running.
      const latest = await deps.store.getRun(run.runId);
      if (latest !== undefined && latest.status !== 'Running') {
        await deps.backend.stopJob(job.jobName);
        return { kind: 'started', note: `${job.jobName} ${result.kind}, then stopped: run is ${latest.status}` };
      }
      return { kind: 'started', note: `${job.jobName} ${result.kind === 'exists' ? 'exists (this run\'s: a retried tick)' : 'created'}` };
    }
    case 'retry': {
      const attempts = job.startAttempts + 1;
      const wait = checkCapacityWait(job, ownInFlight, now, failurePolicyOf(run.spec), result.reason);
      await deps.store.updateJob(run.runId, job.jobName, { startAttempts: attempts, lastStartError: result.reason, waitingSince: wait.waitingSince, updatedAt: iso });
      if (wait.failReason !== undefined) return failRun(deps, run, job, iso, wait.failReason, `never started: ${result.reason}`);
      const afterSeconds = Math.min(MAX_RETRY_SECONDS, 2 ** Math.min(attempts, 6));
      return { kind: 'retry', afterSeconds, note: `${job.jobName} not started yet (attempt ${attempts}, ${result.cause}): ${result.reason}` };
    }
    case 'over-quota':
      return failRun(deps, run, job, iso, result.reason, `never started: ${result.reason}`);
    case 'invalid':
      return failRun(
        deps,
        run,
        job,
        iso,
        `sagemaker rejected training job ${job.jobName}: ${result.reason}`,
        `sagemaker rejected the training job: ${result.reason}`,
      );
  }
}

/**
 * End the run `Failed` with `reason` (through `Stopping`: the next tick stops whatever runs),
 * and record the job that could not start as failed.
 */
async function failRun(deps: OrchestratorDeps, run: RunRecord, job: JobRecord, iso: string, reason: string, jobReason: string): Promise<StartOutcome> {
  await deps.store.recordObservation(run.runId, { jobName: job.jobName, status: 'Failed', endedAt: iso, failureReason: jobReason }, iso);
  await deps.store.setRunStatus(run.runId, 'Stopping', reason, iso, 'Failed');
  return { kind: 'rejected', note: `${job.jobName} not started, run failing: ${reason}` };
}

/**
 * Why an existing job with our job's name is not ours, or undefined when it is (a retried
 * tick created it). Job names are permanent in an account and region: a run name used before
 * (by this tuner, or by an earlier deployment with the same job-name prefix) names old jobs.
 * Ours was created after the job was decided (its record's `createdAt`), with its exact
 * hyperparameters.
 */
export function foreignJobReason(job: Pick<JobRecord, 'jobName' | 'createdAt' | 'hyperParameters'>, existing: ExistingJob): string | undefined {
  const problems: string[] = [];
  if (existing.createdAt !== undefined && Date.parse(existing.createdAt) < Date.parse(job.createdAt) - CLOCK_SKEW_MS) {
    problems.push(`created ${existing.createdAt}, before this run decided it at ${job.createdAt}`);
  }
  if (existing.hyperParameters !== undefined && !sameStrings(existing.hyperParameters, job.hyperParameters)) {
    problems.push('with other hyperparameters');
  }
  if (problems.length === 0) return undefined;
  return (
    `training job name '${job.jobName}' is taken by an older job (${problems.join(', ')}): SageMaker keeps job names ` +
    'forever in an account and region, so this run name was used before (by this tuner or an earlier deployment with the same ' +
    'job-name prefix); nothing of it was adopted. Start the run again under another HyperParameterTuningJobName'
  );
}

function sameStrings(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/** The stop-early rule over the run's tally of told jobs. */
function failureCheck(spec: TuningSpec, tally: StoredFailureTally): FailureCheck {
  const failures: { jobName: string; reason: string }[] = [];
  for (const r of tally.reasons) for (let i = 0; i < r.count; i++) failures.push({ jobName: r.jobName, reason: r.reason });
  // Reasons past the tally's bound count, without their text.
  for (let i = failures.length; i < tally.failed; i++) failures.push({ jobName: '', reason: 'other reasons' });
  return checkFailures({ succeeded: tally.succeeded, failed: tally.failed }, failures, failurePolicyOf(spec));
}

/** The S3 prefix a trial's checkpoints go to (what its jobs get as CheckpointConfig.S3Uri). */
function checkpointUriOf(deps: OrchestratorDeps, run: RunRecord, trialId: number): string {
  const definition = run.input.TrainingJobDefinition as { CheckpointConfig?: { S3Uri?: unknown } } | undefined;
  const base = definition?.CheckpointConfig?.S3Uri;
  return checkpointUri(typeof base === 'string' ? base : deps.storage.checkpointBase, run.runId, trialId);
}

/** The warning when a rung's job left its trial's checkpoint folder empty. */
export function checkpointWarning(jobName: string, uri: string): string {
  return (
    `training job ${jobName} ended and its trial's checkpoint folder ${uri} is empty: the script saves no checkpoint, ` +
    'so promoted trials will retrain from scratch (write checkpoints to SM_CHECKPOINT_DIR, /opt/ml/checkpoints in the cloud, and resume from them)'
  );
}
