/**
 * The tuning input, described once.
 *
 * Lengths, patterns, enums and bounds come from SageMaker's API model (botocore 1.43.11,
 * `sagemaker/2017-07-24/service-2.json.gz`, shapes `CreateHyperParameterTuningJobRequest`,
 * `HyperParameterTuningJobConfig`, `HyperParameterTrainingJobDefinition`, `ParameterRanges`,
 * ...) and from the documented limits quoted in its documentation strings. Fields marked
 * `extension` are ours. The validator, the JSON Schema and docs/input-reference.md are all
 * derived from `TUNING_INPUT`.
 */

import { arr, bool, int, map, num, obj, oneOf, str, unsupported, withDoc, type ObjectNode } from './dsl';
import {
  DEFAULT_HYPERBAND_MODE,
  DEFAULT_MAX_CAPACITY_WAIT_SECONDS,
  DEFAULT_MAX_FAILED_FRACTION,
  DEFAULT_MAX_INITIAL_FAILURES,
  DEFAULT_MAX_RUNTIME_SECONDS,
  DEFAULT_MIN_FINISHED_JOBS,
  DEFAULT_MIN_RESOURCE,
  DEFAULT_REDUCTION_FACTOR,
  DEFAULT_RESOURCE_HYPERPARAMETER,
} from './defaults';
import { TRAINING_INSTANCE_TYPES } from './instance-types';

/** AMT's limit on MaxNumberOfTrainingJobs for every strategy but Random (this tuner allows more). */
export const AMT_MAX_TRAINING_JOBS = 750;
/**
 * This tuner's limit on MaxNumberOfTrainingJobs, for every strategy: AMT's limit for Random, an
 * extension beyond AMT's 750 for the others (the scale benchmark runs 10,000 jobs,
 * bench/RESULTS-SCALE.md). The account's SageMaker quotas are the real limit.
 */
export const MAX_TRAINING_JOBS = 10_000;
/** AMT's limit on the number of tunable hyperparameters (all ranges together). */
export const MAX_TUNABLE_HYPERPARAMETERS = 30;
/** SageMaker's limit on a training job's hyperparameters (static, tunable and the resource one). */
export const MAX_HYPERPARAMETERS = 100;
/** The tags the tuner adds to every training job (reserved: the input may not use these keys). */
export const TUNER_TAG_KEYS = ['hpo:run', 'hpo:trial'] as const;
/** SageMaker's limit on a training job's tags, the tuner's own included. */
export const MAX_TAGS = 50;

const JOB_NAME_PATTERN = '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}';
const S3_URI_PATTERN = '(https|s3)://([^/]+)/?(.*)';
const KMS_KEY_PATTERN = '[a-zA-Z0-9:/_-]*';
const TAG_PATTERN = '([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)';
const CHANNEL_NAME_PATTERN = '[A-Za-z0-9\\.\\-_]+';
const ENV_KEY_PATTERN = '[a-zA-Z_][a-zA-Z0-9_]*';

const jobName = (doc: string) =>
  str(doc, { minLength: 1, maxLength: 32, pattern: JOB_NAME_PATTERN, patternDoc: 'letters, digits and hyphens, starting and ending with a letter or digit' });

const s3Uri = (doc: string) => str(doc, { maxLength: 1024, pattern: S3_URI_PATTERN, patternDoc: 's3://bucket/key or https://...' });

const kmsKey = (doc: string) => str(doc, { maxLength: 2048, pattern: KMS_KEY_PATTERN });

const instanceType = (doc: string) =>
  oneOf(doc, TRAINING_INSTANCE_TYPES, { valuesDoc: `one of the ${TRAINING_INSTANCE_TYPES.length} SageMaker training instance types` });

const SCALING_TYPES = ['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic'];

const scalingType = (values: readonly string[], doc: string) => oneOf(doc, values, { default: 'Auto' });

const inputMode = (doc: string) => oneOf(doc, ['File', 'Pipe', 'FastFile']);

