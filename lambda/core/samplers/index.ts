/**
 * Samplers: "what to try next" (Optuna's `BaseSampler`, Syne Tune's searchers).
 *
 * | name   | strategy                                   | uses history | uses rng |
 * | ------ | ------------------------------------------ | ------------ | -------- |
 * | Random | AMT `Random`: independent draws            | no           | yes      |
 * | Grid   | AMT `Grid`: categorical Cartesian product  | `proposed`   | no       |
 * | Sobol  | quasi-random, digitally shifted per run    | no           | no (seed)|
 * | TPE    | AMT `Bayesian`: Tree-structured Parzen Est.| yes          | yes      |
 */
import type { Sampler, SamplerName } from '../ports';
import { createGridSampler } from './grid';
import { createRandomSampler } from './random';
import { createSobolSampler } from './sobol';
import { createTpeSampler, type TpeSamplerOptions } from './tpe';

export { createGridSampler } from './grid';
export { createRandomSampler, sampleUniform } from './random';
export { createSobolSampler, sobolPoint, SOBOL_MAX_DIMENSIONS, SOBOL_SHIFT_STREAM } from './sobol';
export type { SobolSamplerOptions } from './sobol';
export { createTpeSampler, defaultGamma, selectObservations, splitObservations } from './tpe';
export type { TpeSamplerOptions } from './tpe';

/** The sampler names {@link createSampler} knows. */
export const SAMPLER_NAMES: readonly SamplerName[] = ['Random', 'Grid', 'Sobol', 'TPE'];

/** Options of {@link createSampler}. */
export interface SamplerOptions {
  /**
   * The run seed. Only Sobol uses it (for its per-run digital shift); the other samplers
   * get their randomness from the per-trial rng passed to `suggest`.
   *
   * @default - Sobol runs unshifted (the same sequence for every seed)
   */
  readonly seed?: number;
  /**
   * TPE settings.
   *
   * @default - TPE's defaults (see {@link TpeSamplerOptions})
   */
  readonly tpe?: TpeSamplerOptions;
}

/**
 * Creates the sampler called `name`.
 *
 * @throws Error when `name` is not one of {@link SAMPLER_NAMES}.
 */
export function createSampler(name: SamplerName, options: SamplerOptions = {}): Sampler {
  switch (name) {
    case 'Random':
      return createRandomSampler();
    case 'Grid':
      return createGridSampler();
    case 'Sobol':
      return createSobolSampler(options.seed === undefined ? {} : { seed: options.seed });
    case 'TPE':
      return createTpeSampler(options.tpe);
    default:
      throw new Error(`unknown sampler ${JSON.stringify(name)}; expected one of ${SAMPLER_NAMES.join(', ')}`);
  }
}
