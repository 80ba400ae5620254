/**
 * The training script of the real-training benchmark problems, in SageMaker script mode:
 *
 *   hyperparameters    `--name value` arguments (also JSON in SM_HPS; in a bring-your-own
 *                      container, /opt/ml/input/config/hyperparameters.json); `--problem`
 *                      picks the model (mnist-mlp, mnist-gbdt, mnist-cnn), `--epochs` is the
 *                      resource, `--seed` the training seed
 *   SM_CHECKPOINT_DIR  the trial's checkpoint folder: a job resumes from the epoch it holds
 *   SM_MODEL_DIR       where the final model goes
 *   stdout             one line per epoch: `epoch=3 train_loss=... eval_accuracy=0.912000
 *                      eval_loss=... [test_accuracy=...]`; a tuner reads `eval_accuracy=([0-9.]+)`
 *
 * Usage (from the repository root):
 *   npx tsx bench/training/train.ts --problem mnist-cnn --lr 0.01 --channels 8 --epochs 3
 *   npx tsx bench/training/train.ts --problem mnist-cnn --lr 0.01 --channels 8 --epochs 9   # resumes at 3
 * Without SM_* variables, checkpoints and the model go to ./.local-run/{checkpoints,model}.
 *
 * Exit codes: 0 done, 2 bad hyperparameters or a foreign checkpoint, 1 anything else, 143
 * stopped by SIGTERM (the checkpoint holds the last finished epoch).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cnnModel } from './cnn';
import { gbdtModel } from './gbdt';
import { UsageError, jobSteps, parseHyperParameters, type CheckpointStore, type JobResult, type ModelDefinition } from './job';
import { mlpModel } from './mlp';

/** The models by problem id. */
export const MODELS: Readonly<Record<string, ModelDefinition>> = {
  'mnist-mlp': mlpModel,
  'mnist-gbdt': gbdtModel,
  'mnist-cnn': cnnModel,
};

const CONTAINER_HYPERPARAMETERS = '/opt/ml/input/config/hyperparameters.json';
const CHECKPOINT_FILE = 'checkpoint.json';

/** `--name value` and `--name=value` pairs (a leading `train`, SageMaker's container argument, is skipped). */
export function parseArgs(argv: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === 'train' && i === 0) continue;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}: hyperparameters are given as --name value`);
    const eq = arg.indexOf('=');
    if (eq > 0) out[arg.slice(2, eq)] = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw new UsageError(`missing value for ${arg}`);
      out[arg.slice(2)] = argv[++i];
    }
  }
  return out;
}

function readJsonObject(text: string, where: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${where} must be a JSON object`);
  return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
}

/** Every source of hyperparameters, later ones winning: the container file, SM_HPS, the command line. */
export function collectHyperParameters(argv: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const raw: Record<string, string> = {};
  if (fs.existsSync(CONTAINER_HYPERPARAMETERS)) Object.assign(raw, readJsonObject(fs.readFileSync(CONTAINER_HYPERPARAMETERS, 'utf8'), CONTAINER_HYPERPARAMETERS));
  if (env.SM_HPS) Object.assign(raw, readJsonObject(env.SM_HPS, 'SM_HPS'));
  Object.assign(raw, parseArgs(argv));
  return raw;
}

/** The checkpoint as a file in a folder, written atomically (a reader never sees half a file). */
export class FileCheckpointStore implements CheckpointStore {
  constructor(private readonly dir: string) {}
  read(): string | undefined {
    const file = path.join(this.dir, CHECKPOINT_FILE);
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  }
  write(text: string): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const file = path.join(this.dir, CHECKPOINT_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, file);
  }
}

/** Runs the script; returns the exit code. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  logError: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  let stop: string | undefined;
  const onSignal = (signal: string) => {
    stop = signal;
  };
  process.on('SIGTERM', onSignal);
  try {
    const raw = collectHyperParameters(argv, env);
    const problem = raw.problem;
    delete raw.problem;
    const model = problem === undefined ? undefined : MODELS[problem];
    if (model === undefined) throw new UsageError(`--problem must be one of ${Object.keys(MODELS).join(', ')}; got ${JSON.stringify(problem)}`);
    const { hp, unknown } = parseHyperParameters(model, raw);
    if (unknown.length > 0) log(`ignoring unknown hyperparameters: ${unknown.join(', ')}`);
    log(`problem=${problem} ${Object.entries(hp).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    const checkpoints = env.SM_CHECKPOINT_DIR ?? path.resolve('.local-run/checkpoints');
    const modelDir = env.SM_MODEL_DIR ?? path.resolve('.local-run/model');
    // A SIGTERM is noticed between two epochs, after the checkpoint of the finished one is written.
    const steps = jobSteps(model, hp, new FileCheckpointStore(checkpoints), log);
    let step = steps.next();
    while (step.done !== true) {
      await new Promise((resolve) => setImmediate(resolve));
      step = steps.next(stop !== undefined);
    }
    const result: JobResult = step.value;
    if (stop !== undefined && result.trainer.epoch < hp.epochs) {
      log(`received ${stop}: stopped; the checkpoint holds epoch=${result.trainer.epoch}`);
      return 143;
    }
    fs.mkdirSync(modelDir, { recursive: true });
    fs.writeFileSync(path.join(modelDir, 'model.json'), JSON.stringify({ format: model.format, problem, epoch: result.trainer.epoch, hyperparameters: hp, metrics: result.final, state: result.trainer.state() }));
    log(`saved model (epoch=${result.trainer.epoch}) to ${path.join(modelDir, 'model.json')}`);
    return 0;
  } catch (error) {
    logError(`error: ${(error as Error).message}`);
    return error instanceof UsageError ? 2 : 1;
  } finally {
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then((code) => {
    process.exitCode = code;
  });
}