const parameterName = str('The hyperparameter name, as the training script receives it.', { minLength: 1, maxLength: 256 });
const parameterValue = (doc: string) => str(doc, { maxLength: 256 });

const objective = obj(
  'The metric to optimize and its direction.',
  {
    Type: oneOf('Whether a larger (`Maximize`) or a smaller (`Minimize`) value is better.', ['Maximize', 'Minimize']),
    MetricName: str('The metric to optimize: the `Name` of one of `AlgorithmSpecification.MetricDefinitions`.', {
      minLength: 1,
      maxLength: 255,
    }),
  },
  ['Type', 'MetricName'],
);

const parameterRanges = obj('The search space: the tunable hyperparameters and their ranges (at most 30 hyperparameters in all).', {
  IntegerParameterRanges: arr(
    'Integer hyperparameters.',
    obj(
      'A range of integers.',
      {
        Name: parameterName,
        MinValue: parameterValue('The lower bound (inclusive), an integer written as a string, e.g. `"1"`.'),
        MaxValue: parameterValue('The upper bound (inclusive), an integer written as a string; greater than MinValue.'),
        ScalingType: scalingType(
          SCALING_TYPES,
          'How values are spread over the range. `Logarithmic` needs MinValue > 0; `ReverseLogarithmic` is for continuous ranges only. `Auto` lets the search space choose.',
        ),
      },
      ['Name', 'MinValue', 'MaxValue'],
    ),
    { maxItems: 30 },
  ),
  ContinuousParameterRanges: arr(
    'Continuous (real-valued) hyperparameters.',
    obj(
      'A range of real numbers.',
      {
        Name: parameterName,
        MinValue: parameterValue('The lower bound, a number written as a string, e.g. `"0.0001"`.'),
        MaxValue: parameterValue('The upper bound, a number written as a string; greater than MinValue.'),
        ScalingType: scalingType(
          SCALING_TYPES,
          'How values are spread over the range. `Logarithmic` needs MinValue > 0; `ReverseLogarithmic` needs 0 <= MinValue < MaxValue < 1.',
        ),
      },
      ['Name', 'MinValue', 'MaxValue'],
    ),
    { maxItems: 30 },
  ),
  CategoricalParameterRanges: arr(
    'Categorical hyperparameters.',
    obj(
      'A list of values to choose from.',
      {
        Name: parameterName,
        Values: arr('The distinct values, as strings.', parameterValue('One value.'), { minItems: 1, maxItems: 30 }),
      },
      ['Name', 'Values'],
    ),
    { maxItems: 30 },
  ),
  AutoParameters: unsupported(
    'AMT Autotune hints.',
    'AutoParameters is not supported (it belongs to AMT Autotune): give explicit IntegerParameterRanges, ContinuousParameterRanges or CategoricalParameterRanges',
  ),
});

const hyperbandStrategyConfig = obj('Settings of the Hyperband and ASHA schedulers; only allowed with those strategies.', {
  MinResource: int('r_min: the resource (e.g. epochs) of the lowest rung. At most MaxResource.', { minimum: 1, default: DEFAULT_MIN_RESOURCE }),
  MaxResource: int(
    'R: the resource a trial is trained to at most. Required by this tuner (AMT infers it from an `epochs` static hyperparameter; here that hyperparameter is set per job).',
    { minimum: 1 },
  ),
  ReductionFactor: int('eta: only the top 1/eta of a rung is promoted; rung k has milestone r_min * eta^k.', {
    minimum: 2,
    default: DEFAULT_REDUCTION_FACTOR,
    extension: 'Hyperband/ASHA reduction factor eta (AMT fixes it).',
  }),
  ResourceHyperParameter: str(
    'The hyperparameter that tells the training script how far to train: the job for milestone r gets `<ResourceHyperParameter>=r`. Must not be a tunable or static hyperparameter.',
    { minLength: 1, maxLength: 256, default: DEFAULT_RESOURCE_HYPERPARAMETER, extension: 'Names the hyperparameter that carries the resource (milestone).' },
  ),
  Mode: oneOf(
    '`Asynchronous` promotes a trial as soon as its rung allows (no barriers); `Synchronous` is the paper\'s successive halving per bracket (Hyperband only: ASHA is asynchronous by definition). `Stopping` (ASHA only) is ASHA\'s stopping variant for scripts that cannot checkpoint: every trial is one job trained towards `MaxResource`, read after every epoch from its log, and stopped at a rung milestone unless it ranks in the top 1/η of the trials that reached it; needs the objective\'s `MetricDefinitions` regex.',
    ['Asynchronous', 'Synchronous', 'Stopping'],
    { default: DEFAULT_HYPERBAND_MODE, extension: 'Choice between asynchronous and synchronous Hyperband, and ASHA\'s stopping variant.' },
  ),
});

