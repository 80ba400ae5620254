/**
 * Samplers: "what to try next" (Optuna's `BaseSampler`, Syne Tune's searchers).
 *
 * | name   | strategy                                   | uses history | uses rng |
 * | ------ | ------------------------------------------ | ------------ | -------- |
 * | Random | AMT `Random`: independent draws            | no           | yes      |
 * | Grid   | AMT `Grid`: categorical Cartesian product  | `proposed`   | no       |
 * | Sobol  | quasi-random, digitally shifted per run    | no           | no (seed)|
 * | TPE    | Tree-structured Parzen Estimator           | yes          | yes      |
 * | BOHB   | BOHB's multivariate KDE (for Hyperband/ASHA)| yes         | yes      |
 * | GP     | Gaussian-process expected improvement      | yes          | yes      |
 *
 * Every sampler that uses history reads what `observations.ts` selects: usable results of one
 * resource level, plus pending configurations as constant liars (BOHB, GP).
 */
import type { Sampler, SamplerName } from '../ports';
import { createGridSampler } from './grid';
import { createRandomSampler } from './random';
import { createSobolSampler } from './sobol';
import { createTpeSampler, type TpeSamplerOptions } from './tpe';
import { createBohbSampler, type BohbSamplerOptions } from './bohb';
import { createGpSampler, type GpSamplerOptions } from './gp';

export { createGridSampler } from './grid';
export { createRandomSampler, sampleUniform } from './random';
export { createSobolSampler, sobolPoint, SOBOL_MAX_DIMENSIONS, SOBOL_SHIFT_STREAM } from './sobol';
export type { SobolSamplerOptions } from './sobol';
export { createTpeSampler, defaultGamma, selectObservations, splitObservations } from './tpe';
export type { TpeSamplerOptions } from './tpe';
export { createBohbSampler, bohbModel, boundObservations } from './bohb';
export type { BohbSamplerOptions, BohbModel } from './bohb';
export { createGpSampler, copulaScores, normalQuantile } from './gp';
export type { GpSamplerOptions } from './gp';
export { pendingConfigurations, usableObservations, largestLevelWith } from './observations';

/** The sampler names {@link createSampler} knows. */
export const SAMPLER_NAMES: readonly SamplerName[] = ['Random', 'Grid', 'Sobol', 'TPE', 'BOHB', 'GP'];

/** Samplers that learn from history (so warm-start results are worth loading for them). */
export const LEARNING_SAMPLERS: ReadonlySet<SamplerName> = new Set<SamplerName>(['TPE', 'BOHB', 'GP']);

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
  /**
   * BOHB settings.
   *
   * @default - the paper's (see {@link BohbSamplerOptions})
   */
  readonly bohb?: BohbSamplerOptions;
  /**
   * GP settings.
   *
   * @default - see {@link GpSamplerOptions}
   */
  readonly gp?: GpSamplerOptions;
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
    case 'BOHB':
      return createBohbSampler(options.bohb);
    case 'GP':
      return createGpSampler(options.gp, options.seed);
    default:
      throw new Error(`unknown sampler ${JSON.stringify(name)}; expected one of ${SAMPLER_NAMES.join(', ')}`);
  }
}
