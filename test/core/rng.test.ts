import { createRng, rngFor } from '../../core/rng';

// An independent reference model of the generator in BigInt arithmetic (exact mod 2^32),
// written from the algorithm descriptions rather than from rng.ts: if the Math.imul / |0 /
// >>>0 code ever drifted from exact 32-bit arithmetic, the two would disagree.
const M = 0xffffffffn;
const mul = (a: bigint, b: bigint): bigint => (a * b) & M;
const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) & M;

function murmurRef(words: readonly bigint[], seed: bigint): bigint {
  let h = seed & M;
  for (const w of words) {
    let k = mul(w, 0xcc9e2d51n);
    k = rotl(k, 15n);
    k = mul(k, 0x1b873593n);
    h ^= k;
    h = rotl(h, 13n);
    h = (mul(h, 5n) + 0xe6546b64n) & M;
  }
  h ^= BigInt(words.length * 4);
  h ^= h >> 16n;
  h = mul(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul(h, 0xc2b2ae35n);
  h ^= h >> 16n;
  return h;
}

function wordsRef(values: readonly number[]): bigint[] {
  return values.flatMap((v) => [BigInt.asUintN(32, BigInt(v)), BigInt.asUintN(32, BigInt(v) >> 32n)]);
}

function referenceUint32s(values: readonly number[], count: number): number[] {
  const words = wordsRef(values);
  let a = murmurRef(words, 0x9e3779b9n);
  let b = murmurRef(words, 0x85ebca6bn);
  let c = murmurRef(words, 0xc2b2ae35n);
  let d = 1n;
  const step = (): bigint => {
    const t = (a + b + d) & M;
    d = (d + 1n) & M;
    a = b ^ (b >> 9n);
    b = (c + (c << 3n)) & M;
    c = rotl(c, 21n);
    c = (c + t) & M;
    return t;
  };
  for (let i = 0; i < 12; i += 1) step();
  return Array.from({ length: count }, () => Number(step()));
}

function chiSquare(counts: readonly number[], expected: number): number {
  return counts.reduce((sum, c) => sum + ((c - expected) * (c - expected)) / expected, 0);
}

describe('createRng', () => {
  it('produces the recorded golden values for seed 42', () => {
    // Prepare
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(42);
    // Act / Assess
    expect([a.uint32(), a.uint32(), a.uint32(), a.uint32(), a.uint32()]).toEqual([2013190434, 2910228116, 3660039743, 3864243100, 2718432640]);
    expect([b.next(), b.next(), b.next()]).toEqual([0.46873242912881286, 0.8521694086470768, 0.6329344260067122]);
    expect([1, 2, 3, 4, 5].map(() => c.int(1, 6))).toEqual([1, 3, 6, 5, 5]);
  });

  it.each([0, 1, 42, -1, -42, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER])(
    'matches the exact BigInt reference model for seed %p',
    (seed) => {
      const rng = createRng(seed);
      const actual = Array.from({ length: 1000 }, () => rng.uint32());
      expect(actual).toEqual(referenceUint32s([seed], 1000));
    },
  );

  it('builds next() from 53 bits of two outputs', () => {
    const [x1, x2] = referenceUint32s([7], 2) as [number, number];
    expect(createRng(7).next()).toBe(((x1 >>> 5) * 2 ** 26 + (x2 >>> 6)) / 2 ** 53);
  });

  it('gives uniform next() values: chi-square over 100 buckets between 40 and 200', () => {
    // 99 degrees of freedom: mean 99, sd 14. A constant, a counter or a biased generator lands
    // far outside; a correct one is outside with probability < 1e-8.
    const rng = createRng(12345);
    const counts = new Array<number>(100).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const x = rng.next();
      if (!(x >= 0 && x < 1)) outside += 1;
      else counts[Math.floor(x * 100)] += 1;
    }
    expect(outside).toBe(0);
    const chi2 = chiSquare(counts, 1000);
    expect(chi2).toBeGreaterThan(40);
    expect(chi2).toBeLessThan(200);
  });

  it('has no serial correlation: consecutive pairs fill a 10x10 grid evenly', () => {
    const rng = createRng(99);
    const counts = new Array<number>(100).fill(0);
    for (let i = 0; i < 50_000; i += 1) {
      counts[Math.floor(rng.next() * 10) * 10 + Math.floor(rng.next() * 10)] += 1;
    }
    const chi2 = chiSquare(counts, 500);
    expect(chi2).toBeGreaterThan(40);
    expect(chi2).toBeLessThan(200);
  });

  it('gives uniform int(0, 9) values including both ends', () => {
    // 9 degrees of freedom: a correct generator exceeds 40 with probability < 1e-5.
    const rng = createRng(2024);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i += 1) counts[rng.int(0, 9)] += 1;
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(chiSquare(counts, 10_000)).toBeLessThan(40);
  });

  it('handles degenerate, negative and wider-than-32-bit int ranges', () => {
    const rng = createRng(3);
    expect(rng.int(5, 5)).toBe(5);
    for (let i = 0; i < 1000; i += 1) {
      const x = rng.int(-3, -1);
      expect([-3, -2, -1]).toContain(x);
    }
    const big = Array.from({ length: 1000 }, () => rng.int(0, 2 ** 40));
    expect(big.every((x) => Number.isInteger(x) && x >= 0 && x <= 2 ** 40)).toBe(true);
    expect(Math.max(...big)).toBeGreaterThan(2 ** 39); // the upper half is reached
  });

  it('rejects invalid seeds and int bounds with messages naming the value', () => {
    expect(() => createRng(1.5)).toThrow('rng seed must be a safe integer; got 1.5');
    expect(() => createRng(Number.NaN)).toThrow('rng seed must be a safe integer; got NaN');
    const rng = createRng(1);
    expect(() => rng.int(3, 2)).toThrow('rng.int needs lo <= hi; got lo 3, hi 2');
    expect(() => rng.int(0, 1.5)).toThrow('rng.int bounds must be safe integers; got lo 0, hi 1.5');
    expect(() => rng.int(-(2 ** 53) + 1, 2 ** 53 - 1)).toThrow(/at most 2\^53 integers/);
  });

  it('uses both 32-bit halves of the seed', () => {
    expect(createRng(42).next()).not.toBe(createRng(42 + 2 ** 32).next());
    expect(createRng(-1).next()).not.toBe(createRng(2 ** 32 - 1).next());
  });
});

