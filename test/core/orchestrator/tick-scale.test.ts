/**
 * Tick work in proportion to what changed (issue 9): a tick reads the run, its active jobs, the
 * working set's trials and the results log entries it has not cached yet; it decides exactly as a
 * tick that loads the whole run.
 */
import { InMemoryRunStore } from '../../../lambda/adapters/local/in-memory-run-store';
import type { Objective } from '../../../lambda/adapters/local/simulated-backend';
import type { ResultEntry, RunStore } from '../../../core/orchestrator/records';
import type { TrialRecord } from '../../../core/orchestrator/records';
import { boundedHistory, cachedTrials, ghostTrials, rememberTrials } from '../../../core/orchestrator/tick-state';
import { tuningInput, type InputOptions } from '../../helpers/inputs';
import { createWorld, runToEnd } from '../../helpers/simulated-world';

const objective: Objective = (hp) => {
  const lr = Number(hp.lr ?? 0.01);
  const epochs = Number(hp.epochs ?? 9);
  const accuracy = 1 - Math.abs(Math.log10(lr) + 2) / 4 + epochs / 100 + (hp.optimizer === 'adam' ? 0.05 : 0) + Number(hp.layers ?? 1) / 1000;
  return { kind: 'completed', metrics: { accuracy }, seconds: 60 * epochs };
};

/** Items each store read returned, by method. */
interface ReadCount {
  items: number;
  calls: Record<string, number>;
}

/** A store that counts what it reads; `legacy` makes every run look recorded before `activeJobs`. */
function countingStore(options: { legacy?: boolean } = {}): { store: InMemoryRunStore; reads: ReadCount } {
  const store = new InMemoryRunStore();
  const reads: ReadCount = { items: 0, calls: {} };
  const count = (method: string, items: number): void => {
    reads.calls[method] = (reads.calls[method] ?? 0) + 1;
    reads.items += items;
  };
  const loadTickView = store.loadTickView.bind(store);
  store.loadTickView = async (runId, known) => {
    const view = await loadTickView(runId, known);
    count('loadTickView', 1 + view.jobs.length);
    if (!options.legacy) return view;
    const { activeJobs: _a, resultCount: _r, failureTally: _f, ...run } = view.run;
    return { ...view, run };
  };
  const getTrials = store.getTrials.bind(store);
  store.getTrials = async (runId, ids) => {
    const trials = await getTrials(runId, ids);
    count('getTrials', trials.length);
    return trials;
  };
  const readResults = store.readResults.bind(store);
  store.readResults = async (runId, from, to) => {
    const results = await readResults(runId, from, to);
    count('readResults', results.length);
    return results;
  };
  const loadSnapshot = store.loadSnapshot.bind(store);
  store.loadSnapshot = async (runId) => {
    const snapshot = await loadSnapshot(runId);
    count('loadSnapshot', 1 + snapshot.trials.length + snapshot.jobs.length);
    return snapshot;
  };
  for (const method of ['listJobs', 'listTrials'] as const) {
    const original = store[method].bind(store) as (runId: string) => Promise<unknown[]>;
    (store as unknown as Record<string, unknown>)[method] = async (runId: string) => {
      const out = await original(runId);
      count(method, out.length);
      return out;
    };
  }
  return { store, reads };
}

async function createdJobsOf(options: InputOptions, legacy: boolean): Promise<{ jobs: string[]; best: unknown; hyperParameters: string[] }> {
  const { store } = countingStore({ legacy });
  const world = await createWorld(tuningInput(options), objective, { store });
  await runToEnd(world);
  const run = await store.getRun(world.runId);
  const jobs = await store.listJobs(world.runId);
  return {
    jobs: world.backend.createdJobs(),
    best: run?.best,
    hyperParameters: jobs.map((j) => `${j.jobName} ${JSON.stringify(j.hyperParameters)}`),
  };
}

