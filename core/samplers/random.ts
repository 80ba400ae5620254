/**
 * Random search (Bergstra & Bengio 2012, "Random Search for Hyper-Parameter Optimization";
 * AMT's `Random` strategy).
 */
import type { Configuration, Rng, Sampler, SearchSpaceSpec, SuggestContext } from '../ports';
import { decode } from '../space/codec';

/**
 * Draws a point of [0, 1)^d with `rng` (one `rng.next()` per parameter, in space order) and
 * decodes it: each parameter is sampled independently on its own scaling (log-uniform for
 * Logarithmic, uniform integers for Linear integers, uniform categories).
 *
 * @throws SearchSpaceError when the space is invalid.
 */
export function sampleUniform(space: SearchSpaceSpec, rng: Rng): Configuration {
  return decode(
    space,
    space.parameters.map(() => rng.next()),
  );
}

/**
 * Creates the random sampler: independent draws from the per-trial `rng`, ignoring history.
 * Seed the rng per trial (`rngFor(runSeed, trialId, ...)`) and the same seed gives the same
 * trials whatever order results arrive in.
 */
export function createRandomSampler(): Sampler {
  return {
    name: 'Random',
    suggest(space: SearchSpaceSpec, _ctx: SuggestContext, rng: Rng): Configuration {
      return sampleUniform(space, rng);
    },
  };
}
