/**
 * Quality benchmark: every strategy on every problem, over several seeds, with the real
 * orchestrator in virtual time (see `driver.ts`).
 *
 * What is measured per run:
 * - the configuration the tuner reports (Finalize's `BestTrainingJob`, the best objective of
 *   any finished job, as AMT reports it) and its regret: the problem's optimum minus the
 *   configuration's NOISELESS value at R (the tuner only ever sees noisy values);
 * - the same regret along the way (the incumbent after each job ends) against the resource
 *   trained so far and against virtual wall-clock;
 * - budget exactness: training jobs started must equal `MaxNumberOfTrainingJobs`;
 * - resource trained with checkpoint resume (a promotion trains r_{k+1} - r_k) and what the
 *   same jobs would train restarting promoted trials from scratch (r_{k+1});
 * - orchestration cost: ticks, state transitions, Lambda invocations (see `driver.ts`).
 */
import type { Objective } from '../lambda/adapters/local/simulated-backend';
import type { StrategyName, TuningInput } from '../core/input';
import { parseTrainingJobName } from '../core/orchestrator/naming';
import type { JobRecord } from '../core/orchestrator/records';
import { beatsBest } from '../core/orchestrator/results';
import type { Configuration, HyperbandMode, SamplerName, SearchSpaceSpec } from '../core/ports';
import { bestTrial } from '../core/schedulers';
import { parseConfiguration } from '../core/space';
import { toTuningSpec } from '../core/input';
import { MAX_TRAINING_JOBS } from '../core/input/input-model';
import { planRun } from '../core/plan';
import { BENCH_JOB_PREFIX, USD_PER_STATE_TRANSITION, runVirtual, type OrchestrationCounts } from './driver';
import { JOB_STARTUP_SECONDS, PROBLEMS, regretOf, type BenchProblem } from './objectives';
import { median, summarize, type Summary } from './stats';

/** One way of tuning: an AMT `Strategy`, optionally with a `Sampler` and a Hyperband `Mode`. */
export interface StrategyDef {
  /** Short id for JSON keys. */
  readonly id: string;
  /** Column label. */
  readonly label: string;
  readonly strategy: StrategyName;
  readonly sampler?: SamplerName;
  readonly mode?: HyperbandMode;
}

/** The strategies compared, in table order. */
export const STRATEGIES: readonly StrategyDef[] = [
  { id: 'random', label: 'Random', strategy: 'Random' },
  { id: 'sobol', label: 'Sobol', strategy: 'Random', sampler: 'Sobol' },
  { id: 'bayesian', label: 'Bayesian (TPE)', strategy: 'Bayesian', sampler: 'TPE' },
  { id: 'asha', label: 'ASHA', strategy: 'ASHA', sampler: 'Random' },
  { id: 'hyperband-sync', label: 'Hyperband sync', strategy: 'Hyperband', mode: 'Synchronous', sampler: 'Random' },
  { id: 'hyperband-async', label: 'Hyperband async', strategy: 'Hyperband', mode: 'Asynchronous', sampler: 'Random' },
  { id: 'hyperband-tpe', label: 'Hyperband sync + TPE', strategy: 'Hyperband', mode: 'Synchronous', sampler: 'TPE' },
];

/** Whether a strategy trains trials at several resource levels (Hyperband, ASHA). */
export function isMultiFidelity(def: StrategyDef): boolean {
  return def.strategy === 'Hyperband' || def.strategy === 'ASHA';
}

