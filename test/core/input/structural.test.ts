import { validateTuningInput } from '../../../core/input';
import { baseInput, deleteAt, err, problemsWith, setAt } from './fixture';

const CONFIG = '$.HyperParameterTuningJobConfig';
const DEF = '$.TrainingJobDefinition';

describe('the base fixture', () => {
  it('is valid with no warnings', () => {
    expect(validateTuningInput(baseInput())).toEqual([]);
  });
});

describe('types', () => {
  it('rejects a non-object input', () => {
    expect(validateTuningInput([1])).toEqual([err('$', 'wrong type for the tuning input: got an array, expected an object', [1])]);
    expect(validateTuningInput(null)).toEqual([err('$', 'wrong type for the tuning input: got null, expected an object', null)]);
  });

  it('rejects a string where an integer is expected', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.ResourceLimits.MaxParallelTrainingJobs`, '4'))).toEqual([
      err(`${CONFIG}.ResourceLimits.MaxParallelTrainingJobs`, 'wrong type for MaxParallelTrainingJobs: got "4" (a string), expected an integer', '4'),
    ]);
  });

  it('rejects a fractional number where an integer is expected', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.ResourceLimits.MaxParallelTrainingJobs`, 2.5))).toEqual([
      err(`${CONFIG}.ResourceLimits.MaxParallelTrainingJobs`, 'wrong type for MaxParallelTrainingJobs: got 2.5 (a number), expected an integer', 2.5),
    ]);
  });

  it('rejects a number where a string is expected (range bounds are strings, as in AMT)', () => {
    const path = `${CONFIG}.ParameterRanges.IntegerParameterRanges[0].MinValue`;
    expect(problemsWith((i) => setAt(i, path, 32))).toEqual([err(path, 'wrong type for MinValue: got 32 (an integer), expected a string', 32)]);
  });

  it('rejects a non-boolean flag and a non-array list', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.EnableNetworkIsolation`, 'true'))).toEqual([
      err(`${DEF}.EnableNetworkIsolation`, 'wrong type for EnableNetworkIsolation: got "true" (a string), expected a boolean', 'true'),
    ]);
    expect(problemsWith((i) => setAt(i, `${DEF}.InputDataConfig`, { ChannelName: 'train' }))).toEqual([
      err(`${DEF}.InputDataConfig`, 'wrong type for InputDataConfig: got an object, expected an array', { ChannelName: 'train' }),
    ]);
  });
});

describe('unknown fields', () => {
  it('names the field and suggests the closest known one for a typo', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.ResourceLimits.MaxParallelTrainingJob`, 4))).toEqual([
      err(`${CONFIG}.ResourceLimits.MaxParallelTrainingJob`, 'unknown field "MaxParallelTrainingJob" in ResourceLimits (did you mean "MaxParallelTrainingJobs"?)'),
    ]);
  });

  it('suggests a field whose case differs', () => {
    expect(problemsWith((i) => setAt(i, '$.tags', []))).toEqual([err('$.tags', 'unknown field "tags" in the tuning input (did you mean "Tags"?)')]);
  });

  it('does not mistake Object.prototype members for fields', () => {
    const problems = validateTuningInput(JSON.parse(JSON.stringify(baseInput()).replace('{', '{"constructor": 1, "__proto__": 2, ')));
    expect(problems.map((p) => p.path)).toEqual(['$.constructor', '$.__proto__']);
    expect(problems[0].message).toBe('unknown field "constructor" in the tuning input; known fields: ' + '$schema, HyperParameterTuningJobName, HyperParameterTuningJobConfig, TrainingJobDefinition, TrainingJobDefinitions, WarmStartConfig, Tags, Autotune, FailureConfig, LocalConfig');
  });

  it('lists the known fields when nothing is close', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.StrategyConfig.Banana`, 1))).toEqual([
      err(`${CONFIG}.StrategyConfig.Banana`, 'unknown field "Banana" in StrategyConfig; known fields: HyperbandStrategyConfig'),
    ]);
  });
});

describe('required fields', () => {
  it('reports a missing required field at its own path', () => {
    expect(problemsWith((i) => deleteAt(i, `${DEF}.AlgorithmSpecification`))).toEqual([err(`${DEF}.AlgorithmSpecification`, 'missing required field AlgorithmSpecification in TrainingJobDefinition')]);
  });

  it('reports a missing top-level field', () => {
    expect(problemsWith((i) => deleteAt(i, '$.HyperParameterTuningJobName'))).toEqual([
      err('$.HyperParameterTuningJobName', 'missing required field HyperParameterTuningJobName in the tuning input'),
    ]);
  });
});

describe('strings', () => {
  it('limits HyperParameterTuningJobName to 32 characters', () => {
    const name = 'a'.repeat(33);
    expect(problemsWith((i) => setAt(i, '$.HyperParameterTuningJobName', name))).toEqual([
      err('$.HyperParameterTuningJobName', `invalid HyperParameterTuningJobName "${'a'.repeat(33)}": 33 characters, allowed 1 to 32`, name),
    ]);
  });

  it('applies the job name pattern', () => {
    expect(problemsWith((i) => setAt(i, '$.HyperParameterTuningJobName', 'run_1'))).toEqual([
      err('$.HyperParameterTuningJobName', 'invalid HyperParameterTuningJobName "run_1": expected letters, digits and hyphens, starting and ending with a letter or digit', 'run_1'),
    ]);
    expect(problemsWith((i) => setAt(i, '$.HyperParameterTuningJobName', 'run--1'))).toEqual([]);
    expect(problemsWith((i) => setAt(i, '$.HyperParameterTuningJobName', 'run-'))).toHaveLength(1);
  });

  it('applies the RoleArn pattern of the API model', () => {
    const arn = 'arn:aws:iam::12345:role/x-role-name-long';
    expect(problemsWith((i) => setAt(i, `${DEF}.RoleArn`, arn))).toEqual([
      err(`${DEF}.RoleArn`, `invalid RoleArn "${arn}": expected an IAM role ARN, arn:aws:iam::<12-digit account>:role/<name>`, arn),
    ]);
    expect(problemsWith((i) => setAt(i, `${DEF}.RoleArn`, 'arn:aws-cn:iam::123456789012:role/service-role/Sage'))).toEqual([]);
  });

  it('applies the S3 URI pattern', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.OutputDataConfig.S3OutputPath`, 'bucket/output'))).toEqual([
      err(`${DEF}.OutputDataConfig.S3OutputPath`, 'invalid S3OutputPath "bucket/output": expected s3://bucket/key or https://...', 'bucket/output'),
    ]);
  });

  it('limits MetricDefinitions names and regexes', () => {
    const regex = `([0-9]+)${'x'.repeat(493)}`;
    expect(problemsWith((i) => setAt(i, `${DEF}.AlgorithmSpecification.MetricDefinitions[1].Regex`, regex))).toEqual([
      err(`${DEF}.AlgorithmSpecification.MetricDefinitions[1].Regex`, `invalid Regex "([0-9]+)${'x'.repeat(49)}...": 501 characters, allowed 1 to 500`, regex),
    ]);
    const name = 'm'.repeat(256);
    expect(problemsWith((i) => setAt(i, `${DEF}.AlgorithmSpecification.MetricDefinitions[1].Name`, name))).toEqual([
      err(`${DEF}.AlgorithmSpecification.MetricDefinitions[1].Name`, `invalid Name "${'m'.repeat(57)}...": 256 characters, allowed 1 to 255`, name),
    ]);
  });

  it('checks map keys (environment variable names)', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.Environment`, { '1BAD': 'x' }))).toEqual([
      err(`${DEF}.Environment["1BAD"]`, 'invalid Environment key "1BAD": expected to match ^(?:[a-zA-Z_][a-zA-Z0-9_]*)$', '1BAD'),
    ]);
  });
});

describe('numbers', () => {
  it('bounds KeepAlivePeriodInSeconds to 0..21600', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.ResourceConfig.KeepAlivePeriodInSeconds`, 21_601))).toEqual([
      err(`${DEF}.ResourceConfig.KeepAlivePeriodInSeconds`, 'invalid KeepAlivePeriodInSeconds: got 21601, allowed 0 to 21600', 21_601),
    ]);
    expect(problemsWith((i) => setAt(i, `${DEF}.ResourceConfig.KeepAlivePeriodInSeconds`, 21_600))).toEqual([]);
  });

  it('bounds MaxParallelTrainingJobs to 1..100', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.ResourceLimits.MaxParallelTrainingJobs`, 0))).toEqual([
      err(`${CONFIG}.ResourceLimits.MaxParallelTrainingJobs`, 'invalid MaxParallelTrainingJobs: got 0, allowed 1 to 100', 0),
    ]);
  });

  it('requires ReductionFactor >= 2', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.StrategyConfig.HyperbandStrategyConfig.ReductionFactor`, 1))).toEqual([
      err(`${CONFIG}.StrategyConfig.HyperbandStrategyConfig.ReductionFactor`, 'invalid ReductionFactor: got 1, allowed at least 2', 1),
    ]);
  });

  it('requires MaxNumberOfTrainingJobsNotImproving >= 3', () => {
    const path = `${CONFIG}.TuningJobCompletionCriteria.BestObjectiveNotImproving.MaxNumberOfTrainingJobsNotImproving`;
    expect(problemsWith((i) => setAt(i, path, 2))).toEqual([err(path, 'invalid MaxNumberOfTrainingJobsNotImproving: got 2, allowed at least 3', 2)]);
  });
});

