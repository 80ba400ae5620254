/**
 * Early stopping from intermediate metrics, simulated on the real-training problems with the
 * core's pure decision functions (`core/schedulers/early-stopping.ts`) and samplers:
 * what `TrainingJobEarlyStoppingType: Auto` (AMT's median rule) would do for Random and
 * Bayesian, and what the stopping variant of ASHA would do for scripts that cannot checkpoint.
 *
 * The orchestrator runs both (`orchestrator/early-stop.ts`: curves read from the jobs' logs, see
 * docs/design.md); this simulation drives the same decision functions directly, without the
 * orchestrator's log reading and tick cadence (a stop lands at the epoch it is decided): every trial is
 * one job that trains epoch after epoch (`service.ts`, the same model code), reports its
 * validation accuracy after each epoch, and is stopped when the rule says so; `PARALLEL_JOBS`
 * jobs run at once in virtual time (each job pays `JOB_STARTUP_SECONDS` once, each epoch the
 * problem's cost model), events in time order, ties by worker number. New trials come from the
 * sampler with `rngFor(seed, trialId)`, as in a real run; the sampler's history holds each trial's
 * values at the rung milestones (1, 3, 9, 27) it reached.
 *
 * Budget: `jobs` trials (each one training job, stopped or not: AMT's MaxNumberOfTrainingJobs),
 * or `epochs` epochs (the run is cut there, epochs of running jobs not counted).
 */
import type { Configuration, Observation, SamplerName } from '../../core/ports';
import { rngFor } from '../../core/rng';
import { createSampler } from '../../core/samplers';
import { ashaStoppingRule, ladder, medianStoppingRule, type MetricCurve } from '../../core/schedulers';
import { toTuningSpec } from '../../core/input';
import { JOB_STARTUP_SECONDS } from '../objectives';
import { PARALLEL_JOBS, jobHyperParameters, realInput } from './ours';
import type { RealProblem } from './problems';
import type { TrainingService } from './service';
import { incumbentCurve, type FinishedUnit, type RunTrace } from './trace';
import { renderConfiguration } from '../../core/space';

/** A stopping method of the simulation. */
export interface StoppingMethod {
  readonly id: string;
  readonly label: string;
  readonly sampler: SamplerName;
  readonly rule: 'median' | 'asha';
  /** `jobs`: the problem's fifoJobs trials; `epochs`: the epoch budget. */
  readonly budget: 'jobs' | 'epochs';
}

interface Running {
  readonly trialId: number;
  readonly config: Configuration;
  readonly hp: Readonly<Record<string, number>>;
  readonly values: (number | null)[];
}

/** Runs one stopping method on one problem and seed. */
export function runStopping(problem: RealProblem, method: StoppingMethod, seed: number, service: TrainingService): RunTrace {
  const input = realInput(problem, { id: method.id, label: method.label, strategy: 'Random' }, seed);
  const spec = toTuningSpec(input);
  const sampler = createSampler(method.sampler, { seed });
  const R = problem.fidelity.maxResource;
  const milestones = ladder(problem.fidelity.minResource, R, problem.fidelity.eta).milestones;
  const statics = { ...input.TrainingJobDefinition.StaticHyperParameters };
  delete statics.epochs;
  const curves: MetricCurve[] = [];
  const history: Observation[] = [];
  const proposed: Configuration[] = [];
  const finished: FinishedUnit[] = [];
  const events: { time: number; worker: number }[] = Array.from({ length: PARALLEL_JOBS }, (_, w) => ({ time: 0, worker: w }));
  const workers: (Running | undefined)[] = new Array(PARALLEL_JOBS).fill(undefined);
  let nextTrial = 0;
  let epochs = 0;
  const maxTrials = method.budget === 'jobs' ? problem.fifoJobs : Infinity;
  const pop = () => {
    events.sort((a, b) => a.time - b.time || a.worker - b.worker);
    return events.shift();
  };
  for (let ev = pop(); ev !== undefined; ev = pop()) {
    const { time, worker } = ev;
    const job = workers[worker];
    if (job === undefined) {
      if (nextTrial >= maxTrials) continue;
      const trialId = nextTrial++;
      const config = sampler.suggest(spec.space, { trialId, proposed, history, objectiveType: 'Maximize' }, rngFor(seed, trialId));
      if (config === null) continue;
      proposed.push(config);
      const hp = jobHyperParameters(problem, { ...statics, ...renderConfiguration(spec.space, config), epochs: String(R) });
      const running: Running = { trialId, config, hp, values: [] };
      workers[worker] = running;
      curves.push({ trialId, values: running.values });
      events.push({ time: time + JOB_STARTUP_SECONDS + problem.secondsPerEpoch(hp), worker });
      continue;
    }
    const epoch = job.values.length + 1;
    const value = service.metricsAt(problem, job.hp, epoch).eval_accuracy;
    job.values.push(value);
    epochs += 1;
    if (milestones.includes(epoch)) history.push({ trialId: job.trialId, config: job.config, objective: value, resource: epoch });
    const others = curves.filter((c) => c.trialId !== job.trialId);
    const decision =
      epoch >= R
        ? 'STOP'
        : method.rule === 'median'
          ? medianStoppingRule({ trialId: job.trialId, values: job.values }, others, 'Maximize').decision
          : ashaStoppingRule({ trialId: job.trialId, values: job.values }, others, milestones, problem.fidelity.eta, 'Maximize').decision;
    if (decision === 'STOP') {
      finished.push({ epochs, seconds: time, trialId: job.trialId, milestone: epoch, objective: value, hp: job.hp });
      workers[worker] = undefined;
      events.push({ time, worker });
    } else {
      events.push({ time: time + problem.secondsPerEpoch(job.hp), worker });
    }
    if (method.budget === 'epochs' && epochs >= problem.epochBudget) break;
  }
  return {
    method: method.id,
    problem: problem.id,
    seed,
    budget: problem.epochBudget,
    totalEpochs: epochs,
    jobs: nextTrial,
    trials: nextTrial,
    curve: incumbentCurve(finished),
  };
}