/** The tuning input of one run: what a user would paste into the Step Functions console. */
export function benchInput(problem: BenchProblem, def: StrategyDef, seed: number, budget: number, maxParallel: number): TuningInput {
  const { minResource, maxResource, eta } = problem.fidelity;
  const multiFidelity = isMultiFidelity(def);
  const config: Record<string, unknown> = {
    Strategy: def.strategy,
    HyperParameterTuningJobObjective: { Type: problem.objectiveType, MetricName: problem.metricName },
    ResourceLimits: { MaxNumberOfTrainingJobs: budget, MaxParallelTrainingJobs: maxParallel },
    ParameterRanges: problem.ranges,
    RandomSeed: seed,
    TrainingJobEarlyStoppingType: 'Off',
    ...(def.sampler === undefined ? {} : { Sampler: def.sampler }),
    ...(multiFidelity
      ? {
          StrategyConfig: {
            HyperbandStrategyConfig: {
              MinResource: minResource,
              MaxResource: maxResource,
              ReductionFactor: eta,
              ...(def.mode === undefined ? {} : { Mode: def.mode }),
            },
          },
        }
      : {}),
  };
  return {
    HyperParameterTuningJobName: `bench-${problem.id}-${def.id}-${seed}`.slice(0, 32).replace(/-+$/, ''),
    HyperParameterTuningJobConfig: config,
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311',
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: problem.metricName, Regex: `${problem.metricName}=([-+0-9.eE]+)` }],
      },
      RoleArn: 'arn:aws:iam::123456789012:role/SageMakerTrainingRole',
      // FIFO strategies train every trial to R through a static hyperparameter; Hyperband and
      // ASHA set `epochs` per job themselves.
      StaticHyperParameters: multiFidelity ? { dataset: 'synthetic' } : { dataset: 'synthetic', epochs: String(maxResource) },
      OutputDataConfig: { S3OutputPath: 's3://bench/output' },
      ResourceConfig: { InstanceType: 'ml.g4dn.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
    },
  } as unknown as TuningInput;
}

/**
 * The simulated training script of a problem: a job trained to `epochs` reports the
 * problem's observed metric there and takes `JOB_STARTUP_SECONDS` plus the epochs it
 * actually trains. A promoted trial resumes from its checkpoint (the last milestone it
 * reached), so it trains only the missing epochs: the closure remembers each trial's
 * checkpoint, as S3 would.
 */
export function benchObjective(problem: BenchProblem, input: TuningInput, noiseSeed: number): Objective {
  const space = toTuningSpec(input).space;
  const checkpoints = new Map<number, number>();
  return (hyperParameters, jobName) => {
    const parsed = parseTrainingJobName(BENCH_JOB_PREFIX, jobName);
    if (parsed === undefined) throw new Error(`not a benchmark job name: ${jobName}`);
    const epochs = Number(hyperParameters.epochs);
    if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`job ${jobName} has no valid epochs: ${hyperParameters.epochs}`);
    const from = checkpoints.get(parsed.trialId) ?? 0;
    checkpoints.set(parsed.trialId, epochs);
    const config = parseConfiguration(space, hyperParameters);
    const value = problem.observe(config, epochs, noiseSeed);
    const seconds = JOB_STARTUP_SECONDS + (epochs - from) * problem.secondsPerEpoch(config);
    return { kind: 'completed', metrics: { [problem.metricName]: value }, seconds };
  };
}

/** One point of an anytime curve: the incumbent's regret after a job ended. */
export interface CurvePoint {
  /** Resource trained by the jobs finished so far (epochs, with resume). */
  readonly resource: number;
  /** Virtual seconds since the run started. */
  readonly seconds: number;
  readonly regret: number;
}