const metricDefinition = obj(
  'A metric read from the training log: the last value the regex matched is the job\'s final value.',
  {
    Name: str('The metric name.', { minLength: 1, maxLength: 255 }),
    Regex: str('A regular expression whose first group captures the value, e.g. `\'eval_accuracy\': ([0-9\\.]+)`.', {
      minLength: 1,
      maxLength: 500,
    }),
  },
  ['Name', 'Regex'],
);

const tuningJobConfig = obj(
  'How to tune: strategy, objective, budget and search space.',
  {
    Strategy: oneOf(
      'How trials are scheduled. `Random`, `Grid` and `Bayesian` train every trial to the end (FIFO); `Hyperband` and `ASHA` promote trials through rungs, resuming each from its checkpoint.',
      ['Random', 'Grid', 'Bayesian', 'Hyperband', 'ASHA'],
      { extension: '`ASHA` is ours.' },
    ),
    StrategyConfig: obj('Strategy settings.', { HyperbandStrategyConfig: hyperbandStrategyConfig }),
    HyperParameterTuningJobObjective: withDoc(
      objective,
      'The metric to optimize and its direction. Required here or in `TrainingJobDefinition.TuningObjective` (not both).',
    ),
    ResourceLimits: obj(
      'The budget of the run.',
      {
        MaxNumberOfTrainingJobs: int(
          'Exact cap on SageMaker training jobs (each rung of a Hyperband/ASHA trial is one job); never exceeded. At most 10,000 for every strategy (an extension: AMT allows 750 except for Random). Required except for Grid.',
          { minimum: 1, maximum: MAX_TRAINING_JOBS, defaultDoc: 'Grid: the number of grid combinations (a larger value is capped to it)' },
        ),
        MaxParallelTrainingJobs: int('How many training jobs may run at once; at most MaxNumberOfTrainingJobs and 100 (as AMT); the account\'s SageMaker quotas for the instance type are the real limit.', {
          minimum: 1,
          maximum: 100,
        }),
        MaxRuntimeInSeconds: int('Wall-clock cap on the whole run: no job is started after it.', {
          minimum: 120,
          maximum: 15_768_000,
          defaultDoc: 'no limit',
        }),
      },
      ['MaxParallelTrainingJobs'],
    ),
    ParameterRanges: withDoc(
      parameterRanges,
      'The search space (at most 30 tunable hyperparameters). Required here or in `TrainingJobDefinition.HyperParameterRanges` (not both).',
    ),
    TrainingJobEarlyStoppingType: oneOf(
      'AMT\'s early stopping of training jobs. `Auto` with Random, Grid and Bayesian: the objective is read from each running job\'s log after every epoch (with its `MetricDefinitions` regex) and the job is stopped when its value is worse than the median of the other jobs\' running averages at that epoch (AMT\'s median stopping rule; a stopped job reports its last value). Must be `Off` with Hyperband and ASHA (they stop trials themselves).',
      ['Off', 'Auto'],
      { default: 'Off' },
    ),
    TuningJobCompletionCriteria: obj('When to stop before the budget is spent.', {
      TargetObjectiveMetricValue: num('Stop starting jobs once the objective reaches this value.'),
      BestObjectiveNotImproving: obj('Stop when the best objective stops improving.', {
        MaxNumberOfTrainingJobsNotImproving: int('Stop after this many consecutive finished jobs that did not improve the best objective.', {
          minimum: 3,
        }),
      }),
      ConvergenceDetected: obj('Stop when the tuner detects convergence.', {
        CompleteOnConvergence: oneOf('`Enabled` stops the run once convergence is detected.', ['Disabled', 'Enabled'], { default: 'Disabled' }),
      }),
    }),
    RandomSeed: int('Seed of the run\'s random generator: the same seed and input give the same configurations.', {
      minimum: 0,
      maximum: 2_147_483_647,
      defaultDoc: 'one is picked when the run starts and recorded',
    }),
    Sampler: oneOf(
      'The sampler that proposes configurations. `Random`: independent uniform draws. `Sobol`: a scrambled quasi-random sequence. `TPE`: tree-structured Parzen estimator. `BOHB`: BOHB\'s multivariate kernel density model with a third of random proposals (Falkner et al. 2018; meant for Hyperband and ASHA). `GP`: Gaussian-process expected improvement. The model-based ones (`TPE`, `BOHB`, `GP`) model the largest resource level with enough results, and treat configurations still running as bad results so that parallel proposals differ. `Grid` needs categorical ranges only; Strategy `Grid` needs Sampler `Grid`.',
      ['Random', 'Sobol', 'TPE', 'BOHB', 'GP', 'Grid'],
      {
        defaultDoc: 'by strategy: Random -> Random, Grid -> Grid, Bayesian, Hyperband and ASHA -> GP',
        extension: 'Chooses the sampler independently of the scheduler (e.g. Hyperband with TPE).',
      },
    ),
  },
  ['Strategy', 'ResourceLimits'],
);

