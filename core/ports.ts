/**
 * The tuning core's contracts.
 *
 * Everything in `core` is pure TypeScript: no AWS SDK, no CDK, no Powertools, no I/O.
 * Imports point one way: core <- adapters <- handlers / lib / local / cli.
 *
 * Vocabulary (Li et al. 2018, "Hyperband"; Li et al. 2020, "ASHA"):
 * - trial: one configuration of hyperparameters, identified by its trial number.
 * - resource r: how far a trial is trained (e.g. epochs); passed to the training script
 *   as the `ResourceHyperParameter`.
 * - milestone / rung: a resource level at which a trial's result is compared with others.
 *   Rung k of a bracket has milestone r_k = r_0 * eta^k.
 * - bracket s: a successive-halving schedule starting at a given minimum resource.
 * - reduction factor eta: only the top 1/eta of a rung is promoted to the next rung.
 * - training job: one SageMaker training job; a trial runs one job per rung it reaches.
 *   A promoted trial resumes from its checkpoint, so the job for rung k+1 trains only
 *   r_{k+1} - r_k more units of resource.
 */

import type { RungIndex } from './schedulers/rung-index';

// ---------------------------------------------------------------------------------------
// Search space (normalized from the AMT `ParameterRanges`)
// ---------------------------------------------------------------------------------------

/** AMT's scaling types. `Auto` is resolved by the search space (see search-space docs). */
export type ScalingType = 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';

export interface ContinuousParameter {
  readonly kind: 'continuous';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly scaling: ScalingType;
}

export interface IntegerParameter {
  readonly kind: 'integer';
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly scaling: ScalingType;
}

export interface CategoricalParameter {
  readonly kind: 'categorical';
  readonly name: string;
  /** Values exactly as SageMaker receives them (strings). */
  readonly values: readonly string[];
}

export type ParameterSpec = ContinuousParameter | IntegerParameter | CategoricalParameter;

/** The tunable hyperparameters, in the order the input lists them (Integer, Continuous, Categorical). */
export interface SearchSpaceSpec {
  readonly parameters: readonly ParameterSpec[];
}

/** A parameter value in its typed form: numbers for continuous/integer, strings for categorical. */
export type ParameterValue = number | string;

/** One configuration: tunable hyperparameter name -> typed value. */
export type Configuration = Readonly<Record<string, ParameterValue>>;

// ---------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------

/**
 * A seeded pseudo-random generator. The same seed gives the same sequence on any machine
 * (no `Math.random`, no platform-dependent floating point beyond IEEE-754 basics).
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [lo, hi] (both inclusive). */
  int(lo: number, hi: number): number;
}

// ---------------------------------------------------------------------------------------
// Samplers: "what to try next"
// ---------------------------------------------------------------------------------------

export type ObjectiveType = 'Maximize' | 'Minimize';

/** A finished observation the sampler may learn from. */
export interface Observation {
  readonly trialId: number;
  readonly config: Configuration;
  /** The objective at `resource`, or null when the job failed / reported no metric. */
  readonly objective: number | null;
  readonly resource: number;
}

export interface SuggestContext {
  /** The number of the trial being created (0-based, dense). Quasi-random samplers index by it. */
  readonly trialId: number;
  /** Configurations already proposed in this run (including ones still running). */
  readonly proposed: readonly Configuration[];
  /** Finished observations so far. */
  readonly history: readonly Observation[];
  readonly objectiveType: ObjectiveType;
}

export type SamplerName = 'Random' | 'Grid' | 'Sobol' | 'TPE' | 'BOHB' | 'GP';

export interface Sampler {
  readonly name: SamplerName;
  /**
   * Propose a configuration for trial `ctx.trialId`, or `null` when the sampler has no more
   * distinct configurations to offer (Grid exhausted).
   */
  suggest(space: SearchSpaceSpec, ctx: SuggestContext, rng: Rng): Configuration | null;
}

// ---------------------------------------------------------------------------------------
// Schedulers: "what to do with running trials"
// ---------------------------------------------------------------------------------------

/** Which scheduler runs the trials. FIFO trains every trial straight to the maximum resource. */
export type SchedulerKind = 'FIFO' | 'Hyperband' | 'ASHA';

/** Hyperband mode: `Asynchronous` promotes as soon as a rung allows; `Synchronous` is the paper's per-bracket successive halving. */
export type HyperbandMode = 'Asynchronous' | 'Synchronous';