describe('enums', () => {
  it('lists the allowed values and suggests the closest', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.HyperParameterTuningJobObjective.Type`, 'Maximise'))).toEqual([
      err(`${CONFIG}.HyperParameterTuningJobObjective.Type`, 'invalid Type "Maximise": allowed Maximize, Minimize (did you mean "Maximize"?)', 'Maximise'),
    ]);
  });

  it('accepts every instance type of the API model and suggests one on a typo', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.ResourceConfig.InstanceType`, 'ml.p4d.24xlarge'))).toEqual([]);
    expect(problemsWith((i) => setAt(i, `${DEF}.ResourceConfig.InstanceType`, 'ml.g4dn.xlarg'))).toEqual([
      err(
        `${DEF}.ResourceConfig.InstanceType`,
        'invalid InstanceType "ml.g4dn.xlarg": allowed one of the 145 SageMaker training instance types (did you mean "ml.g4dn.xlarge"?)',
        'ml.g4dn.xlarg',
      ),
    ]);
  });

  it('rejects an unknown strategy', () => {
    const problems = problemsWith((i) => setAt(i, `${CONFIG}.Strategy`, 'Baysian'));
    expect(problems).toEqual([
      err(`${CONFIG}.Strategy`, 'invalid Strategy "Baysian": allowed Random, Grid, Bayesian, Hyperband, ASHA (did you mean "Bayesian"?)', 'Baysian'),
    ]);
  });
});

