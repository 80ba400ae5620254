import { ashaStoppingRule, medianStoppingRule, runningAverage, type MetricCurve } from '../../../core/schedulers';

const curve = (trialId: number, values: (number | null)[]): MetricCurve => ({ trialId, values });

describe('median stopping rule (AMT TrainingJobEarlyStoppingType Auto)', () => {
  // Running averages up to epoch 3: 0.5, 0.6, 0.7, 0.8 -> median 0.65.
  const others = [curve(1, [0.4, 0.5, 0.6, 0.9]), curve(2, [0.5, 0.6, 0.7]), curve(3, [0.6, 0.7, 0.8]), curve(4, [0.7, 0.8, 0.9]), curve(5, [0.99, 0.99])];

  it('computes running averages over the usable values', () => {
    expect(runningAverage([0.4, null, 0.6, 0.9], 3)).toBeCloseTo(0.5, 12);
    expect(runningAverage([null], 1)).toBeUndefined();
  });

  it('stops a job whose value is worse than the median of the others\' running averages up to its epoch', () => {
    const stop = medianStoppingRule(curve(9, [0.3, 0.5, 0.64]), others, 'Maximize');
    expect(stop.decision).toBe('STOP');
    expect(stop.reason).toMatch(/worse than the median 0.6499999\d* of 4 running averages up to epoch 3/);
    expect(medianStoppingRule(curve(9, [0.3, 0.5, 0.66]), others, 'Maximize').decision).toBe('CONTINUE');
  });

  it('compares the other way when minimizing', () => {
    expect(medianStoppingRule(curve(9, [0.3, 0.5, 0.64]), others, 'Minimize').decision).toBe('CONTINUE');
    expect(medianStoppingRule(curve(9, [0.3, 0.5, 0.66]), others, 'Minimize').decision).toBe('STOP');
  });

  it('waits for minTrials trials that reported that far, and for the grace epochs', () => {
    // Trial 5 stopped at epoch 2: at epoch 3 only four others count.
    expect(medianStoppingRule(curve(9, [0.3, 0.5, 0.1]), others, 'Maximize', { minTrials: 5 }).decision).toBe('CONTINUE');
    expect(medianStoppingRule(curve(9, [0.1]), others, 'Maximize').reason).toMatch(/grace/);
    expect(medianStoppingRule(curve(9, [0.1, 0.1]), others, 'Maximize', { graceEpochs: 2 }).decision).toBe('CONTINUE');
    // The trial itself never counts as another.
    expect(medianStoppingRule(curve(2, [0.1, 0.1, 0.1]), others, 'Maximize', { minTrials: 4 }).decision).toBe('CONTINUE');
  });

  it('stops a job without a value (diverged)', () => {
    expect(medianStoppingRule(curve(9, [0.3, 0.5, null]), others, 'Maximize').decision).toBe('STOP');
  });
});

describe('ASHA, stopping variant', () => {
  const milestones = [1, 3, 9, 27];
  const at3 = (id: number, v: number | null) => curve(id, [0.1, 0.2, v]);

  it('continues between milestones and at R', () => {
    expect(ashaStoppingRule(curve(9, [0.1, 0.1]), [], milestones, 3, 'Maximize').decision).toBe('CONTINUE');
    expect(ashaStoppingRule(curve(9, new Array(27).fill(0.1)), [], milestones, 3, 'Maximize').reason).toMatch(/not a rung milestone below R=27/);
  });

  it('keeps the top floor(n / eta) at a milestone, the best alone while n < eta', () => {
    const others = [at3(1, 0.5), at3(2, 0.6), at3(3, 0.7), at3(4, 0.8), at3(5, 0.9)];
    // n = 6, quota 2: 0.85 ranks 2nd, 0.75 ranks 3rd.
    expect(ashaStoppingRule(at3(9, 0.85), others, milestones, 3, 'Maximize').decision).toBe('CONTINUE');
    const stop = ashaStoppingRule(at3(9, 0.75), others, milestones, 3, 'Maximize');
    expect(stop.decision).toBe('STOP');
    expect(stop.reason).toBe('rank 3 of 6 at rung 1 (r=3), outside the top 2');
    expect(ashaStoppingRule(at3(9, 0.4), [at3(1, 0.5)], milestones, 3, 'Maximize').decision).toBe('STOP');
    expect(ashaStoppingRule(at3(9, 0.6), [at3(1, 0.5)], milestones, 3, 'Maximize').decision).toBe('CONTINUE');
    expect(ashaStoppingRule(at3(9, 0.4), [at3(1, 0.5)], milestones, 3, 'Minimize').decision).toBe('CONTINUE');
  });

  it('breaks ties by trial id and never keeps a missing value', () => {
    expect(ashaStoppingRule(at3(0, 0.5), [at3(1, 0.5)], milestones, 3, 'Maximize').decision).toBe('CONTINUE');
    expect(ashaStoppingRule(at3(2, 0.5), [at3(1, 0.5)], milestones, 3, 'Maximize').decision).toBe('STOP');
    expect(ashaStoppingRule(at3(0, null), [], milestones, 3, 'Maximize').decision).toBe('STOP');
  });
});
