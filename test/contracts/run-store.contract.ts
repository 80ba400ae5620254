/**
 * The `RunStore` contract: one suite, run against every adapter (Optuna's `StorageTestCase`
 * over `STORAGE_MODES`). Adapters must pass it through their real I/O path: no mocks.
 */
import type {
  JobObservation,
  JobRecord,
  ResultEntry,
  RunRecord,
  RunStore,
  TickCommit,
  TrialRecord,
} from '../../core/orchestrator/records';
import { ConcurrentTick, JobNotFound, RunAlreadyExists, RunNotFound } from '../../core/orchestrator/errors';
import type { SchedulerState, SchedulerSettings, TuningSpec } from '../../core/ports';
import type { RunStoreFaults } from '../../lambda/adapters/run-store-rules';

/** What a contract test gets from an adapter. */
export interface RunStoreUnderTest {
  readonly store: RunStore;
  cleanup(): Promise<void>;
}

/** Options a contract test may ask the factory for. */
export interface RunStoreFactoryOptions {
  /** Crash / stall hooks between the steps of a tick commit. */
  readonly faults?: RunStoreFaults;
}

/** Creates a fresh, empty store (its own table or maps) for one test. */
export type RunStoreFactory = (options?: RunStoreFactoryOptions) => Promise<RunStoreUnderTest>;

const T0 = '2025-01-02T03:04:05.000Z';
const T1 = '2025-01-02T03:05:00.000Z';
const T2 = '2025-01-02T03:06:00.000Z';

const SETTINGS: SchedulerSettings = {
  kind: 'ASHA',
  mode: 'Asynchronous',
  minResource: 1,
  maxResource: 27,
  reductionFactor: 3,
  maxTrainingJobs: 50,
  objectiveType: 'Minimize',
};

const SPEC: TuningSpec = {
  runName: 'run',
  objective: { type: 'Minimize', metricName: 'validation:loss' },
  space: {
    parameters: [
      { kind: 'continuous', name: 'lr', min: 1e-5, max: 0.1, scaling: 'Logarithmic' },
      { kind: 'categorical', name: 'opt', values: ['adam', 'sgd'] },
    ],
  },
  sampler: 'Random',
  scheduler: SETTINGS,
  resourceHyperParameter: 'epochs',
  maxParallelTrainingJobs: 4,
  staticHyperParameters: { batch: '32' },
  completion: { maxJobsNotImproving: 10 },
};

/** A run record; `overrides` replace fields. */
export function makeRun(runId: string, overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    runId,
    status: 'Running',
    input: {
      HyperParameterTuningJobName: runId,
      HyperParameterTuningJobConfig: { Strategy: 'Hyperband', ResourceLimits: { MaxNumberOfTrainingJobs: 50 } },
      TrainingJobDefinition: { StaticHyperParameters: { batch: '32' }, Empty: {}, Nothing: null },
    },
    spec: SPEC,
    seed: 42,
    executionArn: `arn:aws:states:us-east-1:123456789012:execution:tuner:${runId}`,
    createdAt: T0,
    updatedAt: T0,
    counters: { jobsStarted: 0, jobsCompleted: 0, jobsFailed: 0, jobsStopped: 0, billableSeconds: 0 },
    jobsSinceImprovement: 0,
    version: 0,
    tickSeq: 0,
    ...overrides,
  };
}

function makeScheduler(overrides: Partial<SchedulerState> = {}): SchedulerState {
  return {
    settings: SETTINGS,
    global: { jobsStarted: 0, nextTrialId: 0, rungs: { '1': [0.5, null], '3': [] }, nested: { empty: {} } },
    trials: {},
    ...overrides,
  };
}

