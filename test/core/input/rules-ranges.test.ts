import { deleteAt, err, problemsWith, setAt } from './fixture';

const RANGES = '$.HyperParameterTuningJobConfig.ParameterRanges';
const INT0 = `${RANGES}.IntegerParameterRanges[0]`;
const CONT0 = `${RANGES}.ContinuousParameterRanges[0]`;
const CAT0 = `${RANGES}.CategoricalParameterRanges[0]`;

describe('where the search space is given', () => {
  it('accepts the ranges in TrainingJobDefinition.HyperParameterRanges', () => {
    expect(
      problemsWith((i) => {
        setAt(i, '$.TrainingJobDefinition.HyperParameterRanges', i.HyperParameterTuningJobConfig.ParameterRanges);
        deleteAt(i, RANGES);
      }),
    ).toEqual([]);
  });

  it('rejects ranges in both places', () => {
    expect(problemsWith((i) => setAt(i, '$.TrainingJobDefinition.HyperParameterRanges', {}))).toEqual([
      err(
        '$.TrainingJobDefinition.HyperParameterRanges',
        'either HyperParameterTuningJobConfig.ParameterRanges or TrainingJobDefinition.HyperParameterRanges, not both',
      ),
    ]);
  });

  it('requires ranges somewhere', () => {
    expect(problemsWith((i) => deleteAt(i, RANGES))).toEqual([
      err(RANGES, 'missing required field ParameterRanges in HyperParameterTuningJobConfig (or give TrainingJobDefinition.HyperParameterRanges)'),
    ]);
  });

  it('requires at least one tunable hyperparameter', () => {
    expect(problemsWith((i) => setAt(i, RANGES, { IntegerParameterRanges: [] }))).toEqual([
      err(RANGES, 'no tunable hyperparameters: give at least one IntegerParameterRanges, ContinuousParameterRanges or CategoricalParameterRanges entry'),
    ]);
  });
});

describe('hyperparameter names and counts', () => {
  it('rejects a name used by two ranges', () => {
    expect(problemsWith((i) => setAt(i, `${CAT0}.Name`, 'batch_size'))).toEqual([
      err(`${CAT0}.Name`, `duplicate hyperparameter name "batch_size": also at ${INT0}.Name; names must be unique across all ranges`, 'batch_size'),
    ]);
  });

  it('rejects a name that is both tunable and static', () => {
    expect(problemsWith((i) => setAt(i, '$.TrainingJobDefinition.StaticHyperParameters.optimizer', 'sgd'))).toEqual([
      err(`${CAT0}.Name`, 'hyperparameter "optimizer" is both tunable and static (StaticHyperParameters.optimizer); remove one of them', 'optimizer'),
    ]);
  });

  it('allows at most 30 tunable hyperparameters in all', () => {
    const ints = Array.from({ length: 15 }, (_, k) => ({ Name: `i${k}`, MinValue: '1', MaxValue: '9' }));
    const cats = Array.from({ length: 16 }, (_, k) => ({ Name: `c${k}`, Values: ['a', 'b'] }));
    expect(problemsWith((i) => setAt(i, RANGES, { IntegerParameterRanges: ints, CategoricalParameterRanges: cats }))).toEqual([
      err(RANGES, 'too many tunable hyperparameters: got 31, allowed at most 30 (all ranges together)', 31),
    ]);
  });

  it('allows at most 100 hyperparameters in all, the resource one Hyperband and ASHA add to every job included', () => {
    const statics = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, k) => [`s${k}`, '1']));
    const path = '$.TrainingJobDefinition.StaticHyperParameters';
    expect(problemsWith((i) => setAt(i, path, statics(96)))).toEqual([]);
    expect(problemsWith((i) => setAt(i, path, statics(97)))).toEqual([
      err(path, 'too many hyperparameters: 97 static + 3 tunable + 1 resource (epochs, set for each job by the tuner) = 101, SageMaker allows at most 100 per training job', 101),
    ]);
  });

  it('counts no resource hyperparameter for strategies that train every trial to the end', () => {
    const statics = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, k) => [`s${k}`, '1']));
    const random = (n: number) => (i: Record<string, unknown>) => {
      setAt(i, '$.HyperParameterTuningJobConfig.Strategy', 'Random');
      deleteAt(i, '$.HyperParameterTuningJobConfig.StrategyConfig');
      setAt(i, '$.TrainingJobDefinition.StaticHyperParameters', statics(n));
    };
    expect(problemsWith(random(97))).toEqual([]);
    expect(problemsWith(random(98))).toEqual([
      err('$.TrainingJobDefinition.StaticHyperParameters', 'too many hyperparameters: 98 static + 3 tunable = 101, SageMaker allows at most 100 per training job', 101),
    ]);
  });
});

