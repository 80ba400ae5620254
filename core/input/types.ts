/**
 * TypeScript types of the tuning input: the request body of SageMaker's
 * `CreateHyperParameterTuningJob`, extended.
 *
 * These types describe a *valid* input (what `parseTuningInput` returns). The constraints
 * (lengths, patterns, bounds) are in the field description `input-model.ts`, which the
 * validator, the JSON Schema and docs/input-reference.md are derived from.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
 */

import type { HyperbandMode, ObjectiveType, SamplerName, ScalingType } from '../ports';

/** AMT's strategies plus ours (`ASHA`). */
export type StrategyName = 'Random' | 'Grid' | 'Bayesian' | 'Hyperband' | 'ASHA';

/**
 * Hyperband/ASHA settings: AMT's `MinResource`/`MaxResource` plus our extensions.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperbandStrategyConfig.html
 */
export interface HyperbandStrategyConfig {
  /**
   * r_min: the resource of the lowest rung.
   *
   * @default 1
   */
  readonly MinResource?: number;
  /** R: the maximum resource a trial is trained to. Required by this tuner. */
  readonly MaxResource?: number;
  /**
   * eta: only the top 1/eta of a rung is promoted (our extension).
   *
   * @default 3
   */
  readonly ReductionFactor?: number;
  /**
   * The hyperparameter that tells the training script how far to train (our extension).
   *
   * @default 'epochs'
   */
  readonly ResourceHyperParameter?: string;
  /**
   * `Asynchronous` promotes as soon as a rung allows; `Synchronous` is per-bracket
   * successive halving (our extension; Hyperband only).
   *
   * @default 'Asynchronous'
   */
  /** `Stopping`: ASHA's stopping variant (one job per trial, stopped at rungs from its log). */
  readonly Mode?: HyperbandMode | 'Stopping';
}

/** AMT's `HyperParameterTuningJobStrategyConfig`. */
export interface StrategyConfig {
  /** Settings for Hyperband and ASHA; only allowed with those strategies. */
  readonly HyperbandStrategyConfig?: HyperbandStrategyConfig;
}

/** The metric to optimize and its direction. */
export interface TuningObjective {
  /** Whether a larger or a smaller value is better. */
  readonly Type: ObjectiveType;
  /** The name of one of `AlgorithmSpecification.MetricDefinitions`. */
  readonly MetricName: string;
}

/** Budget of the run. */
export interface ResourceLimits {
  /**
   * Exact cap on SageMaker training jobs. Required except for Grid.
   *
   * @default - Grid: the number of grid combinations
   */
  readonly MaxNumberOfTrainingJobs?: number;
  /** How many training jobs may run at once. */
  readonly MaxParallelTrainingJobs: number;
  /**
   * Wall-clock cap on the whole run, in seconds.
   *
   * @default - no limit
   */
  readonly MaxRuntimeInSeconds?: number;
}

/** A range of integer values; bounds are strings, as in AMT. */
export interface IntegerParameterRange {
  /** Hyperparameter name. */
  readonly Name: string;
  /** Lower bound (inclusive), an integer written as a string. */
  readonly MinValue: string;
  /** Upper bound (inclusive), an integer written as a string. */
  readonly MaxValue: string;
  /**
   * How values are spread over the range.
   *
   * @default 'Auto'
   */
  readonly ScalingType?: ScalingType;
}

/** A range of real values; bounds are strings, as in AMT. */
export interface ContinuousParameterRange {
  /** Hyperparameter name. */
  readonly Name: string;
  /** Lower bound, a number written as a string. */
  readonly MinValue: string;
  /** Upper bound, a number written as a string. */
  readonly MaxValue: string;
  /**
   * How values are spread over the range.
   *
   * @default 'Auto'
   */
  readonly ScalingType?: ScalingType;
}

/** A list of values to choose from. */
export interface CategoricalParameterRange {
  /** Hyperparameter name. */
  readonly Name: string;
  /** The values, as the training script receives them. */
  readonly Values: readonly string[];
}

