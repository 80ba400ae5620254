import { deleteAt, err, problemsWith, setAt, warn } from './fixture';

const CONFIG = '$.HyperParameterTuningJobConfig';
const LIMITS = `${CONFIG}.ResourceLimits`;
const RANGES = `${CONFIG}.ParameterRanges`;
const HB = `${CONFIG}.StrategyConfig.HyperbandStrategyConfig`;

/** Turn the base (Hyperband) input into a FIFO one. */
function fifo(strategy: string) {
  return (i: Parameters<Parameters<typeof problemsWith>[0]>[0]): void => {
    setAt(i, `${CONFIG}.Strategy`, strategy);
    deleteAt(i, `${CONFIG}.StrategyConfig`);
  };
}

/** A Grid input with a 2 x 3 grid. */
function grid(i: Parameters<Parameters<typeof problemsWith>[0]>[0]): void {
  fifo('Grid')(i);
  setAt(i, RANGES, { CategoricalParameterRanges: [{ Name: 'a', Values: ['1', '2'] }, { Name: 'b', Values: ['x', 'y', 'z'] }] });
  deleteAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`);
  setAt(i, `${LIMITS}.MaxParallelTrainingJobs`, 2);
}

describe('budget', () => {
  it('needs MaxParallelTrainingJobs <= MaxNumberOfTrainingJobs', () => {
    expect(problemsWith((i) => setAt(i, `${LIMITS}.MaxParallelTrainingJobs`, 60))).toEqual([
      err(`${LIMITS}.MaxParallelTrainingJobs`, 'invalid MaxParallelTrainingJobs: got 60, allowed at most MaxNumberOfTrainingJobs (50)', 60),
    ]);
  });

  it('allows 10,000 training jobs for every strategy (beyond AMT\'s 750), not more', () => {
    expect(problemsWith((i) => setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 751))).toEqual([]);
    expect(problemsWith((i) => setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10_000))).toEqual([]);
    expect(problemsWith((i) => setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10_001))).toEqual([
      err(`${LIMITS}.MaxNumberOfTrainingJobs`, 'invalid MaxNumberOfTrainingJobs: got 10001, allowed 1 to 10000', 10_001),
    ]);
  });

  it('allows 100 training jobs in parallel, not more', () => {
    expect(problemsWith((i) => (setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10_000), setAt(i, `${LIMITS}.MaxParallelTrainingJobs`, 100)))).toEqual([]);
    expect(problemsWith((i) => (setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10_000), setAt(i, `${LIMITS}.MaxParallelTrainingJobs`, 101)))).toEqual([
      err(`${LIMITS}.MaxParallelTrainingJobs`, 'invalid MaxParallelTrainingJobs: got 101, allowed 1 to 100', 101),
    ]);
  });

  it('allows 10,000 training jobs for Random, not more', () => {
    expect(problemsWith((i) => (fifo('Random')(i), setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10_000)))).toEqual([]);
    expect(problemsWith((i) => (fifo('Random')(i), setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10_001)))).toEqual([
      err(`${LIMITS}.MaxNumberOfTrainingJobs`, 'invalid MaxNumberOfTrainingJobs: got 10001, allowed 1 to 10000', 10_001),
    ]);
  });

  it('needs MaxNumberOfTrainingJobs except for Grid', () => {
    expect(problemsWith((i) => deleteAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`))).toEqual([
      err(`${LIMITS}.MaxNumberOfTrainingJobs`, 'missing required field MaxNumberOfTrainingJobs in ResourceLimits: strategy Hyperband needs it (only Grid derives it from the grid size)'),
    ]);
  });
});

