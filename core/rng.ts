/**
 * Seeded pseudo-random numbers for the tuning core.
 *
 * Generator: sfc32 (Chris Doty-Humphrey's "Small Fast Chaotic" generator, 128 bits of state,
 * passes PractRand and BigCrush). Every step is 32-bit integer arithmetic (`Math.imul`,
 * `| 0`, `>>> 0`), so a seed gives the same sequence on every machine and JS engine.
 *
 * Seeding: the seed (and, for {@link rngFor}, the stream path) is split into 32-bit words and
 * hashed with MurmurHash3's x86_32 mixing (Appleby) under three different hash seeds, which
 * gives sfc32's three free state words; the fourth is sfc32's counter, started at 1. The
 * first 12 outputs are discarded, as the generator's author recommends.
 *
 * Streams: STYLE.md asks for one stream per (studySeed, trialNumber), never one global
 * stream, so that the same `RandomSeed` gives the same trials whatever order results arrive
 * in. `rngFor(runSeed, trialId, purpose)` derives such a stream by hashing the whole path;
 * deriving a stream never consumes numbers from another one.
 */
import type { Rng } from './ports';

/** An {@link Rng} that also exposes its raw 32-bit output. */
export interface SeededRng extends Rng {
  /** Uniform integer in [0, 2^32 - 1]. */
  uint32(): number;
}

const TWO_POW_32 = 4294967296;
const TWO_POW_26 = 67108864;
const TWO_POW_53 = 9007199254740992;
const DISCARD = 12;

/** MurmurHash3 seeds used to derive sfc32's three state words (arbitrary odd constants). */
const STATE_SEED_A = 0x9e3779b9;
const STATE_SEED_B = 0x85ebca6b;
const STATE_SEED_C = 0xc2b2ae35;

function rotl32(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

/** MurmurHash3 x86_32 over a sequence of 32-bit words (the word count is mixed in). */
function murmur3Words(words: readonly number[], seed: number): number {
  let h = seed | 0;
  for (const word of words) {
    let k = Math.imul(word | 0, 0xcc9e2d51);
    k = rotl32(k, 15);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = rotl32(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= words.length * 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Splits a safe integer into its low and high 32-bit words (two's complement for negatives). */
function toWords(value: number, what: string): [number, number] {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${what} must be a safe integer; got ${String(value)}`);
  }
  const lo = value >>> 0;
  const hi = Math.floor(value / TWO_POW_32) >>> 0;
  return [lo, hi];
}

function sfc32FromWords(words: readonly number[]): SeededRng {
  let a = murmur3Words(words, STATE_SEED_A) | 0;
  let b = murmur3Words(words, STATE_SEED_B) | 0;
  let c = murmur3Words(words, STATE_SEED_C) | 0;
  let d = 1;

  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < DISCARD; i += 1) uint32();

  /** 53 random bits (27 from one output, 26 from the next) as an exact integer. */
  const uint53 = (): number => (uint32() >>> 5) * TWO_POW_26 + (uint32() >>> 6);

  const next = (): number => uint53() / TWO_POW_53;

  const int = (lo: number, hi: number): number => {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi)) {
      throw new RangeError(`rng.int bounds must be safe integers; got lo ${String(lo)}, hi ${String(hi)}`);
    }
    if (lo > hi) {
      throw new RangeError(`rng.int needs lo <= hi; got lo ${lo}, hi ${hi}`);
    }
    const n = hi - lo + 1;
    if (n > TWO_POW_53) {
      throw new RangeError(`rng.int range must hold at most 2^53 integers; got lo ${lo}, hi ${hi}`);
    }
    // Rejection sampling: draws at or above `limit` would make the smallest residues more likely.
    if (n <= TWO_POW_32) {
      const limit = TWO_POW_32 - (TWO_POW_32 % n);
      let x = uint32();
      while (x >= limit) x = uint32();
      return lo + (x % n);
    }
    const limit = TWO_POW_53 - (TWO_POW_53 % n);
    let x = uint53();
    while (x >= limit) x = uint53();
    return lo + (x % n);
  };

  return { next, int, uint32 };
}

/**
 * Creates a generator from a seed.
 *
 * @param seed any safe integer (negative values and values above 2^32 are fine: both 32-bit
 *   halves are hashed). The same seed gives the same sequence on every machine.
 * @throws RangeError when `seed` is not a safe integer.
 */
export function createRng(seed: number): SeededRng {
  return sfc32FromWords(toWords(seed, 'rng seed'));
}

/**
 * Derives an independent generator for one stream of a run, such as
 * `rngFor(runSeed, trialId, PURPOSE)`.
 *
 * The stream path is hashed together with the seed, so streams do not depend on each other
 * or on the order in which they are created, and `rngFor(seed)` (no path) equals
 * `createRng(seed)`. Paths are compared element by element: `(1, 2)`, `(2, 1)`, `(12)` and
 * `(1, 2, 0)` are all different streams.
 *
 * @param seed the run seed (a safe integer).
 * @param stream the stream path, e.g. trial number then purpose tag (safe integers).
 * @throws RangeError when the seed or a path element is not a safe integer.
 */
export function rngFor(seed: number, ...stream: number[]): SeededRng {
  const words: number[] = [...toWords(seed, 'rng seed')];
  stream.forEach((part, i) => {
    words.push(...toWords(part, `rng stream element ${i}`));
  });
  return sfc32FromWords(words);
}
