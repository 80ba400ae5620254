/**
 * Early stopping through the tick (`TrainingJobEarlyStoppingType: Auto`): curves read from the
 * jobs' logs, the median rule applied to running jobs, stopped jobs recorded with their last
 * value, and the bounded summary of finished jobs. Virtual time, in-memory store, simulated
 * backend, a fake log source that prints one line per epoch.
 */
import type { Objective } from '../../../lambda/adapters/local/simulated-backend';
import type { TuningInput } from '../../../core/input';
import { toTuningSpec, validateTuningInput } from '../../../core/input';
import type { LogPage, TrainingLogs } from '../../../core/orchestrator/backend';
import {
  earlyStopDecision,
  MAX_CURVE_POINTS,
  MAX_STATS_EPOCHS,
  MAX_STATS_SAMPLES,
  observeCurves,
  withFinishedCurve,
} from '../../../core/orchestrator/early-stop';
import type { JobRecord, LogCursor } from '../../../core/orchestrator/records';
import { tick, type TickResult } from '../../../core/orchestrator/tick';
import { tuningInput } from '../../helpers/inputs';
import { createWorld, deliverEvents, type World } from '../../helpers/simulated-world';

const EPOCH_SECONDS = 60;
const EPOCHS = 10;

/** Accuracy after epoch e of a job with learning rate lr: a saturating curve whose height is set by lr. */
function accuracyAt(lr: number, epoch: number): number {
  const height = 1 - Math.abs(Math.log10(lr) + 2) / 4; // best at lr = 0.01
  return Math.round(height * (1 - Math.exp(-epoch / 3)) * 1e4) / 1e4;
}

/** Epochs a job trains: its resource hyperparameter (ASHA's stopping variant asks for R), else EPOCHS. */
const epochsOf = (hp: Readonly<Record<string, string>> | undefined): number => (hp?.epochs === undefined ? EPOCHS : Number(hp.epochs));
const objective: Objective = (hp) => ({ kind: 'completed', metrics: { accuracy: accuracyAt(Number(hp.lr), epochsOf(hp)) }, seconds: EPOCH_SECONDS * epochsOf(hp) });

/** Prints `'eval_accuracy': v` once per finished epoch, as a training script does; pages of `pageSize` lines. */
class EpochLogs implements TrainingLogs {
  readonly reads: string[] = [];
  failNext = 0;
  constructor(
    private readonly world: () => World,
    private readonly pageSize = 1000,
  ) {}

  async readLines(jobName: string, cursor: LogCursor | undefined): Promise<LogPage> {
    this.reads.push(jobName);
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw Object.assign(new Error('Rate exceeded'), { name: 'TransientError' });
    }
    const w = this.world();
    const job = await w.backend.describeJob(jobName);
    const start = Date.parse(job?.startedAt ?? '');
    const end = job?.endedAt === undefined ? w.clock.ms : Date.parse(job.endedAt);
    const hp = (await w.store.listJobs(w.runId)).find((j) => j.jobName === jobName)?.hyperParameters;
    const lr = Number(hp?.lr);
    const lines: { t: number; line: string }[] = [];
    for (let e = 1; e <= epochsOf(hp); e++) {
      const t = start + e * EPOCH_SECONDS * 1000;
      if (t > end) break;
      lines.push({ t, line: `epoch ${e}: {'eval_loss': 0.5, 'eval_accuracy': ${accuracyAt(lr, e)}}` }, { t, line: `saved checkpoint ${e}` });
    }
    const after = lines.filter((l) => cursor === undefined || l.t > cursor.afterMs || (l.t === cursor.afterMs && lines.filter((x) => x.t === l.t).indexOf(l) >= cursor.seenAtMs));
    const page = after.slice(0, this.pageSize);
    if (page.length === 0) return { lines: [], cursor: cursor ?? { afterMs: 0, seenAtMs: 0 } };
    const last = page[page.length - 1] as { t: number };
    const sameT = page.filter((l) => l.t === last.t).length + (cursor?.afterMs === last.t ? cursor.seenAtMs : 0);
    return { lines: page.map((l) => l.line), cursor: { afterMs: last.t, seenAtMs: sameT } };
  }
}