/** The measurements of one run. */
export interface RunMetrics {
  readonly seed: number;
  readonly budget: number;
  /** `counters.jobsStarted` of the run record. */
  readonly jobsStarted: number;
  /** Jobs the simulated SageMaker created. */
  readonly jobsCreated: number;
  /** Both equal the budget. */
  readonly budgetExact: boolean;
  readonly trials: number;
  /** Regret of the reported best configuration (Finalize's `BestTrainingJob`). */
  readonly finalRegret: number;
  /** Milestone at which the reported best job was trained. */
  readonly bestMilestone: number;
  /** Hyperband/ASHA: the reported best job trained less than R (a lower-rung result won). */
  readonly bestBelowR: boolean;
  /** Regret of the best trial ranked at its highest milestone (`bestTrial`, leaderboard view). */
  readonly topRungRegret: number;
  /** Epochs trained, promotions resuming from checkpoints. */
  readonly resourceWithResume: number;
  /** Epochs the same jobs would train restarting every promoted trial from scratch. */
  readonly resourceFromScratch: number;
  /** Virtual wall-clock of the run (seconds). */
  readonly wallClockSeconds: number;
  /** Billable seconds SageMaker would charge (sum over jobs, start-up included). */
  readonly billableSeconds: number;
  readonly counts: OrchestrationCounts;
  /** Anytime curve (kept in memory for checkpoint tables; not written to JSON). */
  readonly curve: readonly CurvePoint[];
}

/** The tunable configuration a job trained (parsed back from its hyperparameters). */
function configOfJob(space: SearchSpaceSpec, job: Pick<JobRecord, 'hyperParameters'>): Configuration {
  return parseConfiguration(space, job.hyperParameters);
}

/**
 * The epochs a job trains up to: its `epochs` hyperparameter (set per job by Hyperband/ASHA,
 * where it equals the milestone; static R for FIFO strategies, whose milestone is 1).
 */
