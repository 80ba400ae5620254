import {
  colorEnabled,
  csvField,
  describeJobChange,
  formatClock,
  formatDuration,
  formatObjective,
  LiveDisplay,
  renderLeaderboard,
  renderProgress,
  stripAnsi,
  style,
  toCsv,
  truncate,
  visibleLength,
  MAX_PROGRESS_LINES,
  rankTrials,
  trialStatusName,
  TRIAL_STATUSES,
} from '../../cli/render';
import type { JobRecord, RunRecord, TrialRecord } from '../../core/orchestrator/records';
import { toTuningSpec } from '../../core/input';
import { tuningInput } from '../helpers/inputs';

const ESC = '\u001b[';
const T0 = '2026-01-01T12:00:00.000Z';
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function makeRun(patch: Partial<RunRecord> = {}): RunRecord {
  const input = tuningInput({ name: 'mnist-hb', maxJobs: 20 });
  return {
    runId: 'mnist-hb',
    status: 'Running',
    input: input as unknown as Record<string, unknown>,
    spec: toTuningSpec(input),
    seed: 7,
    executionArn: 'arn:aws:states:us-east-1:000000000000:execution:HpoTuner:mnist-hb',
    createdAt: T0,
    updatedAt: T0,
    counters: { jobsStarted: 8, jobsCompleted: 4, jobsFailed: 1, jobsStopped: 0, billableSeconds: 900 },
    best: { trialId: 3, jobName: 'hpo-mnist-hb-0003-r3', milestone: 3, objective: 0.93123456, hyperParameters: {} },
    jobsSinceImprovement: 0,
    version: 1,
    tickSeq: 1,
    ...patch,
  };
}

function makeJob(trialId: number, fromMilestone: number, milestone: number, patch: Partial<JobRecord> = {}): JobRecord {
  return {
    runId: 'mnist-hb',
    jobName: `hpo-mnist-hb-${String(trialId).padStart(4, '0')}-r${milestone}`,
    trialId,
    milestone,
    fromMilestone,
    status: 'InProgress',
    hyperParameters: {},
    createdAt: at(10),
    updatedAt: at(10),
    startedAt: at(10),
    startAttempts: 0,
    told: false,
    ...patch,
  };
}

function makeTrial(trialId: number, bestObjective: number | undefined, patch: Partial<TrialRecord> = {}): TrialRecord {
  return {
    runId: 'mnist-hb',
    trialId,
    config: {},
    bracket: 0,
    status: 'Paused',
    milestone: 1,
    results: bestObjective === undefined ? {} : { '1': bestObjective },
    promotedFrom: [],
    hyperParameters: { lr: '0.00123456789', layers: '2', optimizer: 'adam' },
    createdAt: T0,
    updatedAt: T0,
    ...(bestObjective === undefined ? {} : { bestObjective, rank: -bestObjective }),
    ...patch,
  };
}

const NOW = new Date(Date.parse(T0) + 125_000);

