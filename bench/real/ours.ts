/**
 * One run of this tuner on a real-training problem: the real orchestrator (`initRun`, `tick`,
 * `recordJobEvent`) with the in-memory store and the simulated SageMaker backend in virtual
 * time, as `bench/driver.ts` drives it, except that each training job trains the problem's model
 * for real (`service.ts`) and the run is cut once its finished jobs have trained the epoch budget.
 *
 * Budget accounting: a job trains `milestone - fromMilestone` epochs (a promoted trial resumes
 * from its checkpoint; a fresh trial starts at 0; Random and Bayesian jobs train R). Epochs are
 * counted when a job ends, in the order jobs end. The incumbent after k epochs is the run's best
 * among the jobs that ended by then; jobs still running at the cut are not counted (their
 * epochs, nor their results). Random and Bayesian get `fifoJobs` jobs, exactly the budget.
 */
import { SimulatedBackend } from '../../lambda/adapters/local/simulated-backend';
import { InMemoryRunStore } from '../../lambda/adapters/local/in-memory-run-store';
import { formatProblems, toTuningSpec, validateTuningInput, type StrategyName, type TuningInput } from '../../core/input';
import { initRun } from '../../core/orchestrator/init';
import { recordJobEvent } from '../../core/orchestrator/job-event';
import { parseTrainingJobName } from '../../core/orchestrator/naming';
import { tick, type OrchestratorDeps } from '../../core/orchestrator/tick';
import type { TaskWaker } from '../../core/orchestrator/waker';
import type { HyperbandMode, SamplerName } from '../../core/ports';
import { JOB_STARTUP_SECONDS } from '../objectives';
import { parseHyperParameters, type HyperParameterValues } from '../training/job';
import type { RealProblem } from './problems';
import type { TrainingService } from './service';
import { incumbentCurve, type FinishedUnit, type RunTrace } from './trace';

/** One of this tuner's strategies, as a user would configure it. */
export interface OurStrategy {
  readonly id: string;
  readonly label: string;
  readonly strategy: StrategyName;
  readonly sampler?: SamplerName;
  readonly mode?: HyperbandMode;
}

/** Whether a strategy trains at several resource levels. */
export function isMultiFidelity(def: OurStrategy): boolean {
  return def.strategy === 'Hyperband' || def.strategy === 'ASHA';
}

/** `MaxParallelTrainingJobs` of every run (the Optuna peer simulates as many workers). */
export const PARALLEL_JOBS = 4;

/** The tuning input of a run: what a user would write for this problem. */
export function realInput(problem: RealProblem, def: OurStrategy, seed: number): TuningInput {
  const multiFidelity = isMultiFidelity(def);
  const { minResource, maxResource, eta } = problem.fidelity;
  return {
    HyperParameterTuningJobName: `real-${problem.id}-${def.id}-${seed}`.slice(0, 32).replace(/-+$/, ''),
    HyperParameterTuningJobConfig: {
      Strategy: def.strategy,
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: problem.metricName },
      // Hyperband/ASHA get AMT's maximum of jobs: the run is cut at the epoch budget.
      ResourceLimits: { MaxNumberOfTrainingJobs: multiFidelity ? 750 : problem.fifoJobs, MaxParallelTrainingJobs: PARALLEL_JOBS },
      ParameterRanges: problem.ranges,
      RandomSeed: seed,
      TrainingJobEarlyStoppingType: 'Off',
      ...(def.sampler === undefined ? {} : { Sampler: def.sampler }),
      ...(multiFidelity
        ? { StrategyConfig: { HyperbandStrategyConfig: { MinResource: minResource, MaxResource: maxResource, ReductionFactor: eta, ...(def.mode === undefined ? {} : { Mode: def.mode }) } } }
        : {}),
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/hpo-bench-training:latest',
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: problem.metricName, Regex: 'eval_accuracy=([0-9.]+)' }],
      },
      RoleArn: 'arn:aws:iam::123456789012:role/SageMakerTrainingRole',
      StaticHyperParameters: {
        problem: problem.id,
        seed: String(seed),
        ...problem.statics,
        ...(multiFidelity ? {} : { epochs: String(maxResource) }),
      },
      OutputDataConfig: { S3OutputPath: 's3://bench/output' },
      CheckpointConfig: { S3Uri: 's3://bench/checkpoints' },
      ResourceConfig: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 86_400 },
    },
  } as unknown as TuningInput;
}