describe('Grid', () => {
  it('derives the number of jobs from the grid', () => {
    expect(problemsWith(grid)).toEqual([]);
  });

  it('needs categorical ranges only', () => {
    expect(problemsWith((i) => (grid(i), setAt(i, `${RANGES}.IntegerParameterRanges`, [{ Name: 'n', MinValue: '1', MaxValue: '3' }])))).toEqual([
      err(`${RANGES}.IntegerParameterRanges`, 'strategy Grid needs categorical ranges only: got 1 in IntegerParameterRanges; use CategoricalParameterRanges', 1),
    ]);
  });

  it('needs Sampler Grid', () => {
    expect(problemsWith((i) => (grid(i), setAt(i, `${CONFIG}.Sampler`, 'TPE')))).toEqual([
      err(`${CONFIG}.Sampler`, 'invalid Sampler "TPE" for strategy Grid: allowed Grid', 'TPE'),
    ]);
  });

  it('warns when MaxNumberOfTrainingJobs exceeds the grid', () => {
    expect(problemsWith((i) => (grid(i), setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 10)))).toEqual([
      warn(`${LIMITS}.MaxNumberOfTrainingJobs`, 'capped MaxNumberOfTrainingJobs: got 10, but the grid has 6 combinations; the run trains 6 jobs', 10),
    ]);
  });

  it('warns when MaxNumberOfTrainingJobs leaves part of the grid out', () => {
    expect(problemsWith((i) => (grid(i), setAt(i, `${LIMITS}.MaxNumberOfTrainingJobs`, 4)))).toEqual([
      warn(`${LIMITS}.MaxNumberOfTrainingJobs`, 'partial grid: MaxNumberOfTrainingJobs is 4, so only 4 of the 6 grid combinations are trained', 4),
    ]);
  });

  it('rejects a grid larger than 10,000 without MaxNumberOfTrainingJobs', () => {
    const big = Array.from({ length: 5 }, (_, k) => ({ Name: `p${k}`, Values: Array.from({ length: 7 }, (_, v) => String(v)) }));
    expect(problemsWith((i) => (grid(i), setAt(i, `${RANGES}.CategoricalParameterRanges`, big)))).toEqual([
      err(`${LIMITS}.MaxNumberOfTrainingJobs`, 'the grid has 16807 combinations, more than the 10000 training jobs allowed: set MaxNumberOfTrainingJobs or use fewer values', 16807),
    ]);
    const fits = Array.from({ length: 3 }, (_, k) => ({ Name: `p${k}`, Values: Array.from({ length: 10 }, (_, v) => String(v)) }));
    expect(problemsWith((i) => (grid(i), setAt(i, `${RANGES}.CategoricalParameterRanges`, fits)))).toEqual([]);
  });

  it('also needs categorical ranges for Sampler Grid with another strategy', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.Sampler`, 'Grid'))).toEqual([
      err(`${RANGES}.IntegerParameterRanges`, 'Sampler Grid needs categorical ranges only: got 1 in IntegerParameterRanges; use CategoricalParameterRanges', 1),
      err(`${RANGES}.ContinuousParameterRanges`, 'Sampler Grid needs categorical ranges only: got 1 in ContinuousParameterRanges; use CategoricalParameterRanges', 1),
    ]);
  });
});

describe('Hyperband and ASHA', () => {
  it('need HyperbandStrategyConfig', () => {
    expect(problemsWith((i) => deleteAt(i, `${CONFIG}.StrategyConfig`))).toEqual([
      err(HB, 'missing required field HyperbandStrategyConfig in StrategyConfig: strategy Hyperband needs at least MaxResource'),
    ]);
  });

  it('need MaxResource', () => {
    expect(problemsWith((i) => deleteAt(i, `${HB}.MaxResource`))).toEqual([
      err(`${HB}.MaxResource`, 'missing required field MaxResource in HyperbandStrategyConfig: strategy Hyperband needs it'),
    ]);
  });

  it('need MinResource <= MaxResource', () => {
    expect(problemsWith((i) => setAt(i, `${HB}.MinResource`, 28))).toEqual([
      err(`${HB}.MinResource`, 'invalid MinResource: got 28, allowed at most MaxResource (27)', 28),
    ]);
    expect(problemsWith((i) => setAt(i, `${HB}.MinResource`, 27))).toEqual([]);
  });

  it('reject HyperbandStrategyConfig with FIFO strategies', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.Strategy`, 'Bayesian'))).toEqual([
      err(HB, 'unexpected HyperbandStrategyConfig for strategy Bayesian: allowed only with strategy Hyperband or ASHA'),
    ]);
  });

  it('reject Mode Synchronous with ASHA', () => {
    expect(problemsWith((i) => (setAt(i, `${CONFIG}.Strategy`, 'ASHA'), setAt(i, `${HB}.Mode`, 'Synchronous')))).toEqual([
      err(`${HB}.Mode`, 'invalid Mode "Synchronous" for strategy ASHA: ASHA is asynchronous by definition; allowed Asynchronous (or use strategy Hyperband)', 'Synchronous'),
    ]);
    expect(problemsWith((i) => setAt(i, `${HB}.Mode`, 'Synchronous'))).toEqual([]);
  });

  it('reject a ResourceHyperParameter that is tunable', () => {
    expect(problemsWith((i) => setAt(i, `${HB}.ResourceHyperParameter`, 'batch_size'))).toEqual([
      err(
        `${HB}.ResourceHyperParameter`,
        'invalid ResourceHyperParameter "batch_size": it is also a tunable hyperparameter (IntegerParameterRanges), but the tuner sets it for each job; remove the range or name another ResourceHyperParameter',
        'batch_size',
      ),
    ]);
  });

  it('reject the default ResourceHyperParameter as a static hyperparameter, and say how to fix an AMT input', () => {
    expect(problemsWith((i) => (setAt(i, '$.TrainingJobDefinition.StaticHyperParameters.epochs', '30'), deleteAt(i, `${HB}.MaxResource`)))).toEqual([
      err(`${HB}.MaxResource`, 'missing required field MaxResource in HyperbandStrategyConfig: strategy Hyperband needs it'),
      err(
        '$.TrainingJobDefinition.StaticHyperParameters.epochs',
        'invalid ResourceHyperParameter (default "epochs"): it is also a static hyperparameter (StaticHyperParameters.epochs = "30"), but the tuner sets it for each job; remove it from StaticHyperParameters and set HyperbandStrategyConfig.MaxResource to 30',
        'epochs',
      ),
    ]);
  });
});

