/**
 * Sobol quasi-random sampling (our addition over AMT's strategies).
 *
 * Sobol' (1967) sequences fill [0, 1)^d far more evenly than independent uniform draws: the
 * first 2^m points of dimension j put exactly one point in each interval [i/2^m, (i+1)/2^m),
 * and low-dimensional projections are similarly stratified. We use the Gray-code form
 * (Antonov & Saleev 1979): point n is the XOR of the direction numbers v_k over the set bits
 * k of gray(n) = n XOR (n >> 1). Computing a point from its index alone, without the previous
 * point, is what a stateless Lambda needs: point index = trial number.
 *
 * Direction numbers: Joe & Kuo (2008), see `sobol-directions.ts`, 32 bits per coordinate,
 * up to {@link SOBOL_MAX_DIMENSIONS} dimensions.
 *
 * Randomization: with a run seed, every point is XORed with a random 32-bit digital shift per
 * dimension, drawn once per run from `rngFor(seed, ...SOBOL_SHIFT_STREAM)`. A digital shift
 * keeps every stratification property above (it only permutes the elementary intervals),
 * so the sequence stays low-discrepancy, while different seeds give different sequences, and
 * point 0 is no longer the corner (0, ..., 0). Trial n uses point n. Without a seed the
 * sequence is the plain one and trial n uses point n + 1, skipping the corner point 0 (every
 * parameter at its minimum).
 */
import type { Configuration, Rng, Sampler, SearchSpaceSpec, SuggestContext } from '../ports';
import { rngFor } from '../rng';
import { decode } from '../space/codec';
import { SearchSpaceError } from '../space/errors';
import { JOE_KUO_2008 } from './sobol-directions';

/** The most dimensions (tunable parameters) the embedded direction numbers support. */
export const SOBOL_MAX_DIMENSIONS = JOE_KUO_2008.length + 1;

/**
 * The run-level stream the digital shift is drawn from: `rngFor(seed, ...SOBOL_SHIFT_STREAM)`.
 * It starts with -1 so that it can never equal a per-trial stream `(trialId, ...)`.
 */
export const SOBOL_SHIFT_STREAM: readonly number[] = [-1, 0x50b0];

const BITS = 32;
const TWO_POW_32 = 4294967296;

/** v_1..v_32 for one dimension, as uint32 (v_k = m_k * 2^(32-k)). */
function directionNumbers(row: readonly number[] | undefined): number[] {
  const v: number[] = [];
  if (row === undefined) {
    // Dimension 1: van der Corput, m_k = 1.
    for (let k = 1; k <= BITS; k += 1) v.push(2 ** (BITS - k));
    return v;
  }
  const s = row[0] as number;
  const a = row[1] as number;
  const m: number[] = [0]; // 1-based: m[k]
  for (let k = 1; k <= BITS; k += 1) {
    if (k <= s) {
      m.push(row[1 + k] as number);
      continue;
    }
    // m_k = 2^s m_(k-s) XOR m_(k-s) XOR (XOR over i = 1..s-1 of c_i 2^i m_(k-i))
    let mk = (m[k - s] as number) ^ ((m[k - s] as number) << s);
    for (let i = 1; i < s; i += 1) {
      if ((a >>> (s - 1 - i)) & 1) mk ^= (m[k - i] as number) << i;
    }
    m.push(mk >>> 0);
  }
  for (let k = 1; k <= BITS; k += 1) v.push(((m[k] as number) << (BITS - k)) >>> 0);
  return v;
}

const DIRECTIONS: readonly (readonly number[])[] = [undefined, ...JOE_KUO_2008].map(directionNumbers);

/**
 * Sobol point number `index` in [0, 1)^dimensions, optionally digitally shifted.
 *
 * @param index 0-based point index, an integer in [0, 2^32).
 * @param dimensions 0 to {@link SOBOL_MAX_DIMENSIONS}.
 * @param shift one uint32 per dimension XORed into the coordinates (a digital shift).
 * @throws RangeError on an out-of-range index, dimension count or shift.
 */
export function sobolPoint(index: number, dimensions: number, shift?: readonly number[]): number[] {
  if (!Number.isSafeInteger(index) || index < 0 || index >= TWO_POW_32) {
    throw new RangeError(`sobol point index must be an integer in [0, 2^32); got ${String(index)}`);
  }
  if (!Number.isSafeInteger(dimensions) || dimensions < 0 || dimensions > SOBOL_MAX_DIMENSIONS) {
    throw new RangeError(`sobol supports 0 to ${SOBOL_MAX_DIMENSIONS} dimensions; got ${String(dimensions)}`);
  }
  if (shift !== undefined && (shift.length < dimensions || shift.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32))) {
    throw new RangeError(`sobol shift needs ${dimensions} integers in [0, 2^32); got [${shift.join(', ')}]`);
  }
  const gray = (index ^ (index >>> 1)) >>> 0;
  const point: number[] = [];
  for (let d = 0; d < dimensions; d += 1) {
    const v = DIRECTIONS[d] as readonly number[];
    let x = shift === undefined ? 0 : (shift[d] as number);
    for (let k = 0; k < BITS; k += 1) {
      if ((gray >>> k) & 1) x ^= v[k] as number;
    }
    point.push((x >>> 0) / TWO_POW_32);
  }
  return point;
}

/** Options of {@link createSobolSampler}. */
export interface SobolSamplerOptions {
  /**
   * The run seed. When set, the sequence is digitally shifted by a per-run random shift
   * (different seeds, different sequences) and trial n uses point n.
   *
   * @default - no shift: the plain sequence, trial n uses point n + 1
   */
  readonly seed?: number;
}

/**
 * Creates a Sobol sampler: trial `ctx.trialId` gets Sobol point `trialId` (shifted) or
 * `trialId + 1` (plain), decoded through the space's scalings. It ignores the history and
 * the per-trial rng: the same run seed and trial number always give the same configuration.
 *
 * `suggest` throws a SearchSpaceError when the space is invalid or has more than
 * {@link SOBOL_MAX_DIMENSIONS} parameters, and a RangeError on a negative or fractional trialId.
 */
export function createSobolSampler(options: SobolSamplerOptions = {}): Sampler {
  let shift: readonly number[] | undefined;
  if (options.seed !== undefined) {
    const rng = rngFor(options.seed, ...SOBOL_SHIFT_STREAM);
    shift = Array.from({ length: SOBOL_MAX_DIMENSIONS }, () => rng.uint32());
  }
  return {
    name: 'Sobol',
    suggest(space: SearchSpaceSpec, ctx: SuggestContext, _rng: Rng): Configuration {
      const d = space.parameters.length;
      if (d > SOBOL_MAX_DIMENSIONS) {
        throw new SearchSpaceError([`the sobol sampler supports at most ${SOBOL_MAX_DIMENSIONS} parameters; the space has ${d}`]);
      }
      if (!Number.isSafeInteger(ctx.trialId) || ctx.trialId < 0) {
        throw new RangeError(`trialId must be a non-negative integer; got ${String(ctx.trialId)}`);
      }
      const index = shift === undefined ? ctx.trialId + 1 : ctx.trialId;
      return decode(space, sobolPoint(index, d, shift));
    },
  };
}
