import {
  bracketMilestones,
  bracketShape,
  bracketTable,
  bracketTrials,
  fitBracket,
  isPromotable,
  ladder,
  promotionQuota,
  rankRung,
  roundResourceUp,
  sMax,
  shapeJobs,
  shapeResource,
} from '../../../core/schedulers/rungs';

const table = (l: ReturnType<typeof ladder>) => bracketTable(l).map((b) => [b.bracket, b.rungs.map((r) => [r.trials, r.resource])]);

describe('milestone ladder', () => {
  it('R=81, r_min=1, eta=3: s_max=4 and the powers of 3', () => {
    const l = ladder(1, 81, 3);
    expect(l.sMax).toBe(4);
    expect(l.milestones).toEqual([1, 3, 9, 27, 81]);
  });

  it('computes s_max without floating-point logarithms (1000 = 10^3)', () => {
    // Math.log(1000) / Math.log(10) = 2.9999999999999996
    expect(Math.floor(Math.log(1000) / Math.log(10))).toBe(2);
    expect(sMax(1, 243, 3)).toBe(5);
    expect(sMax(1, 125, 5)).toBe(3);
    expect(sMax(1, 1000, 10)).toBe(3);
    expect(sMax(1, 999, 10)).toBe(2);
  });

  it('non-power R: r_min=1, R=100, eta=3 -> 1, 3, 9, 27, 100 (top rung exactly R)', () => {
    const l = ladder(1, 100, 3);
    expect(l.sMax).toBe(4);
    expect(l.milestones).toEqual([1, 3, 9, 27, 100]);
  });

  it('non-power R: r_min=2, R=50, eta=2 -> 2, 4, 8, 16, 50', () => {
    const l = ladder(2, 50, 2);
    expect(l.sMax).toBe(4);
    expect(l.milestones).toEqual([2, 4, 8, 16, 50]);
  });

  it('r_min = R: a single milestone, s_max = 0', () => {
    const l = ladder(5, 5, 3);
    expect(l.sMax).toBe(0);
    expect(l.milestones).toEqual([5]);
    expect(table(l)).toEqual([[0, [[1, 5]]]]);
  });

  it('R just below the next power: r_min=1, R=80, eta=3 -> s_max=3, top rung 80', () => {
    expect(ladder(1, 80, 3).milestones).toEqual([1, 3, 9, 80]);
  });

  it('rounds non-integer products up and removes duplicates', () => {
    expect(ladder(1, 7, 2.5).milestones).toEqual([1, 3, 7]);
    expect(ladder(1.5, 3, 2).milestones).toEqual([2, 3]);
    expect(roundResourceUp(3.0000000000001)).toBe(3);
    expect(roundResourceUp(3.2)).toBe(4);
  });

  it('rejects bad parameters with lowercase messages', () => {
    expect(() => ladder(0, 9, 3)).toThrow(/^minimum resource must be a positive number, got 0/);
    expect(() => ladder(10, 9, 3)).toThrow(/^maximum resource must be a number >= the minimum resource 10, got 9/);
    expect(() => ladder(1, 9, 1.5)).toThrow(/^reduction factor must be a number >= 2, got 1.5/);
  });
});

describe('bracket table (Li et al. 2018, section 3)', () => {
  it('reproduces the paper table for R=81, eta=3', () => {
    expect(table(ladder(1, 81, 3))).toEqual([
      [4, [[81, 1], [27, 3], [9, 9], [3, 27], [1, 81]]],
      [3, [[34, 3], [11, 9], [3, 27], [1, 81]]],
      [2, [[15, 9], [5, 27], [1, 81]]],
      [1, [[8, 27], [2, 81]]],
      [0, [[5, 81]]],
    ]);
  });

  it('jobs and resource per bracket for R=81, eta=3 (one iteration: 206 jobs, 143 trials, 1581 units)', () => {
    const shapes = bracketTable(ladder(1, 81, 3));
    expect(shapes.map(shapeJobs)).toEqual([121, 49, 21, 10, 5]);
    expect(shapes.map(shapeResource)).toEqual([297, 276, 279, 324, 405]);
    expect(shapes.reduce((n, b) => n + b.rungs[0].trials, 0)).toBe(143);
  });

  it('non-power inputs: r_min=1, R=100, eta=3', () => {
    expect(table(ladder(1, 100, 3))).toEqual([
      [4, [[81, 1], [27, 3], [9, 9], [3, 27], [1, 100]]],
      [3, [[34, 3], [11, 9], [3, 27], [1, 100]]],
      [2, [[15, 9], [5, 27], [1, 100]]],
      [1, [[8, 27], [2, 100]]],
      [0, [[5, 100]]],
    ]);
  });

  it('non-power inputs: r_min=2, R=50, eta=2', () => {
    // n_s = ceil(5/(s+1) * 2^s): 16, 10, 7, 5, 5
    expect(table(ladder(2, 50, 2))).toEqual([
      [4, [[16, 2], [8, 4], [4, 8], [2, 16], [1, 50]]],
      [3, [[10, 4], [5, 8], [2, 16], [1, 50]]],
      [2, [[7, 8], [3, 16], [1, 50]]],
      [1, [[5, 16], [2, 50]]],
      [0, [[5, 50]]],
    ]);
  });

  it('bracket milestones are the top s+1 of the ladder', () => {
    const l = ladder(1, 100, 3);
    expect(bracketMilestones(l, 2)).toEqual([9, 27, 100]);
    expect(bracketTrials(l, 3)).toBe(34);
    expect(() => bracketMilestones(l, 5)).toThrow(/^bracket must be an integer in \[0, 4\], got 5/);
  });
});