export interface SchedulerSettings {
  readonly kind: SchedulerKind;
  /** Only meaningful for Hyperband. ASHA is always asynchronous. */
  readonly mode: HyperbandMode;
  /** r_min: resource of the lowest rung (AMT `MinResource`). For FIFO equal to maxResource. */
  readonly minResource: number;
  /** R: the maximum resource (AMT `MaxResource`). */
  readonly maxResource: number;
  /** eta, >= 2. */
  readonly reductionFactor: number;
  /** Exact cap on training jobs (AMT `ResourceLimits.MaxNumberOfTrainingJobs`). Never exceeded. */
  readonly maxTrainingJobs: number;
  /** Cap on the number of trials (FIFO/Grid: may be lower than the job cap). */
  readonly maxTrials?: number;
  readonly objectiveType: ObjectiveType;
}

/** How one training job ended, as the scheduler sees it. */
export type JobOutcome = 'Completed' | 'Failed' | 'Stopped';

/** One result: the job that trained `trialId` up to `milestone` ended. */
export interface TrialResult {
  readonly trialId: number;
  readonly milestone: number;
  readonly outcome: JobOutcome;
  /** Objective value at `milestone`; null when the job failed or the metric was missing. */
  readonly objective: number | null;
}

/**
 * What the scheduler says about a trial after a result (Syne Tune's `SchedulerDecision`):
 * - CONTINUE: the trial goes on to a higher milestone right away (a `resume` follows).
 * - PAUSE: the trial waits at its milestone; it may be resumed later from its checkpoint.
 * - STOP: the trial is finished for good (reached R, was not promoted in a synchronous
 *   bracket, or failed). It will never be resumed.
 */
export type TrialDecision = 'CONTINUE' | 'PAUSE' | 'STOP';

/**
 * What to do next (Syne Tune's `TrialSuggestion`). Every `start` and `resume` is exactly one
 * training job and counts against `maxTrainingJobs`.
 */
export type Decision =
  | {
      readonly kind: 'start';
      readonly trialId: number;
      readonly config: Configuration;
      readonly bracket: number;
      /** Train from scratch up to this resource. */
      readonly milestone: number;
      readonly reason: string;
    }
  | {
      readonly kind: 'resume';
      readonly trialId: number;
      /** The milestone the trial's checkpoint is at. */
      readonly fromMilestone: number;
      /** Continue training up to this resource. */
      readonly milestone: number;
      readonly reason: string;
    }
  | { readonly kind: 'wait'; readonly reason: string }
  | { readonly kind: 'done'; readonly reason: string };

export type TrialStatus = 'Running' | 'Paused' | 'Stopped' | 'Completed' | 'Failed';

/**
 * The scheduler's view of one trial. Plain JSON; stored one item per trial, so a trial's
 * state must stay small (a few KB at most).
 */
export interface TrialState {
  readonly trialId: number;
  readonly config: Configuration;
  readonly bracket: number;
  readonly status: TrialStatus;
  /** The milestone of the job currently running or last run. */
  readonly milestone: number;
  /** Objective per milestone reached (null when the job produced none). Keys are milestones. */
  readonly results: Readonly<Record<string, number | null>>;
  /** Milestones from which this trial has been promoted (a promotion is claimed once). */
  readonly promotedFrom: readonly number[];
}

/**
 * The complete scheduler state: plain JSON that survives `JSON.parse(JSON.stringify(s))`.
 * `global` must stay O(1) in the number of trials (O(brackets x rungs) at most): it is stored
 * in the run's item, while `trials` are stored one item each.
 */
export interface SchedulerState {
  readonly settings: SchedulerSettings;
  readonly global: Readonly<Record<string, unknown>> & {
    readonly jobsStarted: number;
    readonly nextTrialId: number;
  };
  readonly trials: Readonly<Record<string, TrialState>>;
  /**
   * ASHA and asynchronous Hyperband only: the rungs of the recorded results, kept in order
   * (`schedulers/rung-index.ts`). When present, `trials` may hold only the trials loaded for this
   * step (those with a job in flight, those told now, the ones about to be resumed): the index
   * stands for the others. Read only; never serialised.
   */
  readonly rungIndex?: RungIndex;
}

/** Proposes the configuration of a new trial, or null when no more are available. */
export type Propose = (trialId: number) => Configuration | null;

export interface AskOptions {
  /** Free parallel slots right now (MaxParallelTrainingJobs minus running jobs). */
  readonly slots: number;
  readonly propose: Propose;
}

export interface AskResult {
  readonly state: SchedulerState;
  /** `start`/`resume` decisions (at most `slots`), or exactly one `wait` or `done`. */
  readonly decisions: readonly Decision[];
}

export interface TellResult {
  readonly state: SchedulerState;
  readonly decision: TrialDecision;
  readonly reason: string;
}

/**
 * A scheduler is an ask/tell state machine over plain JSON state. Functions never mutate
 * their inputs; they return the new state.
 */