const s3DataSource = obj(
  'Data in S3.',
  {
    S3DataType: oneOf('`S3Prefix` (every object under the prefix) or a manifest.', ['ManifestFile', 'S3Prefix', 'AugmentedManifestFile', 'Converse']),
    S3Uri: s3Uri('The prefix or manifest URI.'),
    S3DataDistributionType: oneOf('How data is spread over instances.', ['FullyReplicated', 'ShardedByS3Key'], { default: 'FullyReplicated' }),
    AttributeNames: arr('Attribute names of an augmented manifest.', str('An attribute name.', { minLength: 1, maxLength: 256 }), { maxItems: 16 }),
    InstanceGroupNames: arr('Instance groups that receive this data.', str('A group name.', { minLength: 1, maxLength: 64 }), { maxItems: 5 }),
    ModelAccessConfig: obj('EULA acceptance for gated models.', { AcceptEula: bool('Accept the model\'s end-user license agreement.') }, ['AcceptEula']),
    HubAccessConfig: obj('Access to SageMaker hub content.', { HubContentArn: str('The hub content ARN.', { maxLength: 255 }) }, ['HubContentArn']),
  },
  ['S3DataType', 'S3Uri'],
);

const channel = obj(
  'One input channel; the script finds it in `SM_CHANNEL_<NAME>`.',
  {
    ChannelName: str('The channel name, e.g. `train`.', { minLength: 1, maxLength: 64, pattern: CHANNEL_NAME_PATTERN }),
    DataSource: obj('Where the data comes from: exactly one of the sources.', {
      S3DataSource: s3DataSource,
      FileSystemDataSource: obj(
        'Data in EFS or FSx for Lustre.',
        {
          FileSystemId: str('The file system id.', { minLength: 11, maxLength: 21, pattern: '(fs-[0-9a-f]{8,})' }),
          FileSystemAccessMode: oneOf('Read-write or read-only.', ['rw', 'ro']),
          FileSystemType: oneOf('The file system type.', ['EFS', 'FSxLustre']),
          DirectoryPath: str('The directory in the file system.', { maxLength: 4096 }),
        },
        ['FileSystemId', 'FileSystemAccessMode', 'FileSystemType', 'DirectoryPath'],
      ),
      DatasetSource: obj('A SageMaker hub dataset.', { DatasetArn: str('The dataset ARN.', { maxLength: 2048 }) }, ['DatasetArn']),
    }),
    ContentType: str('The MIME type of the data.', { maxLength: 256 }),
    CompressionType: oneOf('Whether the data is gzip-compressed.', ['None', 'Gzip'], { default: 'None' }),
    RecordWrapperType: oneOf('RecordIO wrapping of records.', ['None', 'RecordIO'], { default: 'None' }),
    InputMode: inputMode('Overrides `AlgorithmSpecification.TrainingInputMode` for this channel.'),
    ShuffleConfig: obj('Shuffling of Pipe-mode input.', { Seed: int('The shuffle seed.') }, ['Seed']),
  },
  ['ChannelName', 'DataSource'],
);

