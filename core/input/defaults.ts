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

/** The bucket local mode stands in for S3 with (a folder of the run: `.hpo/runs/<run>/s3/hpo-local`). */
export const LOCAL_BUCKET = 'hpo-local';
/** `FailureConfig.MaxInitialFailures`: the run fails when its first this-many finished jobs all failed. */
export const DEFAULT_MAX_INITIAL_FAILURES = 3;
/** `FailureConfig.MaxFailedFraction`: the run fails when more than this fraction of finished jobs failed... */
export const DEFAULT_MAX_FAILED_FRACTION = 0.5;
/** `FailureConfig.MinFinishedJobs`: ...once at least this many jobs have finished. */
export const DEFAULT_MIN_FINISHED_JOBS = 10;
/** `FailureConfig.MaxCapacityWaitInSeconds`: longest wait for capacity with none of the run's jobs running. */
export const DEFAULT_MAX_CAPACITY_WAIT_SECONDS = 3600;

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