export interface Scheduler {
  readonly kind: SchedulerKind;
  init(settings: SchedulerSettings): SchedulerState;
  /** Record that the job training `result.trialId` to `result.milestone` ended. Idempotent per (trialId, milestone). */
  tell(state: SchedulerState, result: TrialResult): TellResult;
  /** Decide what to start or resume next. */
  ask(state: SchedulerState, options: AskOptions): AskResult;
}

// ---------------------------------------------------------------------------------------
// The normalized tuning specification (what the core needs from the AMT-style input)
// ---------------------------------------------------------------------------------------

/** Completion criteria (AMT `TuningJobCompletionCriteria` and `ResourceLimits.MaxRuntimeInSeconds`). */
export interface CompletionCriteria {
  /** Stop starting jobs once the objective reaches this value (AMT `TargetObjectiveMetricValue`). */
  readonly targetObjectiveValue?: number;
  /** Stop after this many consecutive finished jobs without improving the best objective. */
  readonly maxJobsNotImproving?: number;
  /** Wall-clock cap for the whole run, in seconds. */
  readonly maxRuntimeSeconds?: number;
  /** AMT `ConvergenceDetected.CompleteOnConvergence`. */
  readonly completeOnConvergence?: boolean;
}

/**
 * When a run gives up (the input's `FailureConfig` extension; docs/design.md "Failure
 * semantics"). A value of 0 turns a rule off.
 */
export interface FailurePolicy {
  /** The run fails when its first this-many finished jobs all failed (default 3). */
  readonly maxInitialFailures: number;
  /** The run fails when more than this fraction of its finished jobs failed (default 0.5)... */
  readonly maxFailedFraction: number;
  /** ...once at least this many jobs have finished (default 10). */
  readonly minJobsForFraction: number;
  /**
   * The longest a decided job may wait for capacity (throttling, quota in use by others) while
   * none of the run's jobs runs, before the run fails (default 3600 s).
   */
  readonly maxCapacityWaitSeconds: number;
}

/**
 * What a validated tuning input means to the core. Produced by `core/input`
 * (`parseTuningInput`) from the AMT-style request; everything AWS-specific that the core
 * does not need (role, instance type, channels, ...) stays in the raw input.
 */
export interface TuningSpec {
  /** `HyperParameterTuningJobName`: 1-32 chars. */
  readonly runName: string;
  readonly objective: { readonly type: ObjectiveType; readonly metricName: string };
  readonly space: SearchSpaceSpec;
  readonly sampler: SamplerName;
  readonly scheduler: SchedulerSettings;
  /** The hyperparameter that tells the script how far to train (default `epochs`). */
  readonly resourceHyperParameter: string;
  readonly maxParallelTrainingJobs: number;
  /** `RandomSeed`; undefined means "pick one at Init and record it". */
  readonly seed?: number;
  readonly staticHyperParameters: Readonly<Record<string, string>>;
  readonly completion: CompletionCriteria;
  /**
   * AMT `WarmStartConfig`: runs of this tuner whose results seed the sampler's history (what
   * TPE learns from). Random, Sobol and Grid do not learn from history and ignore them.
   */
  readonly warmStartParents?: readonly string[];
  /**
   * When the run gives up on failing jobs (`FailureConfig`). Absent in runs recorded before it
   * existed: the defaults apply (`failurePolicyOf`).
   */
  readonly failure?: FailurePolicy;
  /**
   * AMT `TrainingJobEarlyStoppingType: Auto` (Random, Grid, Bayesian): running jobs are read
   * after each epoch and stopped by the median stopping rule. Absent: jobs train to the end.
   */
  readonly earlyStopping?: EarlyStoppingSpec;
}

/** How running jobs are stopped early (see `schedulers/early-stopping.ts`). */
export type EarlyStoppingSpec =
  | {
      /** AMT's rule for `TrainingJobEarlyStoppingType: Auto`. */
      readonly rule: 'Median';
      /** The objective metric's `MetricDefinitions` regex: how its values are read from the job's log. */
      readonly metricRegex: string;
    }
  | {
      /**
       * ASHA's stopping variant (`HyperbandStrategyConfig.Mode: Stopping`): every trial is one job
       * trained towards `maxResource`; at each milestone below it, the job goes on only in the top
       * 1/eta of the values recorded there.
       */
      readonly rule: 'ASHA';
      readonly metricRegex: string;
      /** Rung milestones, ascending; the last is `maxResource`. */
      readonly milestones: readonly number[];
      readonly reductionFactor: number;
      /** R: what every job is asked to train (its resource hyperparameter). */
      readonly maxResource: number;
    };