describe('an incremental tick decides exactly as a tick that loads the whole run', () => {
  const cases: [string, InputOptions][] = [
    ['ASHA', { strategy: 'ASHA', sampler: 'Random', maxJobs: 120, maxParallel: 4, maxResource: 27 }],
    ['asynchronous Hyperband', { strategy: 'Hyperband', sampler: 'Random', mode: 'Asynchronous', maxJobs: 120, maxParallel: 5, maxResource: 27 }],
    ['synchronous Hyperband', { strategy: 'Hyperband', sampler: 'Random', mode: 'Synchronous', maxJobs: 120, maxParallel: 5, maxResource: 27 }],
    ['ASHA with GP', { strategy: 'ASHA', maxJobs: 24, maxParallel: 3 }],
    ['ASHA with BOHB', { strategy: 'ASHA', sampler: 'BOHB', maxJobs: 60, maxParallel: 4 }],
    ['Bayesian (GP)', { strategy: 'Bayesian', maxJobs: 20, maxParallel: 3 }],
    ['Bayesian with TPE', { strategy: 'Bayesian', sampler: 'TPE', maxJobs: 40, maxParallel: 3 }],
    ['Grid', { strategy: 'Grid', maxJobs: 6, maxParallel: 2 }],
    ['Random', { strategy: 'Random', maxJobs: 40, maxParallel: 4 }],
  ];
  it.each(cases)('%s', async (_name, options) => {
    // Prepare, Act
    const incremental = await createdJobsOf(options, false);
    const whole = await createdJobsOf(options, true);
    // Assess
    expect(incremental.jobs.length).toBe(options.maxJobs);
    expect(incremental.jobs).toEqual(whole.jobs);
    expect(incremental.hyperParameters).toEqual(whole.hyperParameters);
    expect(incremental.best).toEqual(whole.best);
  });
});

