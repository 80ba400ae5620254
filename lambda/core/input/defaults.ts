/**
 * Defaults the input model documents and `toTuningSpec` fills in (one place for both).
 */

import type { HyperbandMode, SamplerName } from '../ports';
import type { StrategyName } from './types';

/** Default eta of Hyperband/ASHA. */
export const DEFAULT_REDUCTION_FACTOR = 3;
/** Default hyperparameter carrying the resource. */
export const DEFAULT_RESOURCE_HYPERPARAMETER = 'epochs';
/** Default r_min. */
export const DEFAULT_MIN_RESOURCE = 1;
/** Default Hyperband mode. */
export const DEFAULT_HYPERBAND_MODE: HyperbandMode = 'Asynchronous';
/** Default per-job training time limit of SageMaker (1 day). */
export const DEFAULT_MAX_RUNTIME_SECONDS = 86_400;

/**
 * The sampler each strategy uses unless `Sampler` says otherwise: the one the real-training
 * benchmark supports (bench/RESULTS-REAL.md). `GP` beat TPE for `Bayesian` and every other
 * sampler inside Hyperband and ASHA there, where it models every resource level at once.
 */
export const DEFAULT_SAMPLER: Readonly<Record<StrategyName, SamplerName>> = {
  Random: 'Random',
  Grid: 'Grid',
  Bayesian: 'GP',
  Hyperband: 'GP',
  ASHA: 'GP',
};