describe('rngFor', () => {
  it('equals createRng for an empty stream path', () => {
    const a = rngFor(42);
    const b = createRng(42);
    expect(Array.from({ length: 10 }, () => a.uint32())).toEqual(Array.from({ length: 10 }, () => b.uint32()));
  });

  it('matches the reference model for a stream path', () => {
    const rng = rngFor(42, 7, 3);
    expect(Array.from({ length: 100 }, () => rng.uint32())).toEqual(referenceUint32s([42, 7, 3], 100));
  });

  it('gives distinct streams for paths that differ in order, length or value', () => {
    const paths: number[][] = [[], [0], [1], [12], [1, 2], [2, 1], [1, 2, 0], [1, 0], [-1], [-1, 0x50b0]];
    const firsts = paths.map((p) => rngFor(42, ...p).next());
    expect(new Set(firsts).size).toBe(paths.length);
  });

  it('gives 10,000 trial streams with distinct starts', () => {
    const firsts = Array.from({ length: 10_000 }, (_, t) => rngFor(42, t).next());
    expect(new Set(firsts).size).toBe(10_000);
  });

  it('gives uncorrelated neighbouring streams', () => {
    // 10,000 pairs: the correlation coefficient has sd 0.01; 0.05 is five sd.
    const a = rngFor(42, 0);
    const b = rngFor(42, 1);
    const n = 10_000;
    const xs = Array.from({ length: n }, () => a.next());
    const ys = Array.from({ length: n }, () => b.next());
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let i = 0; i < n; i += 1) {
      sxy += (xs[i]! - mx) * (ys[i]! - my);
      sxx += (xs[i]! - mx) ** 2;
      syy += (ys[i]! - my) ** 2;
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy))).toBeLessThan(0.05);
  });

  it('does not depend on which other streams were created or used first', () => {
    const alone = rngFor(9, 5, 1).next();
    const other = rngFor(9, 4, 1);
    for (let i = 0; i < 100; i += 1) other.next();
    expect(rngFor(9, 5, 1).next()).toBe(alone);
  });

  it('rejects a stream element that is not a safe integer', () => {
    expect(() => rngFor(1, 2, 0.5)).toThrow('rng stream element 1 must be a safe integer; got 0.5');
  });
});