/** A trial record; `overrides` replace fields. */
export function makeTrial(runId: string, trialId: number, overrides: Partial<TrialRecord> = {}): TrialRecord {
  return {
    runId,
    trialId,
    config: { lr: 0.001 * (trialId + 1), opt: 'adam' },
    bracket: 0,
    status: 'Running',
    milestone: 1,
    results: {},
    promotedFrom: [],
    hyperParameters: { lr: String(0.001 * (trialId + 1)), opt: 'adam' },
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A job record (Pending, not told); `overrides` replace fields. */
export function makeJob(runId: string, trialId: number, milestone: number, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    runId,
    jobName: `hpo-${runId}-${trialId}-${milestone}`,
    trialId,
    milestone,
    fromMilestone: 0,
    status: 'Pending',
    hyperParameters: { lr: '0.001', opt: 'adam', epochs: String(milestone), batch: '32' },
    createdAt: T0,
    updatedAt: T0,
    startAttempts: 0,
    told: false,
    ...overrides,
  };
}

function commitOf(parts: Partial<TickCommit>): TickCommit {
  return { run: {}, schedulerGlobal: { jobsStarted: 0, nextTrialId: 0 }, trials: [], jobs: [], ...parts };
}

const completed = (jobName: string, extra: Partial<JobObservation> = {}): JobObservation => ({
  jobName,
  status: 'Completed',
  startedAt: T0,
  endedAt: T1,
  billableSeconds: 55,
  trainingSeconds: 55,
  finalMetrics: [{ name: 'validation:loss', value: 0.25, timestamp: T1 }],
  secondaryStatus: 'Completed',
  ...extra,
});

/**
 * Registers the `RunStore` contract for one adapter.
 *
 * @param name the adapter's name in test titles
 * @param factory a fresh, empty store per call; may honour `faults`
 */
export function describeRunStoreContract(name: string, factory: RunStoreFactory): void {
  describe(`RunStore contract: ${name}`, () => {
    const open: RunStoreUnderTest[] = [];
    async function fresh(options?: RunStoreFactoryOptions): Promise<RunStore> {
      const underTest = await factory(options);
      open.push(underTest);
      return underTest.store;
    }
    afterEach(async () => {
      await Promise.all(open.splice(0).map((u) => u.cleanup()));
    });

    /** A store with run `r1`, trials 0 and 1 and a Pending job for each, after one tick. */
    async function withJobs(options?: RunStoreFactoryOptions): Promise<{ store: RunStore; jobs: JobRecord[] }> {
      const store = await fresh(options);
      await store.createRun(makeRun('r1'), makeScheduler());
      const jobs = [makeJob('r1', 0, 1), makeJob('r1', 1, 1)];
      await store.commitTick('r1', 0, commitOf({ trials: [makeTrial('r1', 0), makeTrial('r1', 1)], jobs }));
      return { store, jobs };
    }

    describe('createRun / getRun', () => {
      it('round-trips the run exactly, undefined fields absent', async () => {
        // Prepare
        const store = await fresh();
        const run = makeRun('r1', {
          statusReason: '',
          best: { trialId: 3, jobName: 'j', milestone: 9, objective: -1.5e300, hyperParameters: { a: '1' } },
          seed: 4294967295,
          endedAt: undefined,
        });
        // Act
        await store.createRun(run, makeScheduler());
        const read = await store.getRun('r1');
        // Assess
        const { endedAt: _dropped, ...expected } = run;
        expect(read).toStrictEqual(expected);
        expect(read).not.toHaveProperty('endedAt');
      });

      it('returns undefined for an unknown run', async () => {
        const store = await fresh();
        await expect(store.getRun('nope')).resolves.toBeUndefined();
      });

      it('refuses a second run with the same id and keeps the first', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        // Act
        const second = store.createRun(makeRun('r1', { seed: 7 }), makeScheduler());
        // Assess
        await expect(second).rejects.toBeInstanceOf(RunAlreadyExists);
        await expect(second).rejects.toMatchObject({ name: 'RunAlreadyExists', runId: 'r1' });
        expect((await store.getRun('r1'))?.seed).toBe(42);
      });

      it('stores the scheduler state: global in the run, trials one each', async () => {
        // Prepare
        const store = await fresh();
        const trial = {
          trialId: 0,
          config: { lr: 0.01, opt: 'sgd' },
          bracket: 1,
          status: 'Paused' as const,
          milestone: 3,
          results: { '1': 0.5, '3': null },
          promotedFrom: [1],
        };
        const scheduler = makeScheduler({ trials: { '0': trial } });
        // Act
        await store.createRun(makeRun('r1'), scheduler);
        const snapshot = await store.loadSnapshot('r1');
        // Assess
        expect(snapshot.scheduler).toStrictEqual(scheduler);
        expect(snapshot.trials).toStrictEqual([
          { ...trial, runId: 'r1', hyperParameters: { lr: '0.01', opt: 'sgd' }, createdAt: T0, updatedAt: T0 },
        ]);
      });
    });

    describe('loadSnapshot', () => {
      it('returns run, scheduler (settings, global, trials keyed by id), trials and jobs', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        // Act
        const snapshot = await store.loadSnapshot('r1');
        // Assess
        expect(snapshot.run).toStrictEqual(makeRun('r1', { tickSeq: 1 }));
        expect(snapshot.scheduler.settings).toStrictEqual(SETTINGS);
        expect(snapshot.scheduler.global).toStrictEqual({ jobsStarted: 0, nextTrialId: 0 });
        expect(Object.keys(snapshot.scheduler.trials).sort()).toEqual(['0', '1']);
        expect(snapshot.scheduler.trials['1']).toStrictEqual({
          trialId: 1,
          config: { lr: 0.002, opt: 'adam' },
          bracket: 0,
          status: 'Running',
          milestone: 1,
          results: {},
          promotedFrom: [],
        });
        expect(snapshot.trials).toStrictEqual([makeTrial('r1', 0), makeTrial('r1', 1)]);
        expect(snapshot.jobs).toStrictEqual(jobs);
      });

      it('fails with RunNotFound for an unknown run', async () => {
        const store = await fresh();
        await expect(store.loadSnapshot('nope')).rejects.toBeInstanceOf(RunNotFound);
      });
    });

    describe('loadTickView, getTrials, readResults (what a tick reads)', () => {
      const result = (seq: number, trialId: number, objective: number | null): ResultEntry => ({
        seq,
        trialId,
        bracket: 3,
        milestone: 1,
        objective,
        config: { lr: 0.001 * (trialId + 1), opt: 'adam' },
      });

      it('returns the run, settings, global state and only the jobs the run names as active', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1', { activeJobs: [] }), makeScheduler());
        const jobs = [makeJob('r1', 0, 1), makeJob('r1', 1, 1), makeJob('r1', 2, 1, { status: 'Completed', told: true })];
        await store.commitTick('r1', 0, commitOf({ run: { activeJobs: [jobs[1].jobName, jobs[0].jobName, 'hpo-r1-gone'] }, trials: [makeTrial('r1', 0)], jobs }));
        // Act
        const view = await store.loadTickView('r1');
        // Assess: in the order the run names them; a name without a job is left out
        expect(view.run.activeJobs).toEqual([jobs[1].jobName, jobs[0].jobName, 'hpo-r1-gone']);
        expect(view.settings).toStrictEqual(SETTINGS);
        expect(view.global).toStrictEqual({ jobsStarted: 0, nextTrialId: 0 });
        expect(view.jobs).toStrictEqual([jobs[1], jobs[0]]);
      });

      it('keeps a changed-jobs set: events and job updates add a job, a commit removes the names it read; known unchanged jobs are not read', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1', { activeJobs: [] }), makeScheduler());
        const jobs = [makeJob('r1', 0, 1), makeJob('r1', 1, 1), makeJob('r1', 2, 1)];
        const names = jobs.map((j) => j.jobName);
        const seq = await store.commitTick('r1', 0, commitOf({ run: { activeJobs: names }, jobs }));
        expect((await store.loadTickView('r1')).changedJobs).toEqual([]);
        // Act: an event for job 0, a start attempt on job 2
        await store.recordObservation('r1', { jobName: names[0], status: 'InProgress', secondaryStatus: 'Training' }, '2025-01-01T00:10:00.000Z');
        await store.updateJob('r1', names[2], { startAttempts: 1 });
        const view = await store.loadTickView('r1', { tickSeq: seq, jobNames: new Set(names) });
        // Assess: the changed jobs are read again, the known unchanged one is not
        expect(view.changedJobs).toEqual([names[0], names[2]].sort());
        expect(view.jobs.map((j) => j.jobName)).toEqual([names[0], names[2]]);
        expect(view.jobs[0]).toMatchObject({ status: 'InProgress', secondaryStatus: 'Training' });
        expect(view.known).toEqual([names[1]]);
        // once the run moved on (another tickSeq), nothing is taken as known
        const moved = await store.loadTickView('r1', { tickSeq: seq + 1, jobNames: new Set(names) });
        expect(moved.jobs.map((j) => j.jobName)).toEqual(names);
        expect(moved.known ?? []).toEqual([]);
        // a commit removes the names it read, and only those
        const told = makeJob('r1', 3, 1, { status: 'Completed', told: true });
        await store.commitTick('r1', seq, commitOf({ changedJobsSeen: [names[0]], jobs: [told] }));
        expect((await store.loadTickView('r1')).changedJobs).toEqual([names[2]]);
        // a told job is no longer active: updating it (Finalize's warm pool release) marks nothing
        await store.updateJob('r1', told.jobName, { warmPoolStatus: 'Terminated' });
        expect((await store.loadTickView('r1')).changedJobs).toEqual([names[2]]);
      });

      it('returns every job not told yet for a run recorded without activeJobs', async () => {
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const jobs = [makeJob('r1', 0, 1), makeJob('r1', 1, 1, { status: 'Completed', told: true })];
        await store.commitTick('r1', 0, commitOf({ jobs }));
        expect((await store.loadTickView('r1')).jobs).toStrictEqual([jobs[0]]);
      });

      it('fails with RunNotFound for an unknown run', async () => {
        const store = await fresh();
        await expect(store.loadTickView('nope')).rejects.toBeInstanceOf(RunNotFound);
      });

      it('gets trials by id, in id order, leaving unknown ids out', async () => {
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const trials = [0, 1, 2].map((i) => makeTrial('r1', i));
        await store.commitTick('r1', 0, commitOf({ trials }));
        expect(await store.getTrials('r1', [2, 0, 7, 2])).toStrictEqual([trials[0], trials[2]]);
        expect(await store.getTrials('r1', [])).toStrictEqual([]);
        expect(await store.getTrials('other', [0])).toStrictEqual([]);
      });

      it('appends the results log with commits and reads any range of it, across result pages', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1', { resultCount: 0 }), makeScheduler());
        const first = Array.from({ length: 150 }, (_, i) => result(i, i, i % 7 === 0 ? null : i / 1000));
        const second = [result(150, 3, 1e300), result(151, 4, -2.5)];
        // Act
        await store.commitTick('r1', 0, commitOf({ run: { resultCount: 150 }, results: first }));
        await store.commitTick('r1', 1, commitOf({ run: { resultCount: 152 }, results: second }));
        // Assess
        expect((await store.getRun('r1'))?.resultCount).toBe(152);
        expect(await store.readResults('r1', 0, 152)).toStrictEqual([...first, ...second]);
        expect(await store.readResults('r1', 149, 151)).toStrictEqual([first[149], second[0]]);
        expect(await store.readResults('r1', 152, 200)).toStrictEqual([]);
        expect(await store.readResults('r1', 5, 5)).toStrictEqual([]);
      });

      it('shows the log entries of a commit after a crash between the run update and the item writes', async () => {
        let crash = false;
        const store = await fresh({
          faults: {
            afterRunUpdate: () => {
              if (crash) throw new Error('injected crash');
            },
          },
        });
        await store.createRun(makeRun('r1', { activeJobs: [], resultCount: 0 }), makeScheduler());
        crash = true;
        const results = [result(0, 0, 0.5), result(1, 1, null)];
        const jobs = [makeJob('r1', 2, 1)];
        await expect(
          store.commitTick('r1', 0, commitOf({ run: { resultCount: 2, activeJobs: [jobs[0].jobName] }, jobs, results })),
        ).rejects.toThrow('injected crash');
        crash = false;
        // Act: the tick's first read repairs the commit
        const view = await store.loadTickView('r1');
        // Assess
        expect(view.jobs).toStrictEqual(jobs);
        expect(await store.readResults('r1', 0, 2)).toStrictEqual(results);
      });

      it('keeps the stop-early tally in the run', async () => {
        const store = await fresh();
        await store.createRun(makeRun('r1', { failureTally: { succeeded: 0, failed: 0, reasons: [] } }), makeScheduler());
        const failureTally = { succeeded: 3, failed: 2, reasons: [{ reason: 'ValueError: x', count: 2, jobName: 'j-1' }] };
        await store.commitTick('r1', 0, commitOf({ run: { failureTally } }));
        expect((await store.getRun('r1'))?.failureTally).toStrictEqual(failureTally);
      });
    });

    describe('commitTick', () => {
      it('applies the run patch, global state, trials and jobs and returns the next tickSeq', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const trial = makeTrial('r1', 0, {
          results: { '1': 1e300, '3': null, '9': -2.5e-300 },
          bestObjective: -0.125,
          rank: -0.125,
          config: { lr: 9007199254740993, opt: '' },
        });
        const job = makeJob('r1', 0, 1, { objective: null, finalMetrics: [], lastStartError: 'ThrottlingException' });
        const global = { jobsStarted: 1, nextTrialId: 1, huge: 2 ** 60, tiny: 5e-324, list: [[], {}, null] };
        // Act
        const seq = await store.commitTick(
          'r1',
          0,
          commitOf({
            run: {
              status: 'Stopping',
              statusReason: 'stop requested',
              counters: { jobsStarted: 1, jobsCompleted: 0, jobsFailed: 0, jobsStopped: 0, billableSeconds: 0.5 },
              best: { trialId: 0, jobName: job.jobName, milestone: 1, objective: 1e-200, hyperParameters: {} },
              jobsSinceImprovement: 3,
              updatedAt: T1,
              endedAt: undefined,
            },
            schedulerGlobal: global,
            trials: [trial],
            jobs: [job],
          }),
        );
        const snapshot = await store.loadSnapshot('r1');
        // Assess
        expect(seq).toBe(1);
        expect(snapshot.run).toStrictEqual({
          ...makeRun('r1'),
          status: 'Stopping',
          statusReason: 'stop requested',
          counters: { jobsStarted: 1, jobsCompleted: 0, jobsFailed: 0, jobsStopped: 0, billableSeconds: 0.5 },
          best: { trialId: 0, jobName: job.jobName, milestone: 1, objective: 1e-200, hyperParameters: {} },
          jobsSinceImprovement: 3,
          updatedAt: T1,
          tickSeq: 1,
        });
        expect(snapshot.scheduler.global).toStrictEqual(global);
        expect(snapshot.trials).toStrictEqual([trial]);
        expect(snapshot.jobs).toStrictEqual([job]);
      });

      it('fails with ConcurrentTick on a stale tickSeq and writes nothing', async () => {
        // Prepare
        const { store } = await withJobs();
        const before = await store.loadSnapshot('r1');
        // Act
        const stale = store.commitTick(
          'r1',
          0,
          commitOf({
            run: { status: 'Completed' },
            schedulerGlobal: { jobsStarted: 9, nextTrialId: 9 },
            trials: [makeTrial('r1', 5)],
            jobs: [makeJob('r1', 5, 1)],
          }),
        );
        // Assess
        await expect(stale).rejects.toBeInstanceOf(ConcurrentTick);
        await expect(stale).rejects.toMatchObject({ name: 'ConcurrentTick', runId: 'r1', expectedTickSeq: 0 });
        expect(await store.loadSnapshot('r1')).toStrictEqual(before);
      });

      it('fails with RunNotFound for an unknown run', async () => {
        const store = await fresh();
        await expect(store.commitTick('nope', 0, commitOf({}))).rejects.toBeInstanceOf(RunNotFound);
      });

      it('refuses records it could not store, before writing anything', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        // Act / Assess
        await expect(store.commitTick('r1', 0, commitOf({ trials: [makeTrial('r1', 1_000_000)] }))).rejects.toThrow(
          /trial id must be an integer from 0 to 999999/,
        );
        await expect(store.commitTick('r1', 0, commitOf({ trials: [makeTrial('r2', 1)] }))).rejects.toThrow(
          /belongs to run 'r2'/,
        );
        expect((await store.getRun('r1'))?.tickSeq).toBe(0);
      });

      it('keeps a terminal run status but applies the rest of the patch', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const stopped = await store.setRunStatus('r1', 'Stopped', 'execution aborted', T1);
        // Act: a tick that loaded the run after the stop
        const seq = await store.commitTick(
          'r1',
          stopped.tickSeq,
          commitOf({ run: { status: 'Running', statusReason: 'tick', jobsSinceImprovement: 2, updatedAt: T2 } }),
        );
        // Assess
        const run = await store.getRun('r1');
        expect(seq).toBe(2);
        expect(run).toMatchObject({ status: 'Stopped', statusReason: 'execution aborted', jobsSinceImprovement: 2 });
        expect(run).toMatchObject({ updatedAt: T2, endedAt: T1, tickSeq: 2 });
      });

      it('shows all of a commit after a crash between the run update and the item writes', async () => {
        // Prepare
        let crash = false;
        const store = await fresh({
          faults: {
            afterRunUpdate: () => {
              if (crash) throw new Error('injected crash');
            },
          },
        });
        await store.createRun(makeRun('r1'), makeScheduler());
        crash = true;
        const trials = [makeTrial('r1', 0), makeTrial('r1', 1, { rank: 0.5 })];
        const jobs = [makeJob('r1', 0, 1), makeJob('r1', 1, 1)];
        // Act
        await expect(
          store.commitTick('r1', 0, commitOf({ schedulerGlobal: { jobsStarted: 2, nextTrialId: 2 }, trials, jobs })),
        ).rejects.toThrow('injected crash');
        crash = false;
        const snapshot = await store.loadSnapshot('r1');
        // Assess
        expect(snapshot.run.tickSeq).toBe(1);
        expect(snapshot.scheduler.global).toStrictEqual({ jobsStarted: 2, nextTrialId: 2 });
        expect(snapshot.trials).toStrictEqual(trials);
        expect(snapshot.jobs).toStrictEqual(jobs);
        expect(await store.leaderboard('r1', 10)).toStrictEqual([trials[1]]);
        await expect(store.commitTick('r1', 1, commitOf({ trials: [makeTrial('r1', 2)] }))).resolves.toBe(2);
        expect((await store.listTrials('r1')).map((t) => t.trialId)).toEqual([0, 1, 2]);
      });

      it('shows all of a commit after a crash before the log is removed', async () => {
        // Prepare
        let crash = false;
        const store = await fresh({
          faults: {
            afterItemsWritten: () => {
              if (crash) throw new Error('injected crash');
            },
          },
        });
        await store.createRun(makeRun('r1'), makeScheduler());
        crash = true;
        const job = makeJob('r1', 0, 1);
        // Act: crash, then the job moves on before the next load re-applies the log
        await expect(store.commitTick('r1', 0, commitOf({ trials: [makeTrial('r1', 0)], jobs: [job] }))).rejects.toThrow(
          'injected crash',
        );
        crash = false;
        await store.updateJob('r1', job.jobName, { lastStartError: 'ThrottlingException', startAttempts: 1 });
        await store.recordObservation('r1', { jobName: job.jobName, status: 'InProgress' }, T1);
        // Assess
        const snapshot = await store.loadSnapshot('r1');
        expect(snapshot.run.tickSeq).toBe(1);
        expect(snapshot.trials).toStrictEqual([makeTrial('r1', 0)]);
        expect(snapshot.jobs).toStrictEqual([
          { ...job, status: 'InProgress', lastStartError: 'ThrottlingException', startAttempts: 1, updatedAt: T1 },
        ]);
        await expect(store.commitTick('r1', 1, commitOf({}))).resolves.toBe(2);
      });

      it('ignores the late item writes of a stalled commit that a newer tick overtook', async () => {
        // Prepare: the first commit stalls after its run update (a tick invocation that kept
        // running after Step Functions had retried it).
        let stall = true;
        let release: () => void = () => undefined;
        const released = new Promise<void>((resolve) => (release = resolve));
        let stalled: () => void = () => undefined;
        const isStalled = new Promise<void>((resolve) => (stalled = resolve));
        const store = await fresh({
          faults: {
            afterRunUpdate: async () => {
              if (!stall) return;
              stall = false;
              stalled();
              await released;
            },
          },
        });
        await store.createRun(makeRun('r1'), makeScheduler());
        const old = commitOf({
          trials: [makeTrial('r1', 0, { status: 'Running' })],
          jobs: [makeJob('r1', 0, 1, { status: 'InProgress', startAttempts: 1 })],
        });
        const first = store.commitTick('r1', 0, old);
        await isStalled;
        // Act: the retried tick loads (re-applying the stalled log), then commits newer records
        const snapshot = await store.loadSnapshot('r1');
        const newerTrial = makeTrial('r1', 0, { status: 'Paused', results: { '1': 0.3 }, rank: 0.3, updatedAt: T1 });
        const newerJob = makeJob('r1', 0, 1, { status: 'Completed', told: true, startAttempts: 1, objective: 0.3 });
        await store.commitTick('r1', snapshot.run.tickSeq, commitOf({ trials: [newerTrial], jobs: [newerJob] }));
        release();
        await first;
        // Assess
        const after = await store.loadSnapshot('r1');
        expect(after.run.tickSeq).toBe(2);
        expect(after.trials).toStrictEqual([newerTrial]);
        expect(after.jobs).toStrictEqual([newerJob]);
      });

      it('never moves a job back over a newer observation, but applies the tick fields', async () => {
        // Prepare: the tick loaded the job as Pending; an event recorded Completed meanwhile
        const { store, jobs } = await withJobs();
        const job = jobs[0]!;
        await store.recordObservation('r1', completed(job.jobName), T1);
        // Act: the tick writes InProgress after CreateTrainingJob, with one start attempt
        await store.commitTick(
          'r1',
          1,
          commitOf({ jobs: [{ ...job, status: 'InProgress', startAttempts: 1, updatedAt: T0 }] }),
        );
        // Assess
        const stored = (await store.listJobs('r1')).find((j) => j.jobName === job.jobName);
        expect(stored).toStrictEqual({
          ...job,
          status: 'Completed',
          startedAt: T0,
          endedAt: T1,
          billableSeconds: 55,
          trainingSeconds: 55,
          finalMetrics: [{ name: 'validation:loss', value: 0.25, timestamp: T1 }],
          secondaryStatus: 'Completed',
          startAttempts: 1,
          updatedAt: T1,
        });
      });

      it('lets a tick mark a terminal job as told and record its objective', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const job = jobs[0]!;
        await store.recordObservation('r1', completed(job.jobName), T1);
        const loaded = (await store.loadSnapshot('r1')).jobs.find((j) => j.jobName === job.jobName)!;
        // Act
        await store.commitTick('r1', 1, commitOf({ jobs: [{ ...loaded, told: true, objective: 0.25, updatedAt: T2 }] }));
        // Assess
        const stored = (await store.listJobs('r1')).find((j) => j.jobName === job.jobName);
        expect(stored).toStrictEqual({ ...loaded, told: true, objective: 0.25, updatedAt: T2 });
      });

      it('moves a job forward when the tick saw a later status than the store', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const job = jobs[0]!;
        // Act: reconciliation through DescribeTrainingJob found it Failed
        await store.commitTick(
          'r1',
          1,
          commitOf({ jobs: [{ ...job, status: 'Failed', failureReason: 'AlgorithmError', told: true, objective: null }] }),
        );
        // Assess
        const stored = (await store.listJobs('r1')).find((j) => j.jobName === job.jobName);
        expect(stored).toStrictEqual({ ...job, status: 'Failed', failureReason: 'AlgorithmError', told: true, objective: null });
      });
    });

    describe('recordObservation', () => {
      it('records progress without moving the version (progress wakes no one)', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const job = jobs[0]!;
        // Act
        const result = await store.recordObservation(
          'r1',
          { jobName: job.jobName, status: 'InProgress', secondaryStatus: 'Starting', startedAt: T1 },
          T1,
        );
        // Assess
        expect(result).toStrictEqual({ kind: 'changed', version: 0 });
        expect((await store.getRun('r1'))?.version).toBe(0);
        const stored = (await store.listJobs('r1')).find((j) => j.jobName === job.jobName);
        expect(stored).toStrictEqual({ ...job, status: 'InProgress', secondaryStatus: 'Starting', startedAt: T1, updatedAt: T1 });
      });

      it('bumps the version when a job enters a terminal status', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        await store.recordObservation('r1', { jobName: jobs[0]!.jobName, status: 'InProgress' }, T1);
        // Act
        const result = await store.recordObservation('r1', completed(jobs[0]!.jobName), T2);
        // Assess
        expect(result).toStrictEqual({ kind: 'changed', version: 1 });
        expect((await store.getRun('r1'))?.version).toBe(1);
      });

      it('answers unchanged to a duplicate event and to a stale one', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const name = jobs[0]!.jobName;
        await store.recordObservation('r1', completed(name), T1);
        const before = await store.listJobs('r1');
        // Act
        const duplicate = await store.recordObservation('r1', completed(name), T2);
        const stale = await store.recordObservation('r1', { jobName: name, status: 'InProgress' }, T2);
        const sameProgress = await store.recordObservation('r1', { jobName: jobs[1]!.jobName, status: 'InProgress' }, T1);
        const repeatedProgress = await store.recordObservation(
          'r1',
          { jobName: jobs[1]!.jobName, status: 'InProgress', secondaryStatus: 'Training' },
          T2,
        );
        const otherTerminal = await store.recordObservation('r1', { jobName: name, status: 'Stopped' }, T2);
        // Assess
        expect(duplicate).toStrictEqual({ kind: 'unchanged' });
        expect(stale).toStrictEqual({ kind: 'unchanged' });
        expect(sameProgress).toStrictEqual({ kind: 'changed', version: 1 });
        expect(repeatedProgress).toStrictEqual({ kind: 'unchanged' });
        expect(otherTerminal).toStrictEqual({ kind: 'unchanged' });
        expect((await store.listJobs('r1'))[0]).toStrictEqual(before[0]);
        expect((await store.getRun('r1'))?.version).toBe(1);
      });

      it('fills in what a later event adds to the same terminal status', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const name = jobs[0]!.jobName;
        await store.recordObservation('r1', { jobName: name, status: 'Completed', endedAt: T1 }, T1);
        // Act
        const result = await store.recordObservation('r1', completed(name, { warmPoolStatus: 'Available' }), T2);
        const pool = await store.recordObservation('r1', { jobName: name, status: 'Completed', warmPoolStatus: 'Terminated' }, T2);
        const poolBack = await store.recordObservation('r1', { jobName: name, status: 'Completed', warmPoolStatus: 'Available' }, T2);
        // Assess
        expect(result).toStrictEqual({ kind: 'changed', version: 1 });
        expect(pool).toStrictEqual({ kind: 'changed', version: 1 });
        expect(poolBack).toStrictEqual({ kind: 'unchanged' });
        const stored = (await store.listJobs('r1'))[0];
        expect(stored).toMatchObject({
          status: 'Completed',
          endedAt: T1,
          finalMetrics: [{ name: 'validation:loss', value: 0.25, timestamp: T1 }],
          warmPoolStatus: 'Terminated',
          updatedAt: T2,
        });
      });

      it('answers unknown-job for a job it does not hold, and creates nothing', async () => {
        // Prepare
        const { store } = await withJobs();
        // Act
        const unknown = await store.recordObservation('r1', completed('someone-elses-job'), T1);
        const otherRun = await store.recordObservation('r2', completed('hpo-r1-0-1'), T1);
        // Assess
        expect(unknown).toStrictEqual({ kind: 'unknown-job' });
        expect(otherRun).toStrictEqual({ kind: 'unknown-job' });
        expect((await store.listJobs('r1')).map((j) => j.jobName)).toEqual(['hpo-r1-0-1', 'hpo-r1-1-1']);
        expect((await store.getRun('r1'))?.version).toBe(0);
      });

      it('claims the stored task token exactly once', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        await expect(store.storeTaskToken('r1', 'token-1', 0)).resolves.toStrictEqual({ kind: 'stored' });
        // Act
        const progress = await store.recordObservation('r1', { jobName: jobs[0]!.jobName, status: 'InProgress' }, T1);
        const first = await store.recordObservation('r1', completed(jobs[0]!.jobName), T1);
        const second = await store.recordObservation('r1', completed(jobs[1]!.jobName), T1);
        // Assess
        expect(progress).toStrictEqual({ kind: 'changed', version: 0 });
        expect(first).toStrictEqual({ kind: 'changed', version: 1, taskToken: 'token-1' });
        expect(second).toStrictEqual({ kind: 'changed', version: 2 });
      });
    });

    describe('storeTaskToken', () => {
      it('answers changed-since with the current version when an event came first', async () => {
        // Prepare: the loop loaded version 0; an event lands before the token is stored
        const { store, jobs } = await withJobs();
        const seen = (await store.loadSnapshot('r1')).run.version;
        await store.recordObservation('r1', { jobName: jobs[1]!.jobName, status: 'InProgress' }, T1);
        await store.recordObservation('r1', completed(jobs[0]!.jobName), T1);
        // Act
        const result = await store.storeTaskToken('r1', 'token-1', seen);
        // Assess
        expect(result).toStrictEqual({ kind: 'changed-since', version: 1 });
        const next = await store.recordObservation('r1', completed(jobs[1]!.jobName), T2);
        expect(next).toStrictEqual({ kind: 'changed', version: 2 });
      });

      it('fails with RunNotFound for an unknown run', async () => {
        const store = await fresh();
        await expect(store.storeTaskToken('nope', 't', 0)).rejects.toBeInstanceOf(RunNotFound);
      });
    });

    describe('setRunStatus', () => {
      it('sets a status with its reason and returns the record', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        // Act
        const run = await store.setRunStatus('r1', 'Stopping', 'stop requested', T1, 'Stopped');
        // Assess
        expect(run).toStrictEqual({
          ...makeRun('r1'),
          status: 'Stopping',
          statusReason: 'stop requested',
          endStatus: 'Stopped',
          updatedAt: T1,
          tickSeq: makeRun('r1').tickSeq + 1,
        });
        expect(await store.getRun('r1')).toStrictEqual(run);
      });

      it('makes a tick that loaded the run before the change fail to commit', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const loaded = await store.loadSnapshot('r1');
        // Act
        await store.setRunStatus('r1', 'Stopped', 'execution aborted', T1, 'Stopped');
        // Assess
        await expect(
          store.commitTick('r1', loaded.run.tickSeq, { run: { status: 'Running' }, schedulerGlobal: loaded.scheduler.global, trials: [], jobs: [] }),
        ).rejects.toBeInstanceOf(ConcurrentTick);
        expect((await store.getRun('r1'))?.status).toBe('Stopped');
      });

      it('keeps terminal statuses final and records when the run ended', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const done = await store.setRunStatus('r1', 'Completed', 'MaxNumberOfTrainingJobs reached', T1);
        // Act
        const after = await store.setRunStatus('r1', 'Stopping', 'stop requested', T2);
        const again = await store.setRunStatus('r1', 'Failed', 'late failure', T2);
        // Assess
        expect(done).toMatchObject({ status: 'Completed', endedAt: T1, updatedAt: T1 });
        expect(after).toStrictEqual(done);
        expect(again).toStrictEqual(done);
      });

      it('fails with RunNotFound for an unknown run', async () => {
        const store = await fresh();
        await expect(store.setRunStatus('nope', 'Stopping', 'x', T1)).rejects.toBeInstanceOf(RunNotFound);
      });
    });

    describe('updateJob', () => {
      it('applies a patch to one job', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const job = jobs[1]!;
        // Act
        await store.updateJob('r1', job.jobName, { startAttempts: 2, lastStartError: 'ResourceLimitExceeded', updatedAt: T1 });
        // Assess
        const stored = (await store.listJobs('r1')).find((j) => j.jobName === job.jobName);
        expect(stored).toStrictEqual({ ...job, startAttempts: 2, lastStartError: 'ResourceLimitExceeded', updatedAt: T1 });
      });

      it('moves the warm pool status but never the job status back', async () => {
        // Prepare
        const { store, jobs } = await withJobs();
        const name = jobs[0]!.jobName;
        await store.recordObservation('r1', completed(name, { warmPoolStatus: 'Available' }), T1);
        // Act
        await store.updateJob('r1', name, { warmPoolStatus: 'Terminated', status: 'InProgress', updatedAt: T2 });
        // Assess
        const stored = (await store.listJobs('r1')).find((j) => j.jobName === name);
        expect(stored).toMatchObject({ status: 'Completed', warmPoolStatus: 'Terminated', updatedAt: T2 });
      });

      it('fails with JobNotFound for an unknown job', async () => {
        const { store } = await withJobs();
        const update = store.updateJob('r1', 'nope', { startAttempts: 1 });
        await expect(update).rejects.toBeInstanceOf(JobNotFound);
        await expect(update).rejects.toThrow("run 'r1': training job 'nope' not found");
        expect(await store.listJobs('r1')).toHaveLength(2);
      });
    });

    describe('listings', () => {
      it('lists trials by id and jobs by name, across result pages', async () => {
        // Prepare: ~1.2 MB of trials, more than one DynamoDB query page (1 MB)
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        const filler = 'x'.repeat(2100);
        let seq = 0;
        for (let batch = 0; batch < 5; batch++) {
          const trials = Array.from({ length: 100 }, (_, i) =>
            makeTrial('r1', batch * 100 + i, { config: { lr: i, opt: `${filler}${batch * 100 + i}` } }),
          );
          seq = await store.commitTick('r1', seq, commitOf({ trials: trials.reverse() }));
        }
        await store.commitTick('r1', seq, commitOf({ jobs: [makeJob('r1', 3, 9), makeJob('r1', 10, 1), makeJob('r1', 2, 1)] }));
        // Act
        const trials = await store.listTrials('r1');
        const jobs = await store.listJobs('r1');
        // Assess
        expect(trials.map((t) => t.trialId)).toEqual(Array.from({ length: 500 }, (_, i) => i));
        expect(trials[499]!.config.opt).toBe(`${filler}499`);
        expect(jobs.map((j) => j.jobName)).toEqual(['hpo-r1-10-1', 'hpo-r1-2-1', 'hpo-r1-3-9']);
        expect((await store.loadSnapshot('r1')).trials).toHaveLength(500);
      });

      it('returns empty listings for an unknown run', async () => {
        const store = await fresh();
        expect(await store.listTrials('nope')).toEqual([]);
        expect(await store.listJobs('nope')).toEqual([]);
        expect(await store.leaderboard('nope', 5)).toEqual([]);
      });

      it('ranks the leaderboard best first (lowest rank, negatives included), ties by trial id', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        await store.createRun(makeRun('r2'), makeScheduler());
        const ranks: (number | undefined)[] = [0.5, -3, undefined, 1e-300, -1e300, 0.5, 1e300, -0.25, 0, 12, 2];
        const trials = ranks.map((rank, i) => makeTrial('r1', i, rank === undefined ? {} : { rank, bestObjective: rank }));
        await store.commitTick('r1', 0, commitOf({ trials }));
        await store.commitTick('r2', 0, commitOf({ trials: [makeTrial('r2', 0, { rank: -1e308 })] }));
        // Act
        const board = await store.leaderboard('r1', 100);
        const top3 = await store.leaderboard('r1', 3);
        // Assess
        expect(board.map((t) => t.trialId)).toEqual([4, 1, 7, 8, 3, 0, 5, 10, 9, 6]);
        expect(top3.map((t) => t.trialId)).toEqual([4, 1, 7]);
        expect(board[0]).toStrictEqual(trials[4]);
        expect(await store.leaderboard('r1', 0)).toEqual([]);
      });

      it('moves a trial on the leaderboard when its rank changes, and drops it without one', async () => {
        // Prepare
        const store = await fresh();
        await store.createRun(makeRun('r1'), makeScheduler());
        await store.commitTick('r1', 0, commitOf({ trials: [makeTrial('r1', 0, { rank: 1 }), makeTrial('r1', 1, { rank: 2 })] }));
        // Act
        await store.commitTick('r1', 1, commitOf({ trials: [makeTrial('r1', 1, { rank: 0.5 })] }));
        const moved = await store.leaderboard('r1', 10);
        await store.commitTick('r1', 2, commitOf({ trials: [makeTrial('r1', 0)] }));
        const dropped = await store.leaderboard('r1', 10);
        // Assess
        expect(moved.map((t) => [t.trialId, t.rank])).toEqual([
          [1, 0.5],
          [0, 1],
        ]);
        expect(dropped.map((t) => t.trialId)).toEqual([1]);
      });

      it('lists runs newest first with their summaries', async () => {
        // Prepare
        const store = await fresh();
        const best = { trialId: 1, jobName: 'j', milestone: 3, objective: 0.1, hyperParameters: { lr: '0.1' } };
        await store.createRun(makeRun('old', { createdAt: '2025-01-01T00:00:00.000Z' }), makeScheduler());
        await store.createRun(
          makeRun('new', { createdAt: '2025-03-01T00:00:00.000Z', input: { Strategy: 'ASHA' }, best }),
          makeScheduler(),
        );
        await store.createRun(
          makeRun('mid', { createdAt: '2025-02-01T00:00:00.000Z', input: {}, endedAt: T1, status: 'Completed' }),
          makeScheduler(),
        );
        // Act
        const runs = await store.listRuns(10);
        const newest = await store.listRuns(2);
        // Assess
        expect(runs.map((r) => r.runId)).toEqual(['new', 'mid', 'old']);
        expect(newest.map((r) => r.runId)).toEqual(['new', 'mid']);
        expect(runs[0]).toStrictEqual({
          runId: 'new',
          status: 'Running',
          createdAt: '2025-03-01T00:00:00.000Z',
          best,
          counters: makeRun('x').counters,
          strategy: 'ASHA',
        });
        expect(runs[1]).toMatchObject({ status: 'Completed', endedAt: T1, strategy: 'ASHA' });
        expect(runs[2]).toMatchObject({ strategy: 'Hyperband' });
        expect(runs[2]).not.toHaveProperty('best');
        expect(await store.listRuns(0)).toEqual([]);
      });
    });

    describe('isolation', () => {
      it('never shares objects with callers', async () => {
        // Prepare
        const store = await fresh();
        const run = makeRun('r1');
        const scheduler = makeScheduler();
        await store.createRun(run, scheduler);
        const trial = makeTrial('r1', 0, { results: { '1': 0.5 } });
        await store.commitTick('r1', 0, commitOf({ trials: [trial] }));
        // Act: mutate what went in and what came out
        (run.counters as { jobsStarted: number }).jobsStarted = 99;
        (scheduler.global as Record<string, unknown>).nextTrialId = 99;
        (trial.results as Record<string, number | null>)['1'] = 99;
        const snapshot = await store.loadSnapshot('r1');
        (snapshot.trials[0]!.results as Record<string, number | null>)['1'] = 77;
        (snapshot.run.counters as { jobsStarted: number }).jobsStarted = 77;
        // Assess
        const again = await store.loadSnapshot('r1');
        expect(again.run.counters.jobsStarted).toBe(0);
        expect(again.trials[0]!.results).toStrictEqual({ '1': 0.5 });
        expect((await store.getRun('r1'))?.counters.jobsStarted).toBe(0);
      });
    });
  });
}