describe('counts', () => {
  it('allows at most 30 values per categorical range', () => {
    const values = Array.from({ length: 31 }, (_, k) => `v${k}`);
    const path = `${CONFIG}.ParameterRanges.CategoricalParameterRanges[0].Values`;
    expect(problemsWith((i) => setAt(i, path, values))).toEqual([err(path, 'too many items in Values: got 31, allowed at most 30', 31)]);
  });

  it('allows at most 40 metric definitions', () => {
    const defs = Array.from({ length: 41 }, (_, k) => ({ Name: k === 0 ? 'eval_accuracy' : `m${k}`, Regex: `m${k}=([0-9.]+)` }));
    const path = `${DEF}.AlgorithmSpecification.MetricDefinitions`;
    expect(problemsWith((i) => setAt(i, path, defs))).toEqual([err(path, 'too many items in MetricDefinitions: got 41, allowed at most 40', 41)]);
  });

  it('allows at most 48 tags: SageMaker allows 50 per job, and the tuner adds two', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, k) => ({ Key: `k${k}`, Value: 'v' }));
    expect(problemsWith((i) => setAt(i, '$.Tags', tags(48)))).toEqual([]);
    expect(problemsWith((i) => setAt(i, '$.Tags', tags(49)))).toEqual([
      err('$.Tags', 'too many items in Tags: got 49, allowed at most 48 (SageMaker allows 50 tags per training job, and the tuner adds hpo:run and hpo:trial)', 49),
    ]);
  });

  it('needs 1..5 parent jobs in WarmStartConfig', () => {
    const problems = problemsWith((i) => setAt(i, '$.WarmStartConfig', { ParentHyperParameterTuningJobs: [], WarmStartType: 'TransferLearning' }));
    expect(problems[0]).toEqual(err('$.WarmStartConfig.ParentHyperParameterTuningJobs', 'too few items in ParentHyperParameterTuningJobs: got 0, allowed at least 1', 0));
  });
});

describe('fields AMT has and this tuner rejects', () => {
  it('rejects TrainingJobDefinitions with a clear message', () => {
    const problems = problemsWith((i) => setAt(i, '$.TrainingJobDefinitions', [{}]));
    expect(problems).toEqual([
      err('$.TrainingJobDefinitions', 'TrainingJobDefinitions (several training job definitions) is not supported: use TrainingJobDefinition with a single definition'),
    ]);
  });

  it('rejects HyperParameterTuningResourceConfig and AutoParameters', () => {
    expect(problemsWith((i) => setAt(i, `${DEF}.HyperParameterTuningResourceConfig`, {}))).toEqual([
      err(`${DEF}.HyperParameterTuningResourceConfig`, 'HyperParameterTuningResourceConfig is not supported (instance type flexibility): use ResourceConfig'),
    ]);
    expect(problemsWith((i) => setAt(i, `${CONFIG}.ParameterRanges.AutoParameters`, []))[0].path).toBe(`${CONFIG}.ParameterRanges.AutoParameters`);
  });
});

describe('LocalConfig (our extension)', () => {
  it('accepts a command, a folder, channels and environment', () => {
    expect(
      problemsWith((i) =>
        setAt(i, '$.LocalConfig', { Command: ['node', 'train.js'], WorkingDirectory: 'examples/x', Channels: { train: 'data/train' }, Environment: { SEED: '1' } }),
      ),
    ).toEqual([]);
  });

  it('needs a non-empty command', () => {
    expect(problemsWith((i) => setAt(i, '$.LocalConfig', { Command: [] }))).toEqual([
      err('$.LocalConfig.Command', 'too few items in Command: got 0, allowed at least 1', 0),
    ]);
  });
});

describe('$schema', () => {
  it('accepts a $schema string for editors and ignores it', () => {
    expect(validateTuningInput({ $schema: './schema/tuning-input.schema.json', ...baseInput() })).toEqual([]);
  });

  it('rejects a $schema that is not a string', () => {
    const problems = validateTuningInput({ $schema: 7, ...baseInput() });
    expect(problems.map((p) => p.path)).toEqual(['$["$schema"]']);
  });
});