describe('fitBracket (synchronous truncation)', () => {
  const l = ladder(1, 81, 3);

  it('keeps the paper shape when it fits', () => {
    expect(fitBracket(l, 4, 121, Infinity)?.rungs.map((r) => r.trials)).toEqual([81, 27, 9, 3, 1]);
  });

  it('shrinks n to the largest n that fits and keeps one trial at R', () => {
    // s=3: jobs(n) = n + floor(n/3) + floor(n/9) + floor(n/27); jobs(31) = 31+10+3+1 = 45, jobs(32) = 32+10+3+1 = 46
    expect(fitBracket(l, 3, 45, Infinity)?.rungs.map((r) => r.trials)).toEqual([31, 10, 3, 1]);
    expect(fitBracket(l, 3, 46, Infinity)?.rungs.map((r) => r.trials)).toEqual([32, 10, 3, 1]);
  });

  it('returns null when even n = eta^s does not fit', () => {
    expect(shapeJobs(bracketShape(l, 4, 81))).toBe(121);
    expect(fitBracket(l, 4, 120, Infinity)).toBeNull();
    expect(fitBracket(l, 0, 0, Infinity)).toBeNull();
    expect(fitBracket(l, 0, 3, Infinity)?.rungs).toEqual([{ trials: 3, resource: 81 }]);
  });

  it('respects a trial cap', () => {
    expect(fitBracket(l, 1, 100, 4)?.rungs.map((r) => r.trials)).toEqual([4, 1]);
    expect(fitBracket(l, 1, 100, 2)).toBeNull();
  });
});

describe('promotion rule', () => {
  const e = (trialId: number, value: number | null) => ({ trialId, value });

  it('quota is floor(n / eta)', () => {
    expect([1, 2, 3, 5, 6, 8, 9].map((n) => promotionQuota(n, 3))).toEqual([0, 0, 1, 1, 2, 2, 3]);
  });

  it('nothing is promotable while fewer than eta results exist', () => {
    expect(isPromotable(e(0, 0.1), [e(0, 0.1), e(1, 0.5)], 3, 'Minimize')).toBe(false);
  });

  it('top 1/eta, Minimize vs Maximize', () => {
    const rung = [e(0, 0.5), e(1, 0.3), e(2, 0.9)];
    expect(rung.map((c) => isPromotable(c, rung, 3, 'Minimize'))).toEqual([false, true, false]);
    expect(rung.map((c) => isPromotable(c, rung, 3, 'Maximize'))).toEqual([false, false, true]);
  });

  it('ties are broken by the smaller trial id, whatever the order of the list', () => {
    const rung = [e(5, 0.2), e(3, 0.2), e(9, 0.7)];
    expect(isPromotable(e(3, 0.2), rung, 3, 'Minimize')).toBe(true);
    expect(isPromotable(e(5, 0.2), rung, 3, 'Minimize')).toBe(false);
    expect(rankRung(rung, 'Minimize').map((x) => x.trialId)).toEqual([3, 5, 9]);
  });

  it('failed results rank worst and are never promoted', () => {
    const rung = [e(0, null), e(1, null), e(2, 10)];
    expect(isPromotable(e(2, 10), rung, 3, 'Minimize')).toBe(true);
    expect(isPromotable(e(0, null), [e(0, null), e(1, null), e(2, null)], 3, 'Minimize')).toBe(false);
    expect(rankRung(rung, 'Maximize').map((x) => x.trialId)).toEqual([2, 0, 1]);
  });

  it('counts the candidate once whether or not it is in the competing list', () => {
    const others = [e(1, 0.3), e(2, 0.9)];
    expect(isPromotable(e(0, 0.1), others, 3, 'Minimize')).toBe(true);
    expect(isPromotable(e(0, 0.1), [...others, e(0, 0.1)], 3, 'Minimize')).toBe(true);
  });

  it('does not mutate its inputs', () => {
    const rung = Object.freeze([e(2, 0.9), e(1, 0.3)].map((x) => Object.freeze(x)));
    expect(rankRung(rung, 'Minimize').map((x) => x.trialId)).toEqual([1, 2]);
    expect(rung.map((x) => x.trialId)).toEqual([2, 1]);
  });
});
