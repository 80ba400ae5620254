import { deleteAt, err, problemsWith, setAt, warn } from './fixture';

const CONFIG = '$.HyperParameterTuningJobConfig';
const DEF = '$.TrainingJobDefinition';
const ALGO = `${DEF}.AlgorithmSpecification`;
const OBJECTIVE = `${CONFIG}.HyperParameterTuningJobObjective`;

describe('objective', () => {
  it('must name one of the MetricDefinitions, with a suggestion', () => {
    expect(problemsWith((i) => setAt(i, `${OBJECTIVE}.MetricName`, 'eval_acuracy'))).toEqual([
      err(
        `${OBJECTIVE}.MetricName`,
        'objective metric "eval_acuracy" is not one of AlgorithmSpecification.MetricDefinitions; defined: eval_accuracy, eval_loss (did you mean "eval_accuracy"?)',
        'eval_acuracy',
      ),
    ]);
  });

  it('is not checked against MetricDefinitions for a SageMaker algorithm', () => {
    expect(problemsWith((i) => (deleteAt(i, `${ALGO}.TrainingImage`), setAt(i, `${ALGO}.AlgorithmName`, 'xgboost'), setAt(i, `${OBJECTIVE}.MetricName`, 'validation:auc')))).toEqual(
      [],
    );
  });

  it('may be given as TrainingJobDefinition.TuningObjective, not in both places', () => {
    expect(problemsWith((i) => (setAt(i, `${DEF}.TuningObjective`, i.HyperParameterTuningJobConfig.HyperParameterTuningJobObjective), deleteAt(i, OBJECTIVE)))).toEqual([]);
    expect(problemsWith((i) => setAt(i, `${DEF}.TuningObjective`, { Type: 'Minimize', MetricName: 'eval_loss' }))).toEqual([
      err(`${DEF}.TuningObjective`, 'either HyperParameterTuningJobConfig.HyperParameterTuningJobObjective or TrainingJobDefinition.TuningObjective, not both'),
    ]);
  });

  it('is required', () => {
    expect(problemsWith((i) => deleteAt(i, OBJECTIVE))).toEqual([
      err(OBJECTIVE, 'missing required field HyperParameterTuningJobObjective in HyperParameterTuningJobConfig (or give TrainingJobDefinition.TuningObjective)'),
    ]);
  });
});

describe('metric definitions', () => {
  it('need unique names', () => {
    expect(problemsWith((i) => setAt(i, `${ALGO}.MetricDefinitions[1].Name`, 'eval_accuracy'))).toEqual([
      err(`${ALGO}.MetricDefinitions[1].Name`, 'duplicate metric name "eval_accuracy" in MetricDefinitions: also at [0]; names must be unique', 'eval_accuracy'),
    ]);
  });

  it('warn about a regex without a capture group', () => {
    expect(problemsWith((i) => setAt(i, `${ALGO}.MetricDefinitions[1].Regex`, 'eval_loss: [0-9.]+'))).toEqual([
      warn(
        `${ALGO}.MetricDefinitions[1].Regex`,
        'metric "eval_loss": Regex has no capture group: the metric value is read from the first group, e.g. "loss: ([0-9.]+)"',
        'eval_loss: [0-9.]+',
      ),
    ]);
  });

  it('warn about a regex JavaScript cannot compile', () => {
    expect(problemsWith((i) => setAt(i, `${ALGO}.MetricDefinitions[1].Regex`, 'loss=([0-9.]+'))).toEqual([
      warn(`${ALGO}.MetricDefinitions[1].Regex`, 'metric "eval_loss": Regex does not compile as a JavaScript regular expression: the local twin cannot read this metric', 'loss=([0-9.]+'),
    ]);
  });
});

describe('algorithm', () => {
  it('takes TrainingImage or AlgorithmName, not both', () => {
    expect(problemsWith((i) => setAt(i, `${ALGO}.AlgorithmName`, 'xgboost'))).toEqual([
      err(`${ALGO}.AlgorithmName`, 'either TrainingImage or AlgorithmName in AlgorithmSpecification, not both'),
    ]);
    expect(problemsWith((i) => deleteAt(i, `${ALGO}.TrainingImage`))).toEqual([
      err(`${ALGO}.TrainingImage`, 'missing required field TrainingImage in AlgorithmSpecification (or give AlgorithmName)'),
    ]);
  });
});