describe('renderProgress', () => {
  const jobs = [makeJob(5, 0, 1), makeJob(6, 1, 3, { startedAt: at(65) }), makeJob(3, 0, 1, { status: 'Completed' })];

  it('shows run, strategy, budget, counts, best and the running jobs', () => {
    const lines = renderProgress({ run: makeRun(), jobs, trials: [], now: NOW }, { width: 100, color: false });
    expect(lines[0]).toBe('mnist-hb  Hyperband  Running  elapsed 2m 05s');
    expect(lines[1]).toMatch(/^budget   \[#+\.+\] 8\/20 jobs started, 12 left$/);
    expect(lines[1].match(/#/g)).toHaveLength(Math.round((8 / 20) * (lines[1].indexOf(']') - lines[1].indexOf('[') - 1)));
    expect(lines[2]).toBe('jobs     2 running, 4 completed, 1 failed, 0 stopped');
    expect(lines[3]).toBe('best job accuracy 0.931235 (trial 3 at epochs 3)');
    expect(lines[4]).toBe('running  hpo-mnist-hb-0005-r1  epochs 0->1  1m 55s');
    expect(lines[5]).toBe('         hpo-mnist-hb-0006-r3  epochs 1->3  1m 00s');
    expect(lines).toHaveLength(6);
  });

  it('respects the width, with or without color, and colors only when asked', () => {
    for (const color of [false, true]) {
      const lines = renderProgress({ run: makeRun({ statusReason: 'x'.repeat(200) }), jobs, trials: [], now: NOW }, { width: 40, color });
      for (const line of lines) expect(visibleLength(line)).toBeLessThanOrEqual(40);
      expect(lines.some((l) => l.includes(ESC))).toBe(color);
    }
  });

  it('keeps to at most 12 lines with many running jobs', () => {
    const many = Array.from({ length: 30 }, (_, i) => makeJob(10 + i, 0, 1));
    const lines = renderProgress({ run: makeRun(), jobs: many, trials: [], now: NOW }, { width: 100, color: false });
    expect(lines).toHaveLength(MAX_PROGRESS_LINES);
    expect(lines[lines.length - 1]).toBe(`         ... and ${30 - (MAX_PROGRESS_LINES - 5)} more`);
  });

  it('says when there is no best yet, and shows the reason of a stopping run', () => {
    const lines = renderProgress(
      { run: makeRun({ best: undefined, status: 'Stopping', statusReason: 'stop requested' }), jobs: [], trials: [], now: NOW },
      { width: 80, color: false },
    );
    expect(lines).toContain('best job none yet');
    expect(lines).toContain('reason   stop requested');
    expect(lines[0]).toContain('Stopping');
  });
});

describe('describeJobChange', () => {
  const run = makeRun();

  it('announces a start once, with trial and rung', () => {
    const pending = makeJob(4, 1, 3, { status: 'Pending', startedAt: undefined });
    const started = makeJob(4, 1, 3, { startedAt: at(63) });
    expect(describeJobChange(undefined, pending, run)).toBeUndefined();
    expect(describeJobChange(pending, started, run)).toBe(`${formatClock(at(63))} started hpo-mnist-hb-0004-r3 (trial 4, epochs 1->3)`);
    expect(describeJobChange(undefined, started, run)).toContain(' started ');
    expect(describeJobChange(started, { ...started, secondaryStatus: 'Training' }, run)).toBeUndefined();
  });

  it('reports results, marking the best so far', () => {
    const job = makeJob(3, 1, 3);
    const done = { ...job, jobName: 'hpo-mnist-hb-0003-r3', status: 'Completed' as const, objective: 0.93123456, endedAt: at(100) };
    expect(describeJobChange(job, done, run)).toBe(`${formatClock(at(100))} completed hpo-mnist-hb-0003-r3 (trial 3, epochs 3) accuracy=0.931235 (best so far)`);
    const other = { ...done, jobName: 'hpo-mnist-hb-0009-r3', trialId: 9, objective: 0.5 };
    expect(describeJobChange(job, other, run)).toBe(`${formatClock(at(100))} completed hpo-mnist-hb-0009-r3 (trial 9, epochs 3) accuracy=0.5`);
    expect(describeJobChange(done, done, run)).toBeUndefined();
  });

  it('reports failures and stops with their reason on one line', () => {
    const job = makeJob(5, 0, 1);
    const failed = { ...job, status: 'Failed' as const, endedAt: at(30), failureReason: 'AlgorithmError: boom\nTraceback ...' };
    expect(describeJobChange(job, failed, run)).toBe(`${formatClock(at(30))} failed hpo-mnist-hb-0005-r1 (trial 5, epochs 0->1): AlgorithmError: boom`);
    const stopped = { ...job, status: 'Stopped' as const, endedAt: at(31) };
    expect(describeJobChange(job, stopped, run)).toBe(`${formatClock(at(31))} stopped hpo-mnist-hb-0005-r1 (trial 5, epochs 0->1)`);
  });

  it('says when early stopping stopped a job, at which epoch, with its last value and the rule\'s words', () => {
    const job = makeJob(6, 0, 1);
    const early = { ...job, status: 'Stopped' as const, endedAt: at(40), objective: 0.42, stoppedEarly: { epoch: 3, reason: 'objective 0.42 at epoch 3 is worse than the median 0.6 of 4 running averages up to epoch 3', at: at(39) } };
    expect(describeJobChange(job, early, run)).toBe(
      `${formatClock(at(40))} stopped early hpo-mnist-hb-0006-r1 (trial 6, epochs 0->1) at epoch 3 accuracy=0.42: objective 0.42 at epoch 3 is worse than the median 0.6 of 4 running averages up to epoch 3`,
    );
  });
});

describe('renderLeaderboard', () => {
  it('orders trials best first and unranked last, with a header line, a limit and the ranking rule', () => {
    const run = makeRun();
    const trials = [makeTrial(0, 0.5), makeTrial(1, undefined, { status: 'Failed' }), makeTrial(2, 0.9), makeTrial(3, 0.7)];
    const text = renderLeaderboard(run, trials, 3);
    const lines = text.split('\n');
    expect(lines[0]).toBe('run mnist-hb: Running, Hyperband, maximize accuracy; best: trial 2, accuracy 0.9 at epochs 1');
    expect(lines[1]).toBe('rank  trial  accuracy  epochs  status  bracket  layers  lr        optimizer');
    expect(lines.slice(2, 5).map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['1', '2', '0.9'],
      ['2', '3', '0.7'],
      ['3', '0', '0.5'],
    ]);
    expect(lines[2]).toContain('0.001235');
    expect(lines[5]).toBe('(1 more trial not shown)');
    expect(lines[6]).toBe(
      "(ranked by the epochs reached, then accuracy (higher first); the best single job (AMT's BestTrainingJob) is trial 3's at epochs 3 (accuracy 0.931235), ranked 2: a result after fewer epochs ranks below one that trained further)",
    );
    expect(renderLeaderboard(run, trials).split('\n')[5]).toMatch(/^ {3}- {6}1 {9}- {7}- {2}failed/);
  });

  it('ranks by the highest rung reached first, then by the objective there', () => {
    // Prepare: trial 1 has the best value, but at epochs 1; trials 2 and 3 reached epochs 3
    const run = makeRun({ best: undefined });
    const trials = [
      makeTrial(1, 0.99),
      makeTrial(2, 0.6, { milestone: 3, results: { '1': 0.6, '3': 0.8 }, status: 'Completed' }),
      makeTrial(3, 0.7, { milestone: 3, results: { '1': 0.7, '3': 0.85 }, status: 'Running' }),
    ];
    // Act
    const ranked = rankTrials(run, trials);
    // Assess
    expect(ranked.map((r) => [r.position, r.trial.trialId, r.milestone, r.objective])).toEqual([
      [1, 3, 3, 0.85],
      [2, 2, 3, 0.8],
      [3, 1, 1, 0.99],
    ]);
    const minimize = makeRun({ spec: { ...run.spec, objective: { ...run.spec.objective, type: 'Minimize' } } });
    expect(rankTrials(minimize, trials).map((r) => r.trial.trialId)).toEqual([2, 3, 1]);
  });

  it('names every trial status in words, telling apart what the scheduler calls Stopped', () => {
    const running = makeRun();
    const ended = makeRun({ status: 'Completed' });
    const paused = makeTrial(1, 0.5, { status: 'Paused', milestone: 1 });
    const notPromoted = makeTrial(2, 0.5, { status: 'Stopped', milestone: 1 });
    const stoppedJob = makeTrial(3, undefined, { status: 'Stopped', milestone: 1, results: { '1': null } });
    const noMetric = makeTrial(4, undefined, { status: 'Stopped', milestone: 1, results: { '1': null } });
    const jobs = [makeJob(3, 0, 1, { status: 'Stopped' }), makeJob(4, 0, 1, { status: 'Completed' })];
    expect(trialStatusName(running, paused)).toBe('paused');
    expect(trialStatusName(ended, paused)).toBe('not promoted');
    expect(trialStatusName(ended, notPromoted)).toBe('not promoted');
    expect(trialStatusName(ended, stoppedJob, jobs)).toBe('stopped');
    expect(trialStatusName(ended, noMetric, jobs)).toBe('no result');
    expect(trialStatusName(ended, makeTrial(5, 0.9, { status: 'Completed', milestone: 1 }))).toBe('completed');
    expect(trialStatusName(ended, makeTrial(6, undefined, { status: 'Completed', milestone: 9, results: { '9': null } }))).toBe('no result');
    expect(trialStatusName(running, makeTrial(7, undefined, { status: 'Running' }))).toBe('running');
    expect(trialStatusName(ended, makeTrial(7, undefined, { status: 'Running' }))).toBe('stopped');
    expect(trialStatusName(ended, makeTrial(8, undefined, { status: 'Failed' }))).toBe('failed');
    // TrainingJobEarlyStoppingType Auto: a stopped job with its last value is "stopped early", not "not promoted".
    const early = makeTrial(9, 0.4, { status: 'Stopped', milestone: 1 });
    const earlyJobs = [makeJob(9, 0, 1, { status: 'Stopped', objective: 0.4, stoppedEarly: { epoch: 3, reason: 'worse than the median', at: '2026-01-01T00:00:00Z' } })];
    expect(trialStatusName(ended, early, earlyJobs)).toBe('stopped early');
    expect(Object.keys(TRIAL_STATUSES).sort()).toEqual(['completed', 'failed', 'no result', 'not promoted', 'paused', 'running', 'stopped', 'stopped early']);
  });

  it('says when a finished run has no result, instead of "none yet"', () => {
    const finished = makeRun({ status: 'Completed', best: undefined });
    const trials = [makeTrial(1, undefined, { status: 'Failed' })];
    expect(renderLeaderboard(finished, trials).split('\n')[0]).toBe(
      'run mnist-hb: Completed, Hyperband, maximize accuracy; best: none, no training job reported accuracy',
    );
    expect(renderLeaderboard(makeRun({ best: undefined }), []).split('\n')[0]).toMatch(/; best: none yet$/);
  });
});

describe('formatting helpers', () => {
  it('formats objectives, durations and csv fields', () => {
    expect(formatObjective(0.123456789)).toBe('0.123457');
    expect(formatObjective(1234567.8)).toBe('1234570');
    expect(formatObjective(null)).toBe('-');
    expect(formatDuration(42)).toBe('42s');
    expect(formatDuration(3 * 3600 + 120)).toBe('3h 02m');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('plain')).toBe('plain');
    expect(toCsv(['a', 'b'], [['1', 'x\ny']])).toBe('a,b\r\n1,"x\ny"\r\n');
  });

  it('colors only when enabled, and respects NO_COLOR and non-terminals', () => {
    expect(style(false).red('x')).toBe('x');
    expect(style(true).red('x')).toBe(`${ESC}31mx${ESC}39m`);
    expect(colorEnabled(true, {})).toBe(true);
    expect(colorEnabled(true, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled(false, {})).toBe(false);
    const cut = truncate(style(true).green('abcdefghij'), 5);
    expect(stripAnsi(cut)).toBe('abcd…');
    expect(cut.endsWith(`${ESC}0m`)).toBe(true);
  });
});

describe('LiveDisplay', () => {
  it('redraws in place on a TTY: cursor up over the last block, then changes, then the block', () => {
    const written: string[] = [];
    const display = new LiveDisplay({ write: (s) => written.push(s), isTTY: true });
    display.update(['a', 'b'], []);
    display.update(['a', 'c'], ['12:00:01 started x']);
    display.update(['a', 'c'], []); // unchanged: nothing written
    display.finish();
    display.update(['z'], []);
    expect(written).toEqual(['a\nb\n', `${ESC}2A\r${ESC}J12:00:01 started x\na\nc\n`, 'z\n']);
  });

  it('prints only the change lines elsewhere, never an escape sequence', () => {
    const written: string[] = [];
    const display = new LiveDisplay({ write: (s) => written.push(s), isTTY: false });
    display.update(['block'], []);
    display.update(['block 2'], ['12:00:01 started x', '12:00:02 failed y']);
    display.clear();
    display.finish();
    expect(written).toEqual(['12:00:01 started x\n12:00:02 failed y\n']);
  });
});
