import fc from 'fast-check';
import {
  decodeRank,
  encodeRank,
  jobSk,
  leaderboardSk,
  runListSk,
  trialSk,
} from '../../lambda/adapters/aws/dynamodb-keys';

const doubles = fc.double({ noNaN: true });

describe('encodeRank', () => {
  it('orders encodings like the numbers, negatives and infinities included', () => {
    fc.assert(
      fc.property(doubles, doubles, (a, b) => {
        const [ea, eb] = [encodeRank(a), encodeRank(b)];
        const numeric = Math.sign(a - b) || 0;
        const lexical = ea < eb ? -1 : ea > eb ? 1 : 0;
        expect(lexical).toBe(a === b ? 0 : numeric);
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips every number (-0 as 0)', () => {
    fc.assert(
      fc.property(doubles, (x) => {
        expect(decodeRank(encodeRank(x))).toBe(x === 0 ? 0 : x);
      }),
    );
  });

  it('encodes concrete values as 16 hex digits', () => {
    expect(encodeRank(0)).toBe('8000000000000000');
    expect(encodeRank(-0)).toBe('8000000000000000');
    expect(encodeRank(1)).toBe('bff0000000000000');
    expect(encodeRank(-1)).toBe('400fffffffffffff');
    expect(encodeRank(Number.NEGATIVE_INFINITY) < encodeRank(-Number.MAX_VALUE)).toBe(true);
  });

  it('refuses NaN and malformed encodings', () => {
    expect(() => encodeRank(Number.NaN)).toThrow('rank must be a number, got NaN');
    expect(() => decodeRank('xyz')).toThrow("not an encoded rank: 'xyz'");
  });
});

describe('keys', () => {
  it('pads trial ids to 6 digits and refuses ids that do not fit', () => {
    expect(trialSk(42)).toBe('TRIAL#000042');
    expect(leaderboardSk(-1, 7)).toBe('400fffffffffffff#000007');
    expect(() => trialSk(1_000_000)).toThrow('trial id must be an integer from 0 to 999999, got 1000000');
    expect(() => trialSk(1.5)).toThrow(/got 1.5/);
  });

  it('builds job and run listing keys', () => {
    expect(jobSk('hpo-r-1-3')).toBe('JOB#hpo-r-1-3');
    expect(() => jobSk('')).toThrow('job name must not be empty');
    expect(runListSk('2025-01-01T00:00:00.000Z', 'r1')).toBe('2025-01-01T00:00:00.000Z#r1');
  });
});