describe('range bounds', () => {
  it('needs numbers written as strings', () => {
    expect(problemsWith((i) => setAt(i, `${CONT0}.MaxValue`, 'one'))).toEqual([
      err(`${CONT0}.MaxValue`, 'invalid MaxValue "one" for hyperparameter "learning_rate": expected a number written as a string, e.g. "0.001"', 'one'),
    ]);
  });

  it('accepts exponent notation for continuous ranges', () => {
    expect(problemsWith((i) => setAt(i, `${CONT0}.MinValue`, '1e-5'))).toEqual([]);
  });

  it('needs integers for integer ranges', () => {
    expect(problemsWith((i) => setAt(i, `${INT0}.MinValue`, '1.5'))).toEqual([
      err(`${INT0}.MinValue`, 'invalid MinValue "1.5" for hyperparameter "batch_size": expected an integer written as a string, e.g. "16"', '1.5'),
    ]);
  });

  it('needs MinValue < MaxValue', () => {
    expect(problemsWith((i) => setAt(i, `${INT0}.MinValue`, '256'))).toEqual([
      err(`${INT0}.MinValue`, 'invalid range for hyperparameter "batch_size": MinValue 256 must be less than MaxValue 256', 256),
    ]);
  });

  it('needs MinValue > 0 for Logarithmic', () => {
    expect(problemsWith((i) => setAt(i, `${CONT0}.MinValue`, '0'))).toEqual([
      err(`${CONT0}.MinValue`, 'invalid MinValue 0 for hyperparameter "learning_rate": ScalingType Logarithmic needs MinValue > 0', 0),
    ]);
    expect(problemsWith((i) => setAt(setAt(i, `${INT0}.ScalingType`, 'Logarithmic'), `${INT0}.MinValue`, '-1'))).toEqual([
      err(`${INT0}.MinValue`, 'invalid MinValue -1 for hyperparameter "batch_size": ScalingType Logarithmic needs MinValue > 0', -1),
    ]);
  });

  it('allows ReverseLogarithmic only for continuous ranges', () => {
    expect(problemsWith((i) => setAt(i, `${INT0}.ScalingType`, 'ReverseLogarithmic'))).toEqual([
      err(
        `${INT0}.ScalingType`,
        'invalid ScalingType "ReverseLogarithmic" for integer hyperparameter "batch_size": allowed only for continuous ranges; use Auto, Linear or Logarithmic',
        'ReverseLogarithmic',
      ),
    ]);
  });

  it('needs 0 <= MinValue < MaxValue < 1 for ReverseLogarithmic', () => {
    expect(problemsWith((i) => setAt(i, CONT0, { Name: 'momentum', MinValue: '0.9', MaxValue: '1', ScalingType: 'ReverseLogarithmic' }))).toEqual([
      err(
        `${CONT0}.ScalingType`,
        'invalid range for hyperparameter "momentum": ScalingType ReverseLogarithmic needs 0 <= MinValue < MaxValue < 1, got MinValue 0.9 and MaxValue 1',
        'ReverseLogarithmic',
      ),
    ]);
    expect(problemsWith((i) => setAt(i, CONT0, { Name: 'momentum', MinValue: '0', MaxValue: '0.999', ScalingType: 'ReverseLogarithmic' }))).toEqual([]);
  });

  it('needs distinct categorical values', () => {
    expect(problemsWith((i) => setAt(i, `${CAT0}.Values`, ['sgd', 'adam', 'sgd']))).toEqual([
      err(`${CAT0}.Values[2]`, 'duplicate value "sgd" in Values of hyperparameter "optimizer"; values must be distinct', 'sgd'),
    ]);
  });
});
