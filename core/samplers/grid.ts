/**
 * Grid search (AMT's `Grid` strategy) over a categorical-only space.
 */
import type { Configuration, Rng, Sampler, SearchSpaceSpec, SuggestContext } from '../ports';
import { configurationKey } from '../space/codec';
import { iterateGrid } from '../space/grid';

/**
 * Creates the grid sampler.
 *
 * `suggest` returns the first grid point (in `iterateGrid` order: lexicographic, last parameter
 * fastest) that is not among `ctx.proposed`, or null when every point has been proposed. It
 * skips by value, not by trial number, so configurations proposed some other way (a retry,
 * a warm start) are not proposed again. It uses no randomness.
 *
 * Why not a shuffled order: AMT leaves Grid's order unspecified, but a shuffle would need a
 * run-wide permutation while the rng passed in is per trial; a fixed order is also easier to
 * reason about. If the training-job budget is smaller than the grid, the points not reached
 * are the last ones in this order.
 *
 * `suggest` throws a SearchSpaceError when the space is invalid or not categorical-only.
 */
export function createGridSampler(): Sampler {
  return {
    name: 'Grid',
    suggest(space: SearchSpaceSpec, ctx: SuggestContext, _rng: Rng): Configuration | null {
      const taken = new Set(ctx.proposed.map((c) => configurationKey(space, c)));
      // Each skipped point is a distinct proposed configuration, so this loop runs at most
      // proposed.length + 1 times.
      for (const point of iterateGrid(space)) {
        if (!taken.has(configurationKey(space, point))) return point;
      }
      return null;
    },
  };
}