function autoInput(options: { maxJobs?: number; maxParallel?: number; regex?: string } = {}): TuningInput {
  const base = tuningInput({ strategy: 'Random', maxJobs: options.maxJobs ?? 16, maxParallel: options.maxParallel ?? 4 }) as unknown as {
    HyperParameterTuningJobConfig: Record<string, unknown>;
    TrainingJobDefinition: { AlgorithmSpecification: Record<string, unknown> };
  };
  base.HyperParameterTuningJobConfig.TrainingJobEarlyStoppingType = 'Auto';
  if (options.regex !== undefined) base.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions = [{ Name: 'accuracy', Regex: options.regex }];
  return base as unknown as TuningInput;
}

/** Ticks every EPOCH_SECONDS (the early-stopping interval) until the run ends. */
async function runWatching(world: World, logs: EpochLogs): Promise<TickResult[]> {
  const deps = { ...world.deps, logs };
  const results: TickResult[] = [];
  for (let i = 0; i < 2000; i++) {
    const result = await tick(deps, world.runId);
    results.push(result);
    if (result.status === 'done') return results;
    world.clock.ms += EPOCH_SECONDS * 1000;
    await deliverEvents(world);
  }
  throw new Error('run did not end');
}

/** A run of `input` ticked to its end while watching; its run and job records. */
async function finishedRun(input: TuningInput) {
  const world = await createWorld(input, objective);
  await runWatching(world, new EpochLogs(() => world));
  return { run: await world.store.getRun(world.runId), jobs: await world.store.listJobs(world.runId) };
}

describe('the spec: Auto becomes the median rule for FIFO strategies with a metric regex', () => {
  it('carries the objective regex', () => {
    expect(toTuningSpec(autoInput()).earlyStopping).toEqual({ rule: 'Median', metricRegex: "'eval_accuracy': ([0-9\\.]+)" });
  });

  it('is absent with Off', () => {
    expect(toTuningSpec(tuningInput({ strategy: 'Random' })).earlyStopping).toBeUndefined();
  });
});