const resourceConfig = obj(
  'The compute of each training job. Warm pools (KeepAlivePeriodInSeconds > 0) are reused only by jobs with the same role, instance type and count, volume, KMS key, VPC and flags.',
  {
    InstanceType: instanceType('The instance type, e.g. `ml.g4dn.xlarge`. Required unless InstanceGroups is given.'),
    InstanceCount: int('The number of instances. Required unless InstanceGroups is given.', { minimum: 0 }),
    VolumeSizeInGB: int('The EBS volume size; instances with local NVMe storage (ml.g4dn, ml.g5, ml.p4d) may use 0.', { minimum: 0 }),
    VolumeKmsKeyId: kmsKey('KMS key for the EBS volume.'),
    KeepAlivePeriodInSeconds: int('How long a finished job\'s instances stay in a warm pool for the next job. Not with managed spot training.', {
      minimum: 0,
      maximum: 21_600,
      default: 0,
    }),
    InstanceGroups: arr(
      'A heterogeneous cluster, instead of InstanceType and InstanceCount.',
      obj(
        'One instance group.',
        {
          InstanceType: instanceType('The instance type of the group.'),
          InstanceCount: int('The number of instances in the group.', { minimum: 0 }),
          InstanceGroupName: str('The group name.', { minLength: 1, maxLength: 64 }),
        },
        ['InstanceType', 'InstanceCount', 'InstanceGroupName'],
      ),
      { maxItems: 5 },
    ),
    TrainingPlanArn: str('A SageMaker training plan to run on.', {
      minLength: 50,
      maxLength: 2048,
      pattern: 'arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:training-plan/.*',
    }),
    InstancePlacementConfig: unsupported('UltraServer placement.', 'InstancePlacementConfig is not supported (UltraServer placement): remove it'),
  },
);

