/**
 * The real-training benchmark problems (bench/training): a job resumed from its checkpoint
 * trains exactly what one uninterrupted job would (the property the exact budget and the
 * benchmark's in-process shortcut rely on), the same (configuration, seed) gives the same
 * numbers, and the script keeps SageMaker's script-mode contract.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MemoryCheckpointStore, UsageError, parseHyperParameters, runJob, type ModelDefinition } from '../../bench/training/job';
import { MODELS, main, parseArgs } from '../../bench/training/train';

const CONFIGS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'mnist-mlp': { lr: '0.1', hidden_units: '12', momentum: '0.9', weight_decay: '0.0001', batch_size: '64' },
  'mnist-gbdt': { learning_rate: '0.3', max_depth: '3', min_child_weight: '1', subsample: '0.7', colsample_bytree: '0.5', reg_lambda: '1' },
  'mnist-cnn': { lr: '0.01', channels: '3', batch_size: '64', weight_decay: '0.001', dropout: '0.2' },
};

function hpOf(model: ModelDefinition, id: string, epochs: number, seed = 7) {
  return parseHyperParameters(model, { ...CONFIGS[id], epochs: String(epochs), seed: String(seed) }).hp;
}

describe.each(Object.keys(MODELS))('%s', (id) => {
  const model = MODELS[id];

  it('resumes exactly: 1 epoch, then a job to 3 from the checkpoint, equals one job to 3', () => {
    // Prepare
    const store = new MemoryCheckpointStore();
    // Act
    const first = runJob(model, hpOf(model, id, 1), store);
    const resumed = runJob(model, hpOf(model, id, 3), store);
    const straight = runJob(model, hpOf(model, id, 3), new MemoryCheckpointStore());
    // Assess
    expect(first.trained).toHaveLength(1);
    expect(resumed.fromEpoch).toBe(1);
    expect(resumed.trained.map((m) => m.epoch)).toEqual([2, 3]);
    expect(resumed.final).toEqual(straight.final);
    expect(JSON.stringify(resumed.trainer.state())).toBe(JSON.stringify(straight.trainer.state()));
    expect(straight.final.test_accuracy).toBeGreaterThan(0);
    expect(straight.trained[0].test_accuracy).toBeUndefined();
  });

  it('learns, and another seed trains another model', () => {
    const a = runJob(model, hpOf(model, id, 2, 1), new MemoryCheckpointStore());
    const b = runJob(model, hpOf(model, id, 2, 2), new MemoryCheckpointStore());
    expect(a.final.eval_accuracy).toBeGreaterThan(0.3);
    expect(JSON.stringify(a.trainer.state())).not.toBe(JSON.stringify(b.trainer.state()));
  });

  it('refuses a checkpoint of another configuration', () => {
    const store = new MemoryCheckpointStore();
    runJob(model, hpOf(model, id, 1), store);
    const [name] = Object.keys(CONFIGS[id]);
    const other = parseHyperParameters(model, { ...CONFIGS[id], [name]: String(Number(CONFIGS[id][name]) / 2), epochs: '2', seed: '7' }).hp;
    expect(() => runJob(model, other, store)).toThrow(UsageError);
  });
});

describe('hyperparameters', () => {
  it('parses numbers, reports unknown names and refuses values out of range', () => {
    const model = MODELS['mnist-mlp'];
    const { hp, unknown } = parseHyperParameters(model, { lr: '0.5', 'hidden-units': '32', extra: 'x', epochs: '4' });
    expect(hp.lr).toBe(0.5);
    expect(hp.hidden_units).toBe(32);
    expect(hp.epochs).toBe(4);
    expect(hp.momentum).toBe(0);
    expect(unknown).toEqual(['extra']);
    expect(() => parseHyperParameters(model, { hidden_units: '2.5' })).toThrow(/integer/);
    expect(() => parseHyperParameters(model, { lr: '-1' })).toThrow(/invalid --lr/);
  });

  it('reads --name value and --name=value, skipping a leading train', () => {
    expect(parseArgs(['train', '--a', '1', '--b=2'])).toEqual({ a: '1', b: '2' });
    expect(() => parseArgs(['--a'])).toThrow(/missing value/);
    expect(() => parseArgs(['a'])).toThrow(/unexpected argument/);
  });
});

describe('script mode', () => {
  it('trains to --epochs in SM_CHECKPOINT_DIR, resumes there, prints the metrics and saves the model', async () => {
    // Prepare
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hpo-train-'));
    const env = { SM_CHECKPOINT_DIR: path.join(dir, 'ck'), SM_MODEL_DIR: path.join(dir, 'model') };
    const lines: string[] = [];
    const args = ['--problem', 'mnist-mlp', '--lr', '0.1', '--hidden_units', '8', '--batch_size', '128'];
    // Act
    const first = await main([...args, '--epochs', '1'], env, (l) => lines.push(l));
    const second = await main([...args, '--epochs', '2'], env, (l) => lines.push(l));
    const errors: string[] = [];
    const refused = await main(['--problem', 'mnist-mlp', '--lr', '0.2', '--epochs', '3'], env, () => undefined, (l) => errors.push(l));
    const unknownProblem = await main(['--problem', 'nope'], env, () => undefined, (l) => errors.push(l));
    // Assess
    expect([first, second, refused, unknownProblem]).toEqual([0, 0, 2, 2]);
    expect(errors[0]).toMatch(/other hyperparameters: .*lr 0.1 there, 0.2 now/);
    expect(errors[1]).toMatch(/--problem must be one of mnist-mlp, mnist-gbdt, mnist-cnn/);
    expect(lines.filter((l) => l.startsWith('epoch=')).map((l) => l.split(' ')[0])).toEqual(['epoch=1', 'epoch=2']);
    expect(lines).toContain('resumed from epoch=1');
    expect(lines.find((l) => l.startsWith('epoch=2'))).toMatch(/eval_accuracy=0\.\d{6} .*test_accuracy=0\.\d{6}$/);
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'model', 'model.json'), 'utf8')) as { epoch: number };
    expect(saved.epoch).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