describe('early stopping through the tick', () => {
  it('stops jobs worse than the median, records them as stopped early with their last value, and spends less training time', async () => {
    const { run, jobs } = await finishedRun(autoInput());
    expect(run?.status).toBe('Completed');
    expect(jobs).toHaveLength(16);

    const early = jobs.filter((j) => j.stoppedEarly !== undefined);
    expect(early.length).toBeGreaterThan(0);
    expect(run?.counters.jobsStoppedEarly).toBe(early.length);
    for (const job of early) {
      expect(job.status).toBe('Stopped');
      expect(job.objectiveStatus).toBe('Succeeded');
      // Its objective is the last value it printed: the value at the epoch it was stopped at (or one later).
      const lr = Number(job.hyperParameters.lr);
      expect([accuracyAt(lr, job.stoppedEarly?.epoch ?? 0), accuracyAt(lr, (job.stoppedEarly?.epoch ?? 0) + 1)]).toContain(job.objective);
      expect(job.stoppedEarly?.reason).toMatch(/worse than the median .* running averages up to epoch \d+/);
      expect(job.stoppedEarly?.epoch).toBeGreaterThan(1); // the grace epoch
    }
    // Never the best job: the best trains to the end.
    const best = jobs.find((j) => j.jobName === run?.best?.jobName);
    expect(best?.status).toBe('Completed');
    // Training time: less than every job to the end.
    expect(run?.counters.billableSeconds).toBeLessThan(16 * EPOCHS * EPOCH_SECONDS);
    // Completed jobs read their curve to the end.
    for (const job of jobs.filter((j) => j.status === 'Completed')) expect(job.curve?.length).toBeGreaterThanOrEqual(EPOCHS - 1);
    // The summary holds finished jobs' running averages, per epoch.
    expect(run?.earlyStopping?.byEpoch.length).toBeGreaterThan(1);
  });

  it('the same run with Off trains every job to the end', async () => {
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 16, maxParallel: 4 }), objective);
    const logs = new EpochLogs(() => world);
    await runWatching(world, logs);
    const run = await world.store.getRun(world.runId);
    expect(logs.reads).toEqual([]);
    expect(run?.counters.billableSeconds).toBe(16 * EPOCHS * EPOCH_SECONDS);
    expect(run?.counters.jobsStoppedEarly).toBeUndefined();
  });

  it('a log that cannot be read is a note, not a failure; the job is read again next tick', async () => {
    const world = await createWorld(autoInput({ maxJobs: 4, maxParallel: 4 }), objective);
    const logs = new EpochLogs(() => world);
    const deps = { ...world.deps, logs };
    await tick(deps, world.runId);
    world.clock.ms += 2 * EPOCH_SECONDS * 1000;
    logs.failNext = 1;
    const result = await tick(deps, world.runId);
    expect(result.notes.some((n) => /early stopping: could not read the log of .* \(TransientError: Rate exceeded\); trying again next tick/.test(n))).toBe(true);
    expect(result.watching).toBe(true);
    const jobs = await world.store.listJobs(world.runId);
    expect(jobs.filter((j) => j.curve === undefined)).toHaveLength(1);
    expect(jobs.filter((j) => j.curve?.length === 2)).toHaveLength(3);
    await tick(deps, world.runId);
    expect((await world.store.listJobs(world.runId)).every((j) => j.curve?.length === 2)).toBe(true);
  });

  it('reads a long log page by page, without reading a line twice', async () => {
    const world = await createWorld(autoInput({ maxJobs: 1, maxParallel: 1 }), objective);
    const logs = new EpochLogs(() => world, 3);
    const deps = { ...world.deps, logs };
    await tick(deps, world.runId);
    world.clock.ms += 4 * EPOCH_SECONDS * 1000;
    await tick(deps, world.runId);
    const [job] = await world.store.listJobs(world.runId);
    expect(job?.curve).toEqual([1, 2, 3, 4].map((e) => accuracyAt(Number(job?.hyperParameters.lr), e)));
    world.clock.ms += 1 * EPOCH_SECONDS * 1000;
    await tick(deps, world.runId);
    expect((await world.store.listJobs(world.runId))[0]?.curve).toHaveLength(5);
  });

  it('a marked job that is still running is stopped again by the next tick (a lost stop)', async () => {
    const world = await createWorld(autoInput({ maxJobs: 1, maxParallel: 1 }), objective);
    const logs = new EpochLogs(() => world);
    await tick({ ...world.deps, logs }, world.runId);
    const [job] = await world.store.listJobs(world.runId);
    await world.store.updateJob(world.runId, job?.jobName as string, { stoppedEarly: { epoch: 2, reason: 'test', at: new Date(world.clock.ms).toISOString() } });
    const result = await tick({ ...world.deps, logs }, world.runId);
    expect(result.notes).toContain(`stop ${job?.jobName} (early): stopping`);
  });
});

describe('ASHA\'s stopping variant (HyperbandStrategyConfig.Mode Stopping)', () => {
  function stoppingInput(): TuningInput {
    const base = tuningInput({ strategy: 'ASHA', maxJobs: 16, maxParallel: 4, minResource: 1, maxResource: 9, eta: 3 }) as unknown as {
      HyperParameterTuningJobConfig: { StrategyConfig: { HyperbandStrategyConfig: Record<string, unknown> } };
    };
    base.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig.Mode = 'Stopping';
    return base as unknown as TuningInput;
  }

  it('is one job per trial, asked to train to R, with the rungs of the one bracket', () => {
    const spec = toTuningSpec(stoppingInput());
    expect(spec.scheduler.kind).toBe('FIFO');
    expect(spec.earlyStopping).toEqual({ rule: 'ASHA', metricRegex: "'eval_accuracy': ([0-9\\.]+)", milestones: [1, 3, 9], reductionFactor: 3, maxResource: 9 });
  });

  it('stops jobs at rung milestones outside the top 1/eta, never between them, and trains the rest to R', async () => {
    const { run, jobs } = await finishedRun(stoppingInput());
    expect(run?.status).toBe('Completed');
    expect(jobs).toHaveLength(16);
    for (const job of jobs) expect(job.hyperParameters.epochs).toBe('9');
    const early = jobs.filter((j) => j.stoppedEarly !== undefined);
    expect(early.length).toBeGreaterThan(4);
    for (const job of early) {
      expect([1, 3]).toContain(job.stoppedEarly?.epoch);
      expect(job.stoppedEarly?.reason).toMatch(/^rank \d+ of \d+ at rung [01] \(r=[13]\), outside the top \d+$/);
      expect(job.status).toBe('Stopped');
    }
    const full = jobs.filter((j) => j.status === 'Completed');
    expect(full.length).toBeGreaterThan(0);
    expect(full.every((j) => j.curve?.length === 9)).toBe(true);
    // The summary holds the rung values of finished jobs (never R's).
    expect(Object.keys(run?.earlyStopping?.rungs ?? {}).sort()).toEqual(['1', '3']);
    expect(run?.counters.billableSeconds).toBeLessThan(16 * 9 * EPOCH_SECONDS * 0.8);
  });

  it('is an input error without a regex for the objective, and for other strategies', () => {
    const noRegex = stoppingInput() as unknown as { TrainingJobDefinition: { AlgorithmSpecification: Record<string, unknown> } };
    noRegex.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions = [{ Name: 'loss', Regex: 'loss=([0-9.]+)' }];
    const hb = tuningInput({ strategy: 'Hyperband' }) as unknown as { HyperParameterTuningJobConfig: { StrategyConfig: { HyperbandStrategyConfig: Record<string, unknown> } } };
    hb.HyperParameterTuningJobConfig.StrategyConfig.HyperbandStrategyConfig.Mode = 'Stopping';
    const messages = (input: unknown) => validateTuningInput(input).filter((p) => p.severity === 'error').map((p) => p.message);
    expect(messages(hb)).toContain('invalid Mode "Stopping" for strategy Hyperband: the stopping variant is ASHA\'s; allowed Asynchronous or Synchronous (or use strategy ASHA)');
    expect(messages(stoppingInput())).toEqual([]);
    expect(messages(noRegex)).toContain(
      'invalid Mode "Stopping" without a MetricDefinitions regex for the objective: the stopping variant reads the objective after every epoch from the job\'s log; add the objective to AlgorithmSpecification.MetricDefinitions, or use Mode Asynchronous',
    );
  });
});