const trainingJobDefinition = obj(
  'The training job every trial runs (one job per rung for Hyperband/ASHA). Required by this tuner.',
  {
    DefinitionName: str('A name for the definition.', { minLength: 1, maxLength: 64, pattern: '[a-zA-Z0-9](-*[a-zA-Z0-9]){0,63}' }),
    TuningObjective: withDoc(objective, 'The objective, if not given as `HyperParameterTuningJobConfig.HyperParameterTuningJobObjective`.'),
    HyperParameterRanges: withDoc(parameterRanges, 'The search space, if not given as `HyperParameterTuningJobConfig.ParameterRanges`.'),
    StaticHyperParameters: map(
      'Hyperparameters passed unchanged to every job (strings). Static plus tunable, plus the resource hyperparameter of Hyperband/ASHA: at most 100.',
      str('A hyperparameter name.', { maxLength: 256 }),
      str('A hyperparameter value.', { maxLength: 2500 }),
      { maxEntries: 100 },
    ),
    AlgorithmSpecification: obj(
      'The training container and the metrics read from its log.',
      {
        TrainingImage: str('The training image URI. Either TrainingImage or AlgorithmName. Local mode runs `LocalConfig.Command` instead of an image.', {
          maxLength: 255,
          localDefault: 'hpo-local',
        }),
        AlgorithmName: str('The name or ARN of a SageMaker algorithm. Either TrainingImage or AlgorithmName.', {
          minLength: 1,
          maxLength: 170,
          pattern: '(arn:aws[a-z\\-]*:sagemaker:[a-z0-9\\-]*:[0-9]{12}:[a-z\\-]*\\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)',
        }),
        TrainingInputMode: inputMode('How the container reads input data.'),
        MetricDefinitions: arr(
          'Metrics read from the training log (at most 40, unique names). With TrainingImage, the objective metric must be one of them.',
          metricDefinition,
          { maxItems: 40 },
        ),
      },
      ['TrainingInputMode'],
    ),
    RoleArn: str('The IAM role the training jobs run as. Defaults to the tuner\'s own training role when the tuner has exactly one.', {
      extension: 'Optional here (AMT requires it): the tuner fills in its own training role, so local inputs and most cloud inputs can leave it out.',
      minLength: 20,
      maxLength: 2048,
      pattern: 'arn:aws[a-z\\-]*:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
      patternDoc: 'an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>',
    }),
    InputDataConfig: arr('The input channels (1-20, unique names).', channel, { minItems: 1, maxItems: 20 }),
    VpcConfig: obj(
      'The VPC the training containers connect to.',
      {
        SecurityGroupIds: arr('Security group ids.', str('A security group id.', { maxLength: 32, pattern: '[-0-9a-zA-Z]+' }), { minItems: 1, maxItems: 5 }),
        Subnets: arr('Subnet ids.', str('A subnet id.', { maxLength: 32, pattern: '[-0-9a-zA-Z]+' }), { minItems: 1, maxItems: 16 }),
      },
      ['SecurityGroupIds', 'Subnets'],
    ),
    OutputDataConfig: obj(
      'Where model artifacts go (each job under `<S3OutputPath>/<run>/<job>/output/`).',
      {
        KmsKeyId: kmsKey('KMS key for the artifacts.'),
        S3OutputPath: {
          ...s3Uri('The S3 prefix for model artifacts. Defaults to the tuner\'s bucket, `s3://<bucket>/output` (local mode: the run\'s folder, `.hpo/runs/<run>/s3/hpo-local/output/`).'),
          extension: 'Optional here (AMT requires it): the tuner\'s own bucket is the default, the only one the tuner\'s own training role may write.',
        },
        CompressionType: oneOf('Compression of the model artifacts.', ['GZIP', 'NONE'], { default: 'GZIP' }),
      },
    ),
    ResourceConfig: {
      ...withDoc(resourceConfig, `${resourceConfig.doc} Required by this tuner. Local mode runs each job as one process on this machine and ignores the instance type.`),
      localDefault: { InstanceType: 'ml.m5.large', InstanceCount: 1, VolumeSizeInGB: 30 },
    },
    HyperParameterTuningResourceConfig: unsupported(
      'AMT instance-type flexibility.',
      'HyperParameterTuningResourceConfig is not supported (instance type flexibility): use ResourceConfig',
    ),
    StoppingCondition: obj(
      'Time limits of each training job (local mode enforces MaxRuntimeInSeconds too).',
      {
        MaxRuntimeInSeconds: int('The longest one job may train (at most 28 days).', { minimum: 1, maximum: 2_419_200, default: DEFAULT_MAX_RUNTIME_SECONDS }),
        MaxWaitTimeInSeconds: int(
          'Managed spot only: the longest one job may wait for capacity plus train; at least MaxRuntimeInSeconds. Required with spot.',
          { minimum: 1 },
        ),
        MaxPendingTimeInSeconds: int('The longest a job may stay pending.', { minimum: 7200, maximum: 2_419_200 }),
      },
      [],
      { localDefault: { MaxRuntimeInSeconds: DEFAULT_MAX_RUNTIME_SECONDS } },
    ),
    EnableNetworkIsolation: bool('Isolate the container from the network.', { default: false }),
    EnableInterContainerTrafficEncryption: bool('Encrypt traffic between instances.', { default: false }),
    EnableManagedSpotTraining: bool('Use managed spot capacity; needs StoppingCondition.MaxWaitTimeInSeconds and rules out warm pools.', {
      default: false,
    }),
    CheckpointConfig: obj(
      'Where checkpoints go. Hyperband/ASHA give each trial its own prefix under S3Uri, so a promoted trial resumes from its checkpoint.',
      {
        S3Uri: s3Uri('The base S3 URI of checkpoints.'),
        LocalPath: str('The folder the script writes checkpoints to.', { maxLength: 4096, default: '/opt/ml/checkpoints' }),
      },
      ['S3Uri'],
    ),
    RetryStrategy: obj(
      'Retries of a job that fails with an internal error.',
      { MaximumRetryAttempts: int('How many times to retry.', { minimum: 1, maximum: 30 }) },
      ['MaximumRetryAttempts'],
    ),
    Environment: map(
      'Environment variables of the training container.',
      str('A variable name.', { maxLength: 512, pattern: ENV_KEY_PATTERN }),
      str('A value.', { maxLength: 512 }),
      { maxEntries: 48 },
    ),
  },
  ['AlgorithmSpecification', 'ResourceConfig', 'StoppingCondition'],
);