describe('early stopping', () => {
  it('is an error with Hyperband (AMT: must be Off)', () => {
    expect(problemsWith((i) => setAt(i, `${CONFIG}.TrainingJobEarlyStoppingType`, 'Auto'))).toEqual([
      err(`${CONFIG}.TrainingJobEarlyStoppingType`, 'invalid TrainingJobEarlyStoppingType "Auto" for strategy Hyperband: allowed Off (Hyperband stops poor trials itself)', 'Auto'),
    ]);
  });

  it('is accepted with FIFO strategies whose objective has a MetricDefinitions regex (the median rule)', () => {
    expect(problemsWith((i) => (fifo('Bayesian')(i), setAt(i, `${CONFIG}.TrainingJobEarlyStoppingType`, 'Auto')))).toEqual([]);
  });

  it('is a warning without a regex for the objective (a built-in algorithm)', () => {
    expect(
      problemsWith((i) => (fifo('Random')(i), setAt(i, `${CONFIG}.TrainingJobEarlyStoppingType`, 'Auto'), setAt(i, '$.TrainingJobDefinition.AlgorithmSpecification.MetricDefinitions', []))),
    ).toContainEqual(
      warn(
        `${CONFIG}.TrainingJobEarlyStoppingType`,
        'ignored TrainingJobEarlyStoppingType "Auto": early stopping reads the objective after each epoch with its MetricDefinitions regex, and this definition has none for the objective (a built-in algorithm); jobs train to the end',
        'Auto',
      ),
    );
  });
});