describe('the decision and its bounded summary', () => {
  const job = (name: string, curve: number[]): Pick<JobRecord, 'jobName' | 'curve'> => ({ jobName: name, curve });

  it('compares with finished and running jobs that got as far', () => {
    const stats = withFinishedCurve(withFinishedCurve(undefined, [0.5, 0.6, 0.7]), [0.6, 0.7, 0.8]);
    // Finished running averages at epoch 2: 0.55, 0.65; running job r at epoch 2: 0.75 -> median 0.65.
    const running = [job('r', [0.7, 0.8]), job('short', [0.9])];
    expect(earlyStopDecision(job('me', [0.5, 0.6]), stats, running, 'Maximize')).toMatchObject({ decision: 'STOP' });
    expect(earlyStopDecision(job('me', [0.5, 0.7]), stats, running, 'Maximize')).toMatchObject({ decision: 'CONTINUE' });
    // Minimize flips it.
    expect(earlyStopDecision(job('me', [0.5, 0.6]), stats, running, 'Minimize')).toMatchObject({ decision: 'CONTINUE' });
  });

  it('keeps at most MAX_STATS_SAMPLES values for at most MAX_STATS_EPOCHS epochs', () => {
    let stats = withFinishedCurve(undefined, []);
    const long = Array.from({ length: MAX_STATS_EPOCHS + 50 }, (_, i) => i);
    for (let i = 0; i < MAX_STATS_SAMPLES + 20; i++) stats = withFinishedCurve(stats, long);
    expect(stats.byEpoch).toHaveLength(MAX_STATS_EPOCHS);
    expect(Math.max(...stats.byEpoch.map((s) => s.length))).toBe(MAX_STATS_SAMPLES);
  });

  it('stops reading a curve at MAX_CURVE_POINTS', async () => {
    const logs: TrainingLogs = {
      readLines: async (_name, cursor) => ({
        lines: Array.from({ length: 400 }, (_, i) => `'eval_accuracy': ${i / 1000}`),
        cursor: { afterMs: (cursor?.afterMs ?? 0) + 1, seenAtMs: 1 },
      }),
    };
    const running = { jobName: 'j', status: 'InProgress', curve: [] } as unknown as JobRecord;
    const observed = await observeCurves(logs, { rule: 'Median', metricRegex: "'eval_accuracy': ([0-9\\.]+)" }, 'Maximize', [running], undefined, '2026-01-01T00:00:00Z');
    expect(observed.changed[0]?.curve).toHaveLength(MAX_CURVE_POINTS);
  });
});