/** The whole tuning input. */
export const TUNING_INPUT: ObjectNode = obj(
  'The input of a tuning run: the request body of SageMaker\'s CreateHyperParameterTuningJob, extended.',
  {
    $schema: str('The JSON Schema of this file, for editors (e.g. `./schema/tuning-input.schema.json`). Ignored by the tuner.', {
      minLength: 1,
      extension: 'Lets editors validate and complete the file against schema/tuning-input.schema.json.',
    }),
    HyperParameterTuningJobName: jobName('The name of the run (1-32 characters); training job names are derived from it.'),
    HyperParameterTuningJobConfig: tuningJobConfig,
    TrainingJobDefinition: trainingJobDefinition,
    TrainingJobDefinitions: unsupported(
      'AMT\'s multi-definition form.',
      'TrainingJobDefinitions (several training job definitions) is not supported: use TrainingJobDefinition with a single definition',
    ),
    WarmStartConfig: obj(
      'AMT warm start: earlier runs of this tuner (in the same results table) whose results seed the sampler. TPE (Bayesian) learns from them from its first trial; Random, Sobol and Grid ignore history. The parents must exist when the run starts.',
      {
        ParentHyperParameterTuningJobs: arr(
          'The parent tuning jobs (1-5).',
          obj('A parent tuning job.', { HyperParameterTuningJobName: jobName('The parent tuning job\'s name.') }, ['HyperParameterTuningJobName']),
          { minItems: 1, maxItems: 5 },
        ),
        WarmStartType: oneOf('How the parents relate to this run.', ['IdenticalDataAndAlgorithm', 'TransferLearning']),
      },
      ['ParentHyperParameterTuningJobs', 'WarmStartType'],
    ),
    Tags: arr(
      `Tags for the run's training jobs: at most ${MAX_TAGS - TUNER_TAG_KEYS.length}, because the tuner adds ${TUNER_TAG_KEYS.join(' and ')} (SageMaker allows ${MAX_TAGS} per job). Those keys and keys starting with \`aws:\` are reserved.`,
      obj(
        'A tag.',
        {
          Key: str('The tag key.', { minLength: 1, maxLength: 128, pattern: TAG_PATTERN, patternDoc: 'letters, digits, spaces and _ . : / = + - @' }),
          Value: str('The tag value.', { maxLength: 256, pattern: TAG_PATTERN, patternDoc: 'letters, digits, spaces and _ . : / = + - @' }),
        },
        ['Key', 'Value'],
      ),
      {
        maxItems: MAX_TAGS - TUNER_TAG_KEYS.length,
        maxItemsReason: `SageMaker allows ${MAX_TAGS} tags per training job, and the tuner adds ${TUNER_TAG_KEYS.join(' and ')}`,
      },
    ),
    Autotune: unsupported('AMT Autotune.', 'Autotune is not supported: give the strategy and ranges explicitly'),
    FailureConfig: obj(
      'When the run gives up. A job fails when SageMaker ends it Failed or when it completes without the objective metric (as AMT counts it); a run that gives up stops its jobs and ends `Failed`, quoting the most common failure reason. `0` turns a rule off.',
      {
        MaxInitialFailures: int('The run fails when its first this-many finished training jobs all failed (a script that crashes, a metric regex that never matches).', {
          minimum: 0,
          maximum: MAX_TRAINING_JOBS,
          default: DEFAULT_MAX_INITIAL_FAILURES,
        }),
        MaxFailedFraction: num('The run fails when more than this fraction of its finished training jobs failed, once MinFinishedJobs have finished.', {
          minimum: 0,
          maximum: 1,
          default: DEFAULT_MAX_FAILED_FRACTION,
        }),
        MinFinishedJobs: int('How many training jobs must have finished before MaxFailedFraction applies.', {
          minimum: 1,
          maximum: MAX_TRAINING_JOBS,
          default: DEFAULT_MIN_FINISHED_JOBS,
        }),
        MaxCapacityWaitInSeconds: int(
          'The longest a training job may wait to start (SageMaker throttling, or an instance quota in use by other work) while none of the run\'s jobs runs; then the run fails with the reason. Waiting for the run\'s own jobs to free a quota does not count. A quota that can never fit one job (0, or below InstanceCount) fails the run at once.',
          { minimum: 0, maximum: 2_419_200, default: DEFAULT_MAX_CAPACITY_WAIT_SECONDS },
        ),
      },
      [],
      { extension: 'Stops a run early on systematic failure (Ray Tune\'s `FailureConfig`, Syne Tune\'s `max_failures`) and bounds the wait for capacity.' },
    ),
    LocalConfig: obj(
      'How to run a trial on this machine. Used only by `hpo local` and the local twin; ignored by the deployed tuner. With LocalConfig, the cloud-only fields `TrainingJobDefinition.ResourceConfig`, `StoppingCondition` and `AlgorithmSpecification.TrainingImage` may be left out: local mode uses their local defaults, and `hpo validate` lists what a deployed run still needs.',
      {
        Command: arr(
          'The command that stands in for the training image, e.g. `["node", "train.js"]`; it gets the hyperparameters as `--name value` arguments.',
          str('One argument.', { minLength: 1 }),
          { minItems: 1 },
        ),
        WorkingDirectory: str('The folder the command runs in, relative to the tuning input file.', {
          minLength: 1,
          defaultDoc: 'the folder of the tuning input file',
        }),
        Channels: map(
          'Channel name -> local folder that stands in for the channel\'s S3 data (`SM_CHANNEL_<NAME>`).',
          str('A channel name.', { minLength: 1, maxLength: 64, pattern: CHANNEL_NAME_PATTERN }),
          str('A local folder, relative to the tuning input file.', { minLength: 1 }),
        ),
        Environment: map(
          'Extra environment variables for local runs.',
          str('A variable name.', { maxLength: 512, pattern: ENV_KEY_PATTERN }),
          str('A value.'),
        ),
      },
      ['Command'],
      { extension: 'Local mode (used only by `hpo local` and the local twin; ignored by the deployed tuner): the command standing in for the training image, and local folders for channels.' },
    ),
  },
  ['HyperParameterTuningJobName', 'HyperParameterTuningJobConfig', 'TrainingJobDefinition'],
);
