import fc from 'fast-check';
import { parseTuningInput, toTuningSpec, validateTuningInput, type TuningInput } from '../../../core/input';
import { baseInput, deleteAt, setAt, type Editable } from './fixture';

const CONFIG = '$.HyperParameterTuningJobConfig';

function spec(edit: (i: Editable<TuningInput>) => void = () => undefined) {
  const input = baseInput();
  edit(input);
  expect(validateTuningInput(input).filter((p) => p.severity === 'error')).toEqual([]);
  return toTuningSpec(input as TuningInput);
}

describe('toTuningSpec', () => {
  it('maps a Hyperband input and fills the defaults', () => {
    expect(spec()).toEqual({
      runName: 'test-run',
      objective: { type: 'Maximize', metricName: 'eval_accuracy' },
      space: {
        parameters: [
          { kind: 'integer', name: 'batch_size', min: 32, max: 256, scaling: 'Auto' },
          { kind: 'continuous', name: 'learning_rate', min: 0.0001, max: 0.1, scaling: 'Logarithmic' },
          { kind: 'categorical', name: 'optimizer', values: ['sgd', 'adam'] },
        ],
      },
      sampler: 'GP',
      scheduler: { kind: 'Hyperband', mode: 'Asynchronous', minResource: 1, maxResource: 27, reductionFactor: 3, maxTrainingJobs: 50, objectiveType: 'Maximize' },
      resourceHyperParameter: 'epochs',
      maxParallelTrainingJobs: 4,
      staticHyperParameters: { model: 'resnet18' },
      completion: {},
      failure: { maxInitialFailures: 3, maxFailedFraction: 0.5, minJobsForFraction: 10, maxCapacityWaitSeconds: 3600 },
    });
  });

  it('orders parameters Integer, Continuous, Categorical whatever the JSON key order', () => {
    const s = spec((i) => {
      const r = i.HyperParameterTuningJobConfig.ParameterRanges!;
      i.HyperParameterTuningJobConfig.ParameterRanges = {
        CategoricalParameterRanges: r.CategoricalParameterRanges,
        ContinuousParameterRanges: r.ContinuousParameterRanges,
        IntegerParameterRanges: r.IntegerParameterRanges,
      };
    });
    expect(s.space.parameters.map((p) => p.kind)).toEqual(['integer', 'continuous', 'categorical']);
  });

  it('maps Hyperband settings: Mode, ReductionFactor, ResourceHyperParameter, seed', () => {
    const s = spec((i) => {
      setAt(i, `${CONFIG}.StrategyConfig.HyperbandStrategyConfig`, { MinResource: 3, MaxResource: 81, ReductionFactor: 4, ResourceHyperParameter: 'steps', Mode: 'Synchronous' });
      setAt(i, `${CONFIG}.RandomSeed`, 0);
      setAt(i, `${CONFIG}.Sampler`, 'TPE');
    });
    expect(s.scheduler).toMatchObject({ kind: 'Hyperband', mode: 'Synchronous', minResource: 3, maxResource: 81, reductionFactor: 4 });
    expect(s.resourceHyperParameter).toBe('steps');
    expect(s.seed).toBe(0);
    expect(s.sampler).toBe('TPE');
  });

  it('maps ASHA to an asynchronous ASHA scheduler', () => {
    const s = spec((i) => setAt(i, `${CONFIG}.Strategy`, 'ASHA'));
    expect(s.scheduler).toMatchObject({ kind: 'ASHA', mode: 'Asynchronous', minResource: 1, maxResource: 27 });
  });

  it.each([
    ['Random', 'Random'],
    ['Bayesian', 'GP'],
  ])('maps %s to FIFO with resources 1..1 and sampler %s', (strategy, sampler) => {
    const s = spec((i) => (setAt(i, `${CONFIG}.Strategy`, strategy), deleteAt(i, `${CONFIG}.StrategyConfig`)));
    expect(s.sampler).toBe(sampler);
    expect(s.scheduler).toEqual({ kind: 'FIFO', mode: 'Asynchronous', minResource: 1, maxResource: 1, reductionFactor: 3, maxTrainingJobs: 50, objectiveType: 'Maximize' });
  });

  it('maps Grid: jobs and trials from the grid size, capped by MaxNumberOfTrainingJobs', () => {
    const grid = (i: Editable<TuningInput>) => {
      setAt(i, `${CONFIG}.Strategy`, 'Grid');
      deleteAt(i, `${CONFIG}.StrategyConfig`);
      setAt(i, `${CONFIG}.ParameterRanges`, { CategoricalParameterRanges: [{ Name: 'a', Values: ['1', '2', '3'] }, { Name: 'b', Values: ['x', 'y'] }] });
      deleteAt(i, `${CONFIG}.ResourceLimits.MaxNumberOfTrainingJobs`);
    };
    expect(spec(grid)).toMatchObject({ sampler: 'Grid', scheduler: { kind: 'FIFO', maxTrainingJobs: 6, maxTrials: 6 } });
    expect(spec((i) => (grid(i), setAt(i, `${CONFIG}.ResourceLimits.MaxNumberOfTrainingJobs`, 100)))).toMatchObject({ scheduler: { maxTrainingJobs: 6, maxTrials: 6 } });
    expect(spec((i) => (grid(i), setAt(i, `${CONFIG}.ResourceLimits.MaxNumberOfTrainingJobs`, 4)))).toMatchObject({ scheduler: { maxTrainingJobs: 4, maxTrials: 6 } });
  });

  it('maps the completion criteria', () => {
    const s = spec((i) => {
      setAt(i, `${CONFIG}.TuningJobCompletionCriteria`, {
        TargetObjectiveMetricValue: 0.93,
        BestObjectiveNotImproving: { MaxNumberOfTrainingJobsNotImproving: 5 },
        ConvergenceDetected: { CompleteOnConvergence: 'Enabled' },
      });
      setAt(i, `${CONFIG}.ResourceLimits.MaxRuntimeInSeconds`, 7200);
    });
    expect(s.completion).toEqual({ targetObjectiveValue: 0.93, maxJobsNotImproving: 5, maxRuntimeSeconds: 7200, completeOnConvergence: true });
  });

  it('maps FailureConfig; 0 turns a rule off', () => {
    const s = spec((i) => {
      setAt(i, '$.FailureConfig', { MaxInitialFailures: 0, MaxFailedFraction: 0.25, MinFinishedJobs: 4, MaxCapacityWaitInSeconds: 0 });
    });
    expect(s.failure).toEqual({ maxInitialFailures: 0, maxFailedFraction: 0.25, minJobsForFraction: 4, maxCapacityWaitSeconds: 0 });
  });

  it('takes the objective and ranges from the training job definition when given there', () => {
    const s = spec((i) => {
      setAt(i, '$.TrainingJobDefinition.TuningObjective', { Type: 'Minimize', MetricName: 'eval_loss' });
      setAt(i, '$.TrainingJobDefinition.HyperParameterRanges', { ContinuousParameterRanges: [{ Name: 'lr', MinValue: '0.1', MaxValue: '0.5' }] });
      deleteAt(i, `${CONFIG}.HyperParameterTuningJobObjective`);
      deleteAt(i, `${CONFIG}.ParameterRanges`);
    });
    expect(s.objective).toEqual({ type: 'Minimize', metricName: 'eval_loss' });
    expect(s.scheduler.objectiveType).toBe('Minimize');
    expect(s.space.parameters).toEqual([{ kind: 'continuous', name: 'lr', min: 0.1, max: 0.5, scaling: 'Auto' }]);
  });

  it('round-trips any valid integer range (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }), (min, width) => {
        const input = setAt(baseInput(), `${CONFIG}.ParameterRanges.IntegerParameterRanges[0]`, { Name: 'n', MinValue: String(min), MaxValue: String(min + width) });
        const result = parseTuningInput(JSON.stringify(input));
        if (!result.ok) return false;
        const p = result.spec.space.parameters[0];
        return p.kind === 'integer' && p.min === min && p.max === min + width && p.min < p.max;
      }),
    );
  });

  it('round-trips any valid continuous range written with String(number) (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 1e-6, max: 1e6, noNaN: true }), (min, width) => {
        const max = min + width;
        fc.pre(min < max);
        const input = setAt(baseInput(), `${CONFIG}.ParameterRanges.ContinuousParameterRanges[0]`, { Name: 'x', MinValue: String(min), MaxValue: String(max) });
        const result = parseTuningInput(JSON.stringify(input));
        if (!result.ok) return false;
        const p = result.spec.space.parameters[1];
        return p.kind === 'continuous' && p.min === min && p.max === max;
      }),
    );
  });

  it('rejects any integer range with MinValue >= MaxValue (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (max, gap) => {
        const input = setAt(baseInput(), `${CONFIG}.ParameterRanges.IntegerParameterRanges[0]`, { Name: 'n', MinValue: String(max + gap), MaxValue: String(max) });
        const problems = validateTuningInput(input);
        return problems.length === 1 && problems[0].message.startsWith('invalid range for hyperparameter "n": MinValue');
      }),
    );
  });
});
