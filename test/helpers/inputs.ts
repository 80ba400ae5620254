/** Valid tuning inputs for tests, built from one base so each test states only what differs. */
import type { TuningInput } from '../../core/input';

export interface InputOptions {
  name?: string;
  strategy?: 'Random' | 'Grid' | 'Bayesian' | 'Hyperband' | 'ASHA';
  mode?: 'Synchronous' | 'Asynchronous';
  maxJobs?: number;
  maxParallel?: number;
  minResource?: number;
  maxResource?: number;
  eta?: number;
  seed?: number;
  objectiveType?: 'Maximize' | 'Minimize';
  keepAliveSeconds?: number;
  completion?: Record<string, unknown>;
  /** `Sampler`. @default - the strategy's default */
  sampler?: 'Random' | 'Sobol' | 'TPE' | 'BOHB' | 'GP' | 'Grid';
  /**
   * `TrainingJobDefinition.RoleArn`; `null` leaves it out (the tuner's own role, as local runs
   * do) and puts the outputs in the twin's bucket, the only one that role may write.
   *
   * @default 'arn:aws:iam::123456789012:role/SageMakerTrainingRole'
   */
  roleArn?: string | null;
}

export function tuningInput(options: InputOptions = {}): TuningInput {
  const strategy = options.strategy ?? 'Hyperband';
  const multiFidelity = strategy === 'Hyperband' || strategy === 'ASHA';
  const config: Record<string, unknown> = {
    Strategy: strategy,
    HyperParameterTuningJobObjective: { Type: options.objectiveType ?? 'Maximize', MetricName: 'accuracy' },
    ResourceLimits: { MaxNumberOfTrainingJobs: options.maxJobs ?? 20, MaxParallelTrainingJobs: options.maxParallel ?? 3 },
    ParameterRanges: {
      ContinuousParameterRanges: [{ Name: 'lr', MinValue: '0.0001', MaxValue: '1', ScalingType: 'Logarithmic' }],
      IntegerParameterRanges: [{ Name: 'layers', MinValue: '1', MaxValue: '4', ScalingType: 'Linear' }],
      CategoricalParameterRanges: [{ Name: 'optimizer', Values: ['sgd', 'adam'] }],
    },
    RandomSeed: options.seed ?? 7,
    TrainingJobEarlyStoppingType: 'Off',
    ...(options.sampler === undefined ? {} : { Sampler: options.sampler }),
  };
  if (strategy === 'Grid') {
    config.ParameterRanges = { CategoricalParameterRanges: [{ Name: 'optimizer', Values: ['sgd', 'adam', 'rmsprop'] }, { Name: 'layers', Values: ['1', '2'] }] };
  }
  if (multiFidelity) {
    config.StrategyConfig = {
      HyperbandStrategyConfig: {
        MinResource: options.minResource ?? 1,
        MaxResource: options.maxResource ?? 9,
        ReductionFactor: options.eta ?? 3,
        ...(strategy === 'Hyperband' ? { Mode: options.mode ?? 'Synchronous' } : {}),
      },
    };
  }
  if (options.completion) config.TuningJobCompletionCriteria = options.completion;
  return {
    HyperParameterTuningJobName: options.name ?? 'test-run',
    HyperParameterTuningJobConfig: config,
    TrainingJobDefinition: {
      AlgorithmSpecification: {
        TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311',
        TrainingInputMode: 'File',
        MetricDefinitions: [{ Name: 'accuracy', Regex: "'eval_accuracy': ([0-9\\.]+)" }],
      },
      ...(options.roleArn === null ? {} : { RoleArn: options.roleArn ?? 'arn:aws:iam::123456789012:role/SageMakerTrainingRole' }),
      StaticHyperParameters: { dataset: 'mnist' },
      // The tuner's own role reaches only the tuner's bucket (the twin's is hpo-local).
      OutputDataConfig: { S3OutputPath: options.roleArn === null ? 's3://hpo-local/output' : 's3://my-bucket/output' },
      ResourceConfig: {
        InstanceType: 'ml.g4dn.xlarge',
        InstanceCount: 1,
        VolumeSizeInGB: 30,
        ...(options.keepAliveSeconds === undefined ? {} : { KeepAlivePeriodInSeconds: options.keepAliveSeconds }),
      },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  } as unknown as TuningInput;
}