/** The search space. */
export interface ParameterRanges {
  /** Integer hyperparameters. */
  readonly IntegerParameterRanges?: readonly IntegerParameterRange[];
  /** Continuous hyperparameters. */
  readonly ContinuousParameterRanges?: readonly ContinuousParameterRange[];
  /** Categorical hyperparameters. */
  readonly CategoricalParameterRanges?: readonly CategoricalParameterRange[];
}

/** When to stop before the budget is spent. */
export interface TuningJobCompletionCriteria {
  /** Stop once the objective reaches this value. */
  readonly TargetObjectiveMetricValue?: number;
  /** Stop after this many jobs without improvement. */
  readonly BestObjectiveNotImproving?: { readonly MaxNumberOfTrainingJobsNotImproving?: number };
  /** Stop when the tuner detects convergence. */
  readonly ConvergenceDetected?: { readonly CompleteOnConvergence?: 'Disabled' | 'Enabled' };
}

/** AMT's `HyperParameterTuningJobConfig`, extended with `ASHA` and `Sampler`. */
export interface HyperParameterTuningJobConfig {
  /** How trials are scheduled (and, by default, sampled). */
  readonly Strategy: StrategyName;
  /** Hyperband/ASHA settings. */
  readonly StrategyConfig?: StrategyConfig;
  /** The objective (or `TrainingJobDefinition.TuningObjective`, not both). */
  readonly HyperParameterTuningJobObjective?: TuningObjective;
  /** Budget. */
  readonly ResourceLimits: ResourceLimits;
  /** The search space (or `TrainingJobDefinition.HyperParameterRanges`, not both). */
  readonly ParameterRanges?: ParameterRanges;
  /**
   * AMT's median-stopping rule. Must be `Off` with Hyperband/ASHA; ignored otherwise.
   *
   * @default 'Off'
   */
  readonly TrainingJobEarlyStoppingType?: 'Off' | 'Auto';
  /** Completion criteria. */
  readonly TuningJobCompletionCriteria?: TuningJobCompletionCriteria;
  /**
   * Seed of the run's random generator.
   *
   * @default - one is picked at Init and recorded
   */
  readonly RandomSeed?: number;
  /**
   * The sampler proposing configurations (our extension).
   *
   * @default - by strategy: Random -> Random, Grid -> Grid, Bayesian, Hyperband and ASHA -> GP
   */
  readonly Sampler?: SamplerName;
}

/** A metric parsed from the training job's log. */
export interface MetricDefinition {
  /** Metric name. */
  readonly Name: string;
  /** Regex whose first group is the value. */
  readonly Regex: string;
}

/** The training container and its metrics. */
export interface AlgorithmSpecification {
  /** Container image URI (or `AlgorithmName`, not both). */
  readonly TrainingImage?: string;
  /** Name or ARN of a SageMaker algorithm (or `TrainingImage`, not both). */
  readonly AlgorithmName?: string;
  /** How the container reads input data. */
  readonly TrainingInputMode: 'File' | 'Pipe' | 'FastFile';
  /** Metrics parsed from the log. */
  readonly MetricDefinitions?: readonly MetricDefinition[];
}

/** An S3 data source of a channel. */
export interface S3DataSource {
  /** `S3Prefix`, `ManifestFile`, `AugmentedManifestFile` or `Converse`. */
  readonly S3DataType: 'ManifestFile' | 'S3Prefix' | 'AugmentedManifestFile' | 'Converse';
  /** The prefix or manifest URI. */
  readonly S3Uri: string;
  /** `FullyReplicated` or `ShardedByS3Key`. */
  readonly S3DataDistributionType?: 'FullyReplicated' | 'ShardedByS3Key';
  /** Attribute names for augmented manifests. */
  readonly AttributeNames?: readonly string[];
  /** Instance groups that receive this data (heterogeneous clusters). */
  readonly InstanceGroupNames?: readonly string[];
  /** EULA acceptance for gated models. */
  readonly ModelAccessConfig?: { readonly AcceptEula: boolean };
  /** A SageMaker hub content ARN. */
  readonly HubAccessConfig?: { readonly HubContentArn: string };
}