describe('what a tick reads', () => {
  it('reads O(active) items on a run with 5,000 finished jobs (Random), and never lists the run', async () => {
    // Prepare
    const { store, reads } = countingStore();
    const world = await createWorld(tuningInput({ strategy: 'Random', maxJobs: 5_010, maxParallel: 10 }), objective, { store });
    const { tick } = await import('../../../core/orchestrator/tick');
    const { deliverEvents } = await import('../../helpers/simulated-world');
    const perTick: number[] = [];
    for (let i = 0; ; i++) {
      const before = reads.items;
      const result = await tick(world.deps, world.runId);
      perTick.push(reads.items - before);
      const counters = (await store.getRun(world.runId))?.counters;
      if ((counters?.jobsCompleted ?? 0) >= 5_000 || i > 20_000) break;
      world.clock.ms = Math.max(world.clock.ms, world.backend.nextEndTime() ?? world.clock.ms);
      await deliverEvents(world);
      expect(result.status).toBe('running');
    }
    // Act: one more tick, with 5,000 jobs finished
    const before = reads.items;
    await tick(world.deps, world.runId);
    // Assess: the run, <= 10 active jobs (twice: reconcile may re-read) and their trials
    expect(reads.items - before).toBeLessThanOrEqual(1 + 10 + 10);
    expect(Math.max(...perTick)).toBeLessThanOrEqual(1 + 10 + 10);
    expect(reads.calls.loadSnapshot ?? 0).toBe(0);
    expect(reads.calls.listJobs ?? 0).toBe(0);
    expect(reads.calls.listTrials ?? 0).toBe(0);
  }, 120_000);

  it('reads only the results log entries appended since the tick before (ASHA)', async () => {
    // Prepare
    const { store, reads } = countingStore();
    const world = await createWorld(tuningInput({ strategy: 'ASHA', sampler: 'Random', maxJobs: 600, maxParallel: 8, maxResource: 27 }), objective, { store });
    const resultsRead: number[] = [];
    const readResults = store.readResults.bind(store);
    store.readResults = async (runId, from, to) => {
      const out = await readResults(runId, from, to);
      resultsRead.push(out.length);
      return out;
    };
    // Act
    await runToEnd(world);
    // Assess: every entry was read once over the whole run (the cache keeps the rest), but those
    // the last tick appended (no tick read them)
    const run = await store.getRun(world.runId);
    const total = resultsRead.reduce((a, b) => a + b, 0);
    expect(total).toBeLessThanOrEqual(run?.resultCount ?? 0);
    expect(total).toBeGreaterThanOrEqual((run?.resultCount ?? 0) - 8);
    expect(run?.resultCount).toBeGreaterThan(500);
    expect(reads.calls.loadSnapshot ?? 0).toBe(0);
    // Trials read per tick: the active jobs' trials and the promotions, never the run's trials.
    expect(world.backend.createdJobs()).toHaveLength(600);
  }, 120_000);

  it('reads a trial item only to resume a trial: the trials it wrote or read are cached (ASHA, 100 parallel)', async () => {
    // Prepare
    const { store } = countingStore();
    let trialItems = 0;
    const getTrials = store.getTrials.bind(store);
    store.getTrials = async (runId, ids) => {
      const out = await getTrials(runId, ids);
      trialItems += out.length;
      return out;
    };
    const world = await createWorld(tuningInput({ strategy: 'ASHA', sampler: 'Random', maxJobs: 400, maxParallel: 100, maxResource: 27 }), objective, { store });
    // Act
    await runToEnd(world);
    // Assess: trial items read over the run: at most one per resumed job (the promotion candidate
    // that no tick had loaded), never the trials of the ~100 jobs in flight on every tick.
    const jobs = await store.listJobs(world.runId);
    const resumes = jobs.filter((j) => j.fromMilestone > 0).length;
    expect(jobs).toHaveLength(400);
    expect(resumes).toBeGreaterThan(20);
    expect(trialItems).toBeGreaterThan(0);
    expect(trialItems).toBeLessThanOrEqual(resumes);
  }, 120_000);

  it('reads the jobs that changed since the tick before, not every active job (ASHA, 100 parallel)', async () => {
    // Jobs of different lengths, so that they end one at a time, as they do in SageMaker.
    const spread: Objective = (hp, context) => {
      const base = objective(hp, context);
      return base.kind === 'completed' ? { ...base, seconds: base.seconds + Math.round(Number(hp.lr ?? 0.01) * 1e5) % 97 } : base;
    };
    const jobReads = async (useKnown: boolean): Promise<{ reads: number; ticks: number; jobs: string[] }> => {
      const { store } = countingStore();
      let reads = 0;
      const loadTickView = store.loadTickView.bind(store);
      store.loadTickView = async (runId, known) => {
        const view = await loadTickView(runId, useKnown ? known : undefined);
        reads += view.jobs.length;
        return view;
      };
      const world = await createWorld(tuningInput({ strategy: 'ASHA', sampler: 'Random', maxJobs: 600, maxParallel: 100, maxResource: 27 }), spread, { store });
      const ticks = await runToEnd(world);
      return { reads, ticks: ticks.length, jobs: world.backend.createdJobs() };
    };
    // Act
    const cached = await jobReads(true);
    const all = await jobReads(false);
    // Assess: the same run; a job is read about twice after each change (created, started,
    // ended), against every active job on every tick without the changed-jobs set
    expect(cached.jobs).toEqual(all.jobs);
    expect(cached.jobs).toHaveLength(600);
    expect(cached.reads).toBeLessThanOrEqual(6 * 600);
    expect(cached.reads * 4).toBeLessThan(all.reads);
  }, 120_000);

  it('serves trials from the cache only while the run is at the tickSeq they were remembered at', async () => {
    // Prepare
    const { store, reads } = countingStore();
    const trial = (trialId: number, status: TrialRecord['status']): TrialRecord =>
      ({ runId: 'r', trialId, config: { lr: trialId }, bracket: 0, status, milestone: 1, results: {}, promotedFrom: [], hyperParameters: {}, createdAt: 'x', updatedAt: 'x' }) as TrialRecord;
    store.getTrials = async (_runId, ids) => {
      reads.items += ids.length;
      return ids.map((id) => trial(id, 'Stopped'));
    };
    rememberTrials(store, 'r', 7, [trial(1, 'Running'), trial(2, 'Running')], [trial(2, 'Paused'), trial(3, 'Running')], new Set([2, 3]));
    // Act, Assess: at tickSeq 7, trials 2 and 3 as committed and only trial 1 read
    const warm = await cachedTrials(store, 'r', 7, [3, 1, 2]);
    expect(warm.map((t) => `${t.trialId} ${t.status}`)).toEqual(['1 Stopped', '2 Paused', '3 Running']);
    expect(reads.items).toBe(1);
    // after anyone else moved the run (tickSeq 8), everything is read again
    const cold = await cachedTrials(store, 'r', 8, [2, 3]);
    expect(cold.map((t) => `${t.trialId} ${t.status}`)).toEqual(['2 Stopped', '3 Stopped']);
    expect(reads.items).toBe(3);
  });

  it('keeps the run record bounded: active jobs at most twice the parallel jobs', async () => {
    const { store } = countingStore();
    const world = await createWorld(tuningInput({ strategy: 'ASHA', sampler: 'Random', maxJobs: 200, maxParallel: 6 }), objective, { store });
    const { tick } = await import('../../../core/orchestrator/tick');
    const { deliverEvents } = await import('../../helpers/simulated-world');
    let maxActive = 0;
    for (let i = 0; i < 2_000; i++) {
      const result = await tick(world.deps, world.runId);
      maxActive = Math.max(maxActive, (await store.getRun(world.runId))?.activeJobs?.length ?? 0);
      if (result.status === 'done') break;
      world.clock.ms = Math.max(world.clock.ms, world.backend.nextEndTime() ?? world.clock.ms);
      await deliverEvents(world);
    }
    expect(maxActive).toBeGreaterThan(0);
    expect(maxActive).toBeLessThanOrEqual(2 * 6);
    expect((await store.getRun(world.runId))?.activeJobs).toEqual([]);
  });
});