/** Typed hyperparameters of a job, as the script parses them (without `problem`). */
export function jobHyperParameters(problem: RealProblem, raw: Readonly<Record<string, string>>): HyperParameterValues {
  const rest: Record<string, string> = { ...raw };
  delete rest.problem;
  return parseHyperParameters(problem.model, rest).hp;
}

class CountingWaker implements TaskWaker {
  async wake(): Promise<'woken' | 'expired'> {
    return 'woken';
  }
}

const PREFIX = 'hpo';

/** Runs one strategy on one problem with one seed; returns its trace (see `trace.ts`). */
export async function runOurs(problem: RealProblem, def: OurStrategy, seed: number, service: TrainingService): Promise<RunTrace> {
  const input = realInput(problem, def, seed);
  const problems = validateTuningInput(input);
  if (problems.some((p) => p.severity === 'error')) throw new Error(`invalid benchmark input:\n${formatProblems(problems)}`);
  const startMs = Date.parse('2026-01-01T00:00:00Z');
  const clock = { ms: startMs };
  const checkpoints = new Map<number, number>();
  const jobs = new Map<string, { hp: HyperParameterValues; from: number; to: number; objective: number }>();
  const backend = new SimulatedBackend({
    clock: () => clock.ms,
    objective: (raw, jobName) => {
      const parsed = parseTrainingJobName(PREFIX, jobName);
      if (parsed === undefined) throw new Error(`not a benchmark job name: ${jobName}`);
      const hp = jobHyperParameters(problem, raw);
      const from = checkpoints.get(parsed.trialId) ?? 0;
      checkpoints.set(parsed.trialId, hp.epochs);
      const metrics = service.metricsAt(problem, hp, hp.epochs);
      jobs.set(jobName, { hp, from, to: hp.epochs, objective: metrics.eval_accuracy });
      const seconds = JOB_STARTUP_SECONDS + (hp.epochs - from) * problem.secondsPerEpoch(hp);
      return { kind: 'completed', metrics: { [problem.metricName]: metrics.eval_accuracy }, seconds };
    },
  });
  const store = new InMemoryRunStore();
  const deps: OrchestratorDeps & { waker: TaskWaker } = {
    store,
    backend,
    waker: new CountingWaker(),
    now: () => new Date(clock.ms),
    jobNamePrefix: PREFIX,
    storage: { checkpointBase: 's3://bench/checkpoints', outputBase: 's3://bench/output' },
    reconcileAfterSeconds: 3600,
  };
  const { runId } = await initRun(store, {
    input: input as unknown as Record<string, unknown>,
    spec: toTuningSpec(input),
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:HpoTuner:bench',
    fallbackSeed: 1,
    now: deps.now(),
  });
  const finished: FinishedUnit[] = [];
  let epochs = 0;
  let known = 0;
  for (let ticks = 0; ; ticks++) {
    if (ticks > 100_000) throw new Error(`run ${runId} did not finish`);
    const result = await tick(deps, runId);
    const created = backend.createdJobs();
    for (const name of created.slice(known)) await recordJobEvent(deps, name);
    known = created.length;
    if (result.status === 'done' || epochs >= problem.epochBudget) break;
    const next = backend.nextEndTime();
    if (next === undefined) {
      if (result.retryAfterSeconds > 0) {
        clock.ms += result.retryAfterSeconds * 1000;
        continue;
      }
      throw new Error(`run ${runId} is stuck: nothing runs`);
    }
    clock.ms = Math.max(clock.ms, next);
    for (const name of backend.endedJobs()) {
      await recordJobEvent(deps, name);
      const job = jobs.get(name);
      if (job === undefined) throw new Error(`unknown job ${name}`);
      const parsed = parseTrainingJobName(PREFIX, name);
      epochs += job.to - job.from;
      finished.push({ epochs, seconds: (clock.ms - startMs) / 1000, trialId: parsed?.trialId ?? -1, milestone: job.to, objective: job.objective, hp: job.hp });
    }
  }
  const snapshot = await store.loadSnapshot(runId);
  return {
    method: def.id,
    problem: problem.id,
    seed,
    budget: problem.epochBudget,
    totalEpochs: epochs,
    jobs: finished.length,
    trials: snapshot.scheduler.global.nextTrialId,
    curve: incumbentCurve(finished),
  };
}