describe('compute, warm pools and spot', () => {
  it('takes InstanceType/InstanceCount or InstanceGroups', () => {
    const groups = [{ InstanceType: 'ml.g5.xlarge', InstanceCount: 1, InstanceGroupName: 'gpu' }];
    expect(problemsWith((i) => setAt(i, `${DEF}.ResourceConfig`, { InstanceGroups: groups, VolumeSizeInGB: 30 }))).toEqual([]);
    expect(problemsWith((i) => setAt(i, `${DEF}.ResourceConfig.InstanceGroups`, groups))).toEqual([
      err(`${DEF}.ResourceConfig.InstanceType`, 'either InstanceType or InstanceGroups in ResourceConfig, not both'),
      err(`${DEF}.ResourceConfig.InstanceCount`, 'either InstanceCount or InstanceGroups in ResourceConfig, not both'),
    ]);
    expect(problemsWith((i) => deleteAt(i, `${DEF}.ResourceConfig.InstanceType`))).toEqual([
      err(`${DEF}.ResourceConfig.InstanceType`, 'missing required field InstanceType in ResourceConfig (or give InstanceGroups)'),
    ]);
  });

  it('rejects warm pools with managed spot training', () => {
    expect(
      problemsWith((i) => {
        setAt(i, `${DEF}.ResourceConfig.KeepAlivePeriodInSeconds`, 600);
        setAt(i, `${DEF}.EnableManagedSpotTraining`, true);
        setAt(i, `${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 7200);
      }),
    ).toEqual([
      err(
        `${DEF}.ResourceConfig.KeepAlivePeriodInSeconds`,
        'either warm pools (KeepAlivePeriodInSeconds 600) or EnableManagedSpotTraining, not both: warm pools do not work with spot instances',
        600,
      ),
    ]);
  });

  it('needs MaxWaitTimeInSeconds with spot', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.EnableManagedSpotTraining`, true))).toEqual([
      err(`${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 'missing required field MaxWaitTimeInSeconds in StoppingCondition: EnableManagedSpotTraining needs it'),
    ]);
  });

  it('needs MaxWaitTimeInSeconds >= MaxRuntimeInSeconds with spot (default runtime 86400)', () => {
    expect(problemsWith((i) => (setAt(i, `${DEF}.EnableManagedSpotTraining`, true), setAt(i, `${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 1800)))).toEqual([
      err(`${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 'invalid MaxWaitTimeInSeconds: got 1800, allowed at least MaxRuntimeInSeconds (3600)', 1800),
    ]);
    expect(
      problemsWith((i) => {
        setAt(i, `${DEF}.EnableManagedSpotTraining`, true);
        setAt(i, `${DEF}.StoppingCondition`, { MaxWaitTimeInSeconds: 3600 });
      }),
    ).toEqual([err(`${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 'invalid MaxWaitTimeInSeconds: got 3600, allowed at least MaxRuntimeInSeconds (default 86400)', 3600)]);
    expect(problemsWith((i) => (setAt(i, `${DEF}.EnableManagedSpotTraining`, true), setAt(i, `${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 3600)))).toEqual([]);
  });

  it('warns that MaxWaitTimeInSeconds without spot is ignored', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 7200))).toEqual([
      warn(`${DEF}.StoppingCondition.MaxWaitTimeInSeconds`, 'ignored MaxWaitTimeInSeconds: it applies only with EnableManagedSpotTraining', 7200),
    ]);
  });
});

describe('channels', () => {
  it('need unique names', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.InputDataConfig[1]`, i.TrainingJobDefinition.InputDataConfig?.[0]))).toEqual([
      err(`${DEF}.InputDataConfig[1].ChannelName`, 'duplicate ChannelName "train" in InputDataConfig: also at [0]', 'train'),
    ]);
  });

  it('need exactly one data source', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.InputDataConfig[0].DataSource`, {}))).toEqual([
      err(`${DEF}.InputDataConfig[0].DataSource`, 'missing data source in DataSource: give exactly one of S3DataSource, FileSystemDataSource, DatasetSource'),
    ]);
    const efs = { FileSystemId: 'fs-0123456789', FileSystemAccessMode: 'ro', FileSystemType: 'EFS', DirectoryPath: '/data' };
    expect(problemsWith((i) => setAt(i, `${DEF}.InputDataConfig[0].DataSource.FileSystemDataSource`, efs))).toEqual([
      err(`${DEF}.InputDataConfig[0].DataSource`, 'either S3DataSource, FileSystemDataSource, DatasetSource in DataSource, only one: got S3DataSource, FileSystemDataSource'),
    ]);
  });
});

describe('warm start', () => {
  it('accepts IdenticalDataAndAlgorithm without a problem', () => {
    expect(
      problemsWith((i) =>
        setAt(i, '$.WarmStartConfig', { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'old-run' }], WarmStartType: 'IdenticalDataAndAlgorithm' }),
      ),
    ).toEqual([]);
  });

  it('warns that TransferLearning is treated like IdenticalDataAndAlgorithm', () => {
    expect(problemsWith((i) => setAt(i, '$.WarmStartConfig', { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'old-run' }], WarmStartType: 'TransferLearning' }))).toEqual([
      warn('$.WarmStartConfig.WarmStartType', "TransferLearning is treated like IdenticalDataAndAlgorithm: the parents' results seed the sampler as they are"),
    ]);
  });
});

describe('tags', () => {
  it.each(['hpo:run', 'hpo:trial'])('refuses the tuner\'s own key %s', (key) => {
    expect(problemsWith((i) => setAt(i, '$.Tags', [{ Key: key, Value: 'x' }]))).toEqual([
      err('$.Tags[0].Key', `reserved tag key "${key}": the tuner sets hpo:run and hpo:trial on every training job itself; use another key`, key),
    ]);
  });

  it('refuses keys starting with aws: (reserved by AWS) and duplicate keys', () => {
    expect(problemsWith((i) => setAt(i, '$.Tags', [{ Key: 'aws:cloudformation:stack-name', Value: 'x' }]))).toEqual([
      err('$.Tags[0].Key', 'reserved tag key "aws:cloudformation:stack-name": keys starting with "aws:" are reserved by AWS; use another key', 'aws:cloudformation:stack-name'),
    ]);
    expect(problemsWith((i) => setAt(i, '$.Tags', [{ Key: 'team', Value: 'a' }, { Key: 'team', Value: 'b' }]))).toEqual([
      err('$.Tags[1].Key', 'duplicate tag key "team": also $.Tags[0]; tag keys must be unique', 'team'),
    ]);
  });

  it('accepts other keys', () => {
    expect(problemsWith((i) => setAt(i, '$.Tags', [{ Key: 'team', Value: 'ml' }, { Key: 'hpo:owner', Value: 'me' }]))).toEqual([]);
  });
});