function epochsOf(job: Pick<JobRecord, 'hyperParameters' | 'jobName'>): number {
  const epochs = Number(job.hyperParameters.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new Error(`${job.jobName} has no valid epochs hyperparameter`);
  return epochs;
}

/** One run of the quality benchmark: plain JSON, so a worker process can run it. */
export interface RunTask {
  readonly problem: string;
  readonly strategy: string;
  readonly seed: number;
  /** `MaxNumberOfTrainingJobs`. */
  readonly budget: number;
  /** `MaxParallelTrainingJobs`. */
  readonly maxParallel: number;
}

/** Look a problem up by id in `problems`. */
export function problemById(id: string, problems: readonly BenchProblem[] = PROBLEMS): BenchProblem {
  const problem = problems.find((p) => p.id === id);
  if (problem === undefined) throw new Error(`unknown problem ${id}`);
  return problem;
}

/** Look a strategy up by id. */
export function strategyById(id: string): StrategyDef {
  const def = STRATEGIES.find((s) => s.id === id);
  if (def === undefined) throw new Error(`unknown strategy ${id}`);
  return def;
}

/** Run one (problem, strategy, seed, budget) and measure it; the problem is looked up in `problems`. */
export async function runOne(task: RunTask, problems: readonly BenchProblem[] = PROBLEMS): Promise<RunMetrics> {
  const problem = problemById(task.problem, problems);
  const def = strategyById(task.strategy);
  const { seed, budget } = task;
  const input = benchInput(problem, def, seed, budget, task.maxParallel);
  const space = toTuningSpec(input).space;
  const result = await runVirtual(input, benchObjective(problem, input, 1_000_000 + seed));
  const jobs = [...result.jobs].sort((a, b) => (a.endedAt ?? '').localeCompare(b.endedAt ?? '') || a.jobName.localeCompare(b.jobName));
  const type = problem.objectiveType;

  // Anytime curve: replay the jobs in the order the tuner was told about them.
  const curve: CurvePoint[] = [];
  let resource = 0;
  let incumbent: { objective: number; job: JobRecord } | undefined;
  let incumbentRegret = NaN;
  for (const job of jobs) {
    if (job.status !== 'Completed' || job.endedAt === undefined) throw new Error(`${job.jobName} ended ${job.status} in a benchmark without failures`);
    resource += epochsOf(job) - job.fromMilestone;
    const objective = job.objective;
    if (objective !== null && objective !== undefined && beatsBest({ objective, milestone: job.milestone }, incumbent === undefined ? undefined : { objective: incumbent.objective, milestone: incumbent.job.milestone }, type)) {
      incumbent = { objective, job };
      incumbentRegret = regretOf(problem, configOfJob(space, job));
    }
    curve.push({ resource, seconds: (Date.parse(job.endedAt) - result.startMs) / 1000, regret: incumbentRegret });
  }
  const reported = result.outcome.BestTrainingJob;
  if (reported === undefined || incumbent === undefined) throw new Error(`${input.HyperParameterTuningJobName}: no best training job`);
  if (reported.TrainingJobName !== incumbent.job.jobName) {
    throw new Error(`${input.HyperParameterTuningJobName}: replay found ${incumbent.job.jobName}, Finalize reported ${reported.TrainingJobName}`);
  }
  const top = bestTrial(result.scheduler);
  if (top === undefined) throw new Error(`${input.HyperParameterTuningJobName}: no best trial`);

  const jobsStarted = result.run.counters.jobsStarted;
  const jobsCreated = result.createdJobs.length;
  const last = curve[curve.length - 1];
  return {
    seed,
    budget,
    jobsStarted,
    jobsCreated,
    budgetExact: jobsStarted === budget && jobsCreated === budget && result.jobs.length === budget,
    trials: result.scheduler.global.nextTrialId,
    finalRegret: incumbentRegret,
    bestMilestone: reported.Resource,
    bestBelowR: isMultiFidelity(def) && reported.Resource < problem.fidelity.maxResource,
    topRungRegret: regretOf(problem, top.trial.config),
    resourceWithResume: resource,
    resourceFromScratch: jobs.reduce((sum, j) => sum + epochsOf(j), 0),
    wallClockSeconds: last.seconds,
    billableSeconds: result.run.counters.billableSeconds,
    counts: result.counts,
    curve,
  };
}

/** The incumbent's regret once `limit` is reached on `axis`, or the final regret if the run ended before; NaN before any job ended. */
export function regretAt(curve: readonly CurvePoint[], axis: 'resource' | 'seconds', limit: number): number {
  let regret = NaN;
  for (const point of curve) {
    if (point[axis] > limit) break;
    regret = point.regret;
  }
  return regret;
}

/** A regret summary at one point of an axis. */
export interface CheckpointSummary {
  /** Fraction of the reference (Random's resource J x R, or Random's median wall-clock). */
  readonly fraction: number;
  /** The point on the axis (epochs or seconds). */
  readonly at: number;
  /** Median regret over the seeds that had a finished job by then (null when none had). */
  readonly medianRegret: number | null;
  /** Mean regret over the same seeds (null when none had). */
  readonly meanRegret: number | null;
  /** Seeds whose run had ended before this point (their final regret counts). */
  readonly endedBefore: number;
  /** Seeds without any finished job by this point (left out). */
  readonly noResultYet: number;
}

function checkpoint(runs: readonly RunMetrics[], axis: 'resource' | 'seconds', fraction: number, at: number): CheckpointSummary {
  const values = runs.map((r) => regretAt(r.curve, axis, at)).filter((v) => !Number.isNaN(v));
  const total = (r: RunMetrics) => (axis === 'resource' ? r.resourceWithResume : r.wallClockSeconds);
  return {
    fraction,
    at,
    medianRegret: values.length === 0 ? null : median(values),
    meanRegret: values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length,
    endedBefore: runs.filter((r) => total(r) < at).length,
    noResultYet: runs.length - values.length,
  };
}

/** One (problem, strategy) cell over all seeds. */
export interface CellResult {
  readonly problem: string;
  readonly strategy: string;
  readonly label: string;
  readonly budget: number;
  readonly seeds: number;
  /** "yes" when every run started exactly `budget` training jobs. */
  readonly budgetExact: 'yes' | 'no';
  readonly finalRegret: Summary;
  readonly topRungRegret: Summary;
  /** Runs whose reported best job was trained to less than R (Hyperband/ASHA only). */
  readonly bestBelowR: number;
  /** Seeds (paired by seed number) where this strategy's final regret is below Random's. */
  readonly winsVsRandom: number;
  /** Seeds where it is above Random's. */
  readonly lossesVsRandom: number;
  readonly trials: Summary;
  readonly resourceWithResume: Summary;
  readonly resourceFromScratch: Summary;
  /** 1 - with / from scratch, of the means. */
  readonly resumeSavedFraction: number;
  readonly wallClockHours: Summary;
  readonly billableHours: Summary;
  readonly ticks: Summary;
  readonly stateTransitions: Summary;
  readonly stateTransitionsPerJob: number;
  /** Mean USD of state transitions per run. */
  readonly usdTransitionsPerRun: number;
  readonly lambdaInvocationsPerJob: number;
  readonly regretAtResource: readonly CheckpointSummary[];
  readonly regretAtWallClock: readonly CheckpointSummary[];
  /** Anytime curves for plots (JSON only): median regret at {@link CURVE_FRACTIONS} of each reference (null: no result yet). */
  readonly anytime: {
    readonly fractions: readonly number[];
    readonly medianRegretByResource: readonly (number | null)[];
    readonly medianRegretByWallClock: readonly (number | null)[];
  };
  /** Per-seed numbers (without curves). */
  readonly runs: readonly Omit<RunMetrics, 'curve'>[];
}

/** Fractions of Random's resource (J x R) at which anytime regret is reported. */
export const RESOURCE_FRACTIONS: readonly number[] = [0.1, 0.25, 0.5, 1];
/** Fractions of Random's median wall-clock at which anytime regret is reported. */
export const WALL_CLOCK_FRACTIONS: readonly number[] = [0.25, 0.5, 1];
/** Fractions of the references at which the JSON's anytime curves are sampled: 5%, 10%, ..., 150%. */
export const CURVE_FRACTIONS: readonly number[] = Array.from({ length: 30 }, (_, i) => (i + 1) / 20);

/** How the job budget is set for the strategies of a scenario. */
export type ScenarioId = 'equal-jobs' | 'equal-resource';

/** Results of one problem in one scenario: every strategy's cell. */
export interface ProblemResult {
  readonly problem: string;
  readonly scenario: ScenarioId;
  readonly title: string;
  readonly objectiveType: string;
  readonly optimum: number;
  /** Budget of the FIFO strategies (J); Random trains J x R epochs. */
  readonly fifoBudget: number;
  /** Budget of the multi-fidelity strategies in this scenario. */
  readonly multiFidelityBudget: number;
  readonly maxParallel: number;
  readonly fidelity: BenchProblem['fidelity'];
  /** Random's median wall-clock: the reference of `regretAtWallClock`. */
  readonly referenceWallClockSeconds: number;
  readonly cells: readonly CellResult[];
}

/**
 * Summarize the runs of one problem (every strategy, every seed) into cells. `random` must
 * hold Random's runs (the reference for wins and for the wall-clock checkpoints).
 */
export function summarizeProblem(
  problem: BenchProblem,
  scenario: ScenarioId,
  multiFidelityBudget: number,
  maxParallel: number,
  runsByStrategy: ReadonlyMap<string, readonly RunMetrics[]>,
): ProblemResult {
  const randomRuns = runsByStrategy.get('random');
  if (randomRuns === undefined || randomRuns.length === 0) throw new Error(`${problem.id}: no Random runs to compare with`);
  const referenceWallClockSeconds = median(randomRuns.map((r) => r.wallClockSeconds));
  const fullResource = problem.jobBudget * problem.fidelity.maxResource;
  const randomBySeed = new Map(randomRuns.map((r) => [r.seed, r.finalRegret]));
  const cells = [...runsByStrategy.entries()].map(([id, runs]): CellResult => {
    const def = strategyById(id);
    const s = (f: (r: RunMetrics) => number) => summarize(runs.map(f));
    const withResume = s((r) => r.resourceWithResume);
    const fromScratch = s((r) => r.resourceFromScratch);
    const transitions = s((r) => r.counts.stateTransitions);
    const jobs = runs.reduce((a, r) => a + r.jobsStarted, 0);
    const paired = runs.filter((r) => randomBySeed.has(r.seed));
    const budgets = [...new Set(runs.map((r) => r.budget))];
    if (budgets.length !== 1) throw new Error(`${problem.id}/${id}: runs with different budgets ${budgets.join(', ')}`);
    return {
      problem: problem.id,
      strategy: def.id,
      label: def.label,
      budget: budgets[0],
      seeds: runs.length,
      budgetExact: runs.every((r) => r.budgetExact) ? 'yes' : 'no',
      finalRegret: s((r) => r.finalRegret),
      topRungRegret: s((r) => r.topRungRegret),
      bestBelowR: runs.filter((r) => r.bestBelowR).length,
      winsVsRandom: paired.filter((r) => r.finalRegret < (randomBySeed.get(r.seed) ?? NaN)).length,
      lossesVsRandom: paired.filter((r) => r.finalRegret > (randomBySeed.get(r.seed) ?? NaN)).length,
      trials: s((r) => r.trials),
      resourceWithResume: withResume,
      resourceFromScratch: fromScratch,
      resumeSavedFraction: 1 - withResume.mean / fromScratch.mean,
      wallClockHours: s((r) => r.wallClockSeconds / 3600),
      billableHours: s((r) => r.billableSeconds / 3600),
      ticks: s((r) => r.counts.ticks),
      stateTransitions: transitions,
      stateTransitionsPerJob: runs.reduce((a, r) => a + r.counts.stateTransitions, 0) / jobs,
      usdTransitionsPerRun: transitions.mean * USD_PER_STATE_TRANSITION,
      lambdaInvocationsPerJob: runs.reduce((a, r) => a + r.counts.lambdaInvocations, 0) / jobs,
      regretAtResource: RESOURCE_FRACTIONS.map((f) => checkpoint(runs, 'resource', f, f * fullResource)),
      regretAtWallClock: WALL_CLOCK_FRACTIONS.map((f) => checkpoint(runs, 'seconds', f, f * referenceWallClockSeconds)),
      anytime: {
        fractions: CURVE_FRACTIONS,
        medianRegretByResource: CURVE_FRACTIONS.map((f) => checkpoint(runs, 'resource', f, f * fullResource).medianRegret),
        medianRegretByWallClock: CURVE_FRACTIONS.map((f) => checkpoint(runs, 'seconds', f, f * referenceWallClockSeconds).medianRegret),
      },
      runs: runs.map(({ curve: _curve, ...rest }) => rest),
    };
  });
  return {
    problem: problem.id,
    scenario,
    title: problem.title,
    objectiveType: problem.objectiveType,
    optimum: problem.optimum,
    fifoBudget: problem.jobBudget,
    multiFidelityBudget,
    maxParallel,
    fidelity: problem.fidelity,
    referenceWallClockSeconds,
    cells,
  };
}

/**
 * The job budget at which synchronous Hyperband trains as many epochs as Random does with
 * the problem's budget (J x R): the smallest budget whose exact plan (`planRun`, the same
 * scheduler code) reaches J x R, at most AMT's 750.
 */
export function equalResourceBudget(problem: BenchProblem, maxParallel: number): number {
  const target = problem.jobBudget * problem.fidelity.maxResource;
  const resourceAt = (budget: number): number =>
    planRun(
      {
        kind: 'Hyperband',
        mode: 'Synchronous',
        minResource: problem.fidelity.minResource,
        maxResource: problem.fidelity.maxResource,
        reductionFactor: problem.fidelity.eta,
        maxTrainingJobs: budget,
        objectiveType: problem.objectiveType,
      },
      { maxParallelTrainingJobs: maxParallel },
    ).totalResource;
  let lo = problem.jobBudget;
  let hi = MAX_TRAINING_JOBS;
  if (resourceAt(hi) < target) return hi;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (resourceAt(mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Options of {@link runQuality}. */
export interface QualityOptions {
  readonly problems: readonly BenchProblem[];
  /** Seeds (each is the run's `RandomSeed`; the noise stream is derived from it). */
  readonly seeds: readonly number[];
  /** `MaxParallelTrainingJobs` of every run. */
  readonly maxParallel: number;
  /** Runs one task (in this process or in a worker). @default runOne */
  readonly run?: (task: RunTask) => Promise<RunMetrics>;
  /** Called after each run (progress). */
  readonly onRun?: (task: RunTask, metrics: RunMetrics) => void;
  /** Also run the equal-resource scenario. @default true */
  readonly equalResource?: boolean;
}

/** Both scenarios, one `ProblemResult` per problem each. */
export interface QualityResults {
  /** Every strategy gets the problem's `jobBudget` (AMT's `MaxNumberOfTrainingJobs`). */
  readonly equalJobs: readonly ProblemResult[];
  /**
   * FIFO strategies keep `jobBudget`; Hyperband/ASHA get the budget at which synchronous
   * Hyperband trains as many epochs as Random (see {@link equalResourceBudget}).
   */
  readonly equalResource: readonly ProblemResult[];
}

/** Run the quality benchmark: every problem x strategy x seed, in both scenarios. */
export async function runQuality(options: QualityOptions): Promise<QualityResults> {
  const run = options.run ?? ((task: RunTask) => runOne(task, options.problems));
  const withEqualResource = options.equalResource ?? true;
  const plans = options.problems.map((problem) => ({
    problem,
    mfBudget: withEqualResource ? equalResourceBudget(problem, options.maxParallel) : problem.jobBudget,
  }));
  const tasks: { problem: BenchProblem; scenario: ScenarioId; task: RunTask }[] = [];
  for (const { problem, mfBudget } of plans) {
    for (const def of STRATEGIES) {
      for (const seed of options.seeds) {
        const base = { problem: problem.id, strategy: def.id, seed, maxParallel: options.maxParallel };
        tasks.push({ problem, scenario: 'equal-jobs', task: { ...base, budget: problem.jobBudget } });
        if (withEqualResource && isMultiFidelity(def)) tasks.push({ problem, scenario: 'equal-resource', task: { ...base, budget: mfBudget } });
      }
    }
  }
  // Longest first, so the workers finish together.
  const order = [...tasks].sort((a, b) => b.task.budget - a.task.budget);
  const metrics = new Map<RunTask, RunMetrics>();
  await Promise.all(
    order.map(async ({ task }) => {
      const m = await run(task);
      metrics.set(task, m);
      options.onRun?.(task, m);
    }),
  );
  const collect = (problem: BenchProblem, scenario: ScenarioId): Map<string, RunMetrics[]> => {
    const byStrategy = new Map<string, RunMetrics[]>();
    for (const def of STRATEGIES) {
      const want: ScenarioId = scenario === 'equal-resource' && isMultiFidelity(def) ? 'equal-resource' : 'equal-jobs';
      const runs = tasks
        .filter((t) => t.problem === problem && t.scenario === want && t.task.strategy === def.id)
        .map((t) => metrics.get(t.task) as RunMetrics);
      byStrategy.set(def.id, runs);
    }
    return byStrategy;
  };
  return {
    equalJobs: plans.map(({ problem }) => summarizeProblem(problem, 'equal-jobs', problem.jobBudget, options.maxParallel, collect(problem, 'equal-jobs'))),
    equalResource: withEqualResource
      ? plans.map(({ problem, mfBudget }) => summarizeProblem(problem, 'equal-resource', mfBudget, options.maxParallel, collect(problem, 'equal-resource')))
      : [],
  };
}