/** An EFS or FSx for Lustre data source of a channel. */
export interface FileSystemDataSource {
  /** File system id (`fs-...`). */
  readonly FileSystemId: string;
  /** `rw` or `ro`. */
  readonly FileSystemAccessMode: 'rw' | 'ro';
  /** `EFS` or `FSxLustre`. */
  readonly FileSystemType: 'EFS' | 'FSxLustre';
  /** Directory path in the file system. */
  readonly DirectoryPath: string;
}

/** Where a channel's data comes from: exactly one of the sources. */
export interface DataSource {
  /** S3 source. */
  readonly S3DataSource?: S3DataSource;
  /** File system source. */
  readonly FileSystemDataSource?: FileSystemDataSource;
  /** A SageMaker hub dataset. */
  readonly DatasetSource?: { readonly DatasetArn: string };
}

/** One input channel (mounted as `SM_CHANNEL_<NAME>`). */
export interface Channel {
  /** Channel name. */
  readonly ChannelName: string;
  /** Where the data comes from. */
  readonly DataSource: DataSource;
  /** MIME type of the data. */
  readonly ContentType?: string;
  /** `None` or `Gzip`. */
  readonly CompressionType?: 'None' | 'Gzip';
  /** `None` or `RecordIO`. */
  readonly RecordWrapperType?: 'None' | 'RecordIO';
  /** Overrides `AlgorithmSpecification.TrainingInputMode` for this channel. */
  readonly InputMode?: 'File' | 'Pipe' | 'FastFile';
  /** Shuffling of Pipe-mode input. */
  readonly ShuffleConfig?: { readonly Seed: number };
}

/** VPC the training containers connect to. */
export interface VpcConfig {
  /** Security group ids (1-5). */
  readonly SecurityGroupIds: readonly string[];
  /** Subnet ids (1-16). */
  readonly Subnets: readonly string[];
}

/** Where model artifacts go. */
export interface OutputDataConfig {
  /** S3 prefix for `model.tar.gz` and output. */
  readonly S3OutputPath?: string;
  /** KMS key for the artifacts. */
  readonly KmsKeyId?: string;
  /** `GZIP` or `NONE`. */
  readonly CompressionType?: 'GZIP' | 'NONE';
}

/** One instance group of a heterogeneous cluster. */
export interface InstanceGroup {
  /** Instance type. */
  readonly InstanceType: string;
  /** Number of instances. */
  readonly InstanceCount: number;
  /** Group name. */
  readonly InstanceGroupName: string;
}

/** Compute for each training job. */
export interface ResourceConfig {
  /** Instance type, e.g. `ml.g4dn.xlarge` (or `InstanceGroups`). */
  readonly InstanceType?: string;
  /** Number of instances (or `InstanceGroups`). */
  readonly InstanceCount?: number;
  /** EBS volume size; 0 for instances with local NVMe storage. */
  readonly VolumeSizeInGB?: number;
  /** KMS key for the volume. */
  readonly VolumeKmsKeyId?: string;
  /**
   * Warm pool retention, 0..21600 seconds; not with managed spot.
   *
   * @default 0
   */
  readonly KeepAlivePeriodInSeconds?: number;
  /** Heterogeneous cluster (instead of `InstanceType`/`InstanceCount`). */
  readonly InstanceGroups?: readonly InstanceGroup[];
  /** A SageMaker training plan ARN. */
  readonly TrainingPlanArn?: string;
}

/** Time limits of each training job. */
export interface StoppingCondition {
  /**
   * Max training time of one job.
   *
   * @default 86400
   */
  readonly MaxRuntimeInSeconds?: number;
  /** Max wait plus training time of a managed spot job; required with spot. */
  readonly MaxWaitTimeInSeconds?: number;
  /** Max time a job may stay pending. */
  readonly MaxPendingTimeInSeconds?: number;
}