describe('ghost trials and the bounded history', () => {
  const entry = (seq: number, trialId: number, milestone: number, objective: number | null): ResultEntry => ({
    seq,
    trialId,
    bracket: 2,
    milestone,
    objective,
    config: { lr: trialId },
  });

  it('rebuilds what the promotion rule reads: results, promotions, and the status at the highest milestone', () => {
    const ghosts = ghostTrials([entry(0, 1, 1, 0.5), entry(1, 2, 1, null), entry(2, 1, 3, 0.6), entry(3, 3, 9, 0.7)], 9);
    expect(ghosts).toEqual([
      { trialId: 1, config: { lr: 1 }, bracket: 2, status: 'Paused', milestone: 3, results: { '1': 0.5, '3': 0.6 }, promotedFrom: [1] },
      { trialId: 2, config: { lr: 2 }, bracket: 2, status: 'Stopped', milestone: 1, results: { '1': null }, promotedFrom: [] },
      { trialId: 3, config: { lr: 3 }, bracket: 2, status: 'Completed', milestone: 9, results: { '9': 0.7 }, promotedFrom: [] },
    ]);
  });

  it('keeps the best and the most recent results of each level, and everything below the bound', () => {
    const results = Array.from({ length: 30 }, (_, i) => entry(i, i, 1, i === 7 ? null : (i * 37) % 30));
    expect(boundedHistory(results, 'Maximize', 20)).toHaveLength(30);
    const bounded = boundedHistory(results, 'Maximize', 5);
    const ids = bounded.map((o) => o.trialId);
    // best 5 by objective (29, 28, 27, 26, 25 → trials whose (i*37)%30 is that), most recent 5 (25..29)
    const best = results.filter((e) => e.objective !== null).sort((a, b) => (b.objective as number) - (a.objective as number)).slice(0, 5).map((e) => e.trialId);
    expect(new Set(ids)).toEqual(new Set([...best, 25, 26, 27, 28, 29]));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });
});

/** Type check: the counting store is a RunStore. */
export const _typecheck: RunStore = countingStore().store;