/** The single training job definition used for every trial. */
export interface TrainingJobDefinition {
  /** A name for the definition. */
  readonly DefinitionName?: string;
  /** The objective (or `HyperParameterTuningJobConfig.HyperParameterTuningJobObjective`). */
  readonly TuningObjective?: TuningObjective;
  /** The search space (or `HyperParameterTuningJobConfig.ParameterRanges`). */
  readonly HyperParameterRanges?: ParameterRanges;
  /** Hyperparameters passed unchanged to every job. */
  readonly StaticHyperParameters?: Readonly<Record<string, string>>;
  /** Container and metrics. */
  readonly AlgorithmSpecification: AlgorithmSpecification;
  /** IAM role the training jobs run as. */
  readonly RoleArn?: string;
  /** Input channels. */
  readonly InputDataConfig?: readonly Channel[];
  /** VPC settings. */
  readonly VpcConfig?: VpcConfig;
  /** Artifact location. */
  readonly OutputDataConfig?: OutputDataConfig;
  /** Compute. */
  readonly ResourceConfig: ResourceConfig;
  /** Time limits. */
  readonly StoppingCondition: StoppingCondition;
  /** Network isolation of the container. */
  readonly EnableNetworkIsolation?: boolean;
  /** Encryption between instances. */
  readonly EnableInterContainerTrafficEncryption?: boolean;
  /** Managed spot training. */
  readonly EnableManagedSpotTraining?: boolean;
  /** Base checkpoint location. */
  readonly CheckpointConfig?: { readonly S3Uri: string; readonly LocalPath?: string };
  /** Retries on internal errors. */
  readonly RetryStrategy?: { readonly MaximumRetryAttempts: number };
  /** Environment variables of the container. */
  readonly Environment?: Readonly<Record<string, string>>;
}

/** AMT warm start (accepted for compatibility; ignored by this tuner). */
export interface WarmStartConfig {
  /** 1-5 parent tuning jobs. */
  readonly ParentHyperParameterTuningJobs: readonly { readonly HyperParameterTuningJobName: string }[];
  /** How the parents relate to this run. */
  readonly WarmStartType: 'IdenticalDataAndAlgorithm' | 'TransferLearning';
}

/** A resource tag. */
export interface Tag {
  /** Tag key. */
  readonly Key: string;
  /** Tag value. */
  readonly Value: string;
}

/**
 * How to run a trial on this machine (our extension).
 *
 * Used only by `hpo local` and the local twin; ignored by the deployed tuner.
 */
export interface LocalConfig {
  /** The command that stands in for the training image, e.g. `["node", "train.js"]`. */
  readonly Command: readonly string[];
  /**
   * Folder the command runs in.
   *
   * @default - the folder of the tuning input file
   */
  readonly WorkingDirectory?: string;
  /** Channel name -> local folder (stands in for the channel's S3 data). */
  readonly Channels?: Readonly<Record<string, string>>;
  /** Extra environment variables for local runs. */
  readonly Environment?: Readonly<Record<string, string>>;
}

/** When the run gives up (our extension). */
export interface FailureConfig {
  /** @default 3 */
  readonly MaxInitialFailures?: number;
  /** @default 0.5 */
  readonly MaxFailedFraction?: number;
  /** @default 10 */
  readonly MinFinishedJobs?: number;
  /** @default 3600 */
  readonly MaxCapacityWaitInSeconds?: number;
}

/**
 * The tuning input: the request body of `CreateHyperParameterTuningJob`, extended.
 *
 * @see docs/input-reference.md
 */
export interface TuningInput {
  /** Name of the run, 1-32 characters. */
  readonly HyperParameterTuningJobName: string;
  /** Strategy, objective, budget, search space. */
  readonly HyperParameterTuningJobConfig: HyperParameterTuningJobConfig;
  /** The training jobs each trial runs. */
  readonly TrainingJobDefinition: TrainingJobDefinition;
  /** Warm start (ignored). */
  readonly WarmStartConfig?: WarmStartConfig;
  /** Tags. */
  readonly Tags?: readonly Tag[];
  /** Local-mode settings (our extension). */
  readonly LocalConfig?: LocalConfig;
  /** When the run gives up (our extension). */
  readonly FailureConfig?: FailureConfig;
}
