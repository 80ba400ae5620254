/**
 * One training job of a real-training benchmark problem: what `train.ts` runs under SageMaker's
 * script-mode contract, and what the benchmark calls in-process (the same function; only the
 * checkpoint store differs: a folder for the script, memory for the benchmark).
 *
 * A job trains its trial from the epoch its checkpoint holds (0 without one) up to `epochs`,
 * evaluates after every epoch, writes the checkpoint after every epoch, and prints one metrics
 * line per epoch. Because every model keeps all of its state (weights, optimizer buffers, the
 * random generator's state) in the checkpoint, a job that resumes at epoch k and trains to r
 * produces exactly the model, and the metrics, of one job trained from scratch to r. That is
 * what makes the budget exact: a promotion from r_k to r_{k+1} trains r_{k+1} - r_k epochs.
 */

/** A hyperparameter a model understands (all are numbers; categorical values are numeric strings). */
export interface HyperParameterDef {
  readonly type: 'float' | 'int';
  readonly default: number;
  /** Inclusive bounds. */
  readonly min: number;
  readonly max: number;
}

/** Typed hyperparameter values (every model hyperparameter, plus `epochs` and `seed`). */
export type HyperParameterValues = Readonly<Record<string, number>>;

/**
 * What an epoch reports. `eval_*` is the validation set (the tuners' objective). The test set
 * is never seen by a tuner: `test_accuracy` is evaluated on the last epoch of a job only (the
 * model the job leaves behind), to score what a tuner reports.
 */
export interface EpochMetrics {
  readonly epoch: number;
  readonly train_loss: number;
  readonly eval_accuracy: number;
  readonly eval_loss: number;
  /** Only on a job's last epoch. */
  readonly test_accuracy?: number;
}

/** A model being trained: its epoch count and whole state. */
export interface Trainer {
  /** Epochs trained so far. */
  readonly epoch: number;
  /** Trains one more epoch; returns the mean training loss. */
  trainEpoch(): number;
  /** Validation accuracy and loss; test accuracy too when `withTest`. */
  evaluate(withTest: boolean): { readonly eval_accuracy: number; readonly eval_loss: number; readonly test_accuracy?: number };
  /** The whole state as plain JSON (exact: arrays as base64 of their float64 bytes). */
  state(): unknown;
}

/** A model family: its hyperparameters and how to create or restore a trainer. */
export interface ModelDefinition {
  /** Checkpoint format tag; a checkpoint of another format is refused. */
  readonly format: string;
  /** The configuration hyperparameters (not `epochs`, not `seed`). */
  readonly hyperParameters: Readonly<Record<string, HyperParameterDef>>;
  /** Data split sizes etc., recorded in checkpoints. */
  dataInfo(): unknown;
  create(hp: HyperParameterValues): Trainer;
  restore(hp: HyperParameterValues, epoch: number, state: unknown): Trainer;
}

/** Where a trial's checkpoint lives: a file in SM_CHECKPOINT_DIR, or memory in the benchmark. */
export interface CheckpointStore {
  read(): string | undefined;
  write(text: string): void;
}

/** A checkpoint kept in memory. */
export class MemoryCheckpointStore implements CheckpointStore {
  constructor(private text?: string) {}
  read(): string | undefined {
    return this.text;
  }
  write(text: string): void {
    this.text = text;
  }
}

/** Thrown for problems the user must fix (bad hyperparameters, a foreign checkpoint). */
export class UsageError extends Error {}

/** The shared hyperparameters of every problem: the resource and the seed. */
export const COMMON_HYPERPARAMETERS: Readonly<Record<string, HyperParameterDef>> = {
  epochs: { type: 'int', default: 1, min: 1, max: 1000 },
  seed: { type: 'int', default: 1, min: 0, max: 0xffffffff },
};

/**
 * Parses and checks string hyperparameters (as SageMaker passes them) against a model's
 * definitions plus `epochs` and `seed`; missing ones take their default. Unknown names are
 * returned, not refused (a tuner may pass static hyperparameters a script does not use).
 */
export function parseHyperParameters(
  model: Pick<ModelDefinition, 'hyperParameters'>,
  raw: Readonly<Record<string, string>>,
): { readonly hp: HyperParameterValues; readonly unknown: readonly string[] } {
  const defs = { ...model.hyperParameters, ...COMMON_HYPERPARAMETERS };
  const hp: Record<string, number> = {};
  for (const [name, def] of Object.entries(defs)) hp[name] = def.default;
  const unknown: string[] = [];
  for (const [key, text] of Object.entries(raw)) {
    const name = key.replace(/-/g, '_');
    const def = defs[name];
    if (def === undefined) {
      unknown.push(key);
      continue;
    }
    const value = Number(text);
    if (text.trim() === '' || !Number.isFinite(value) || (def.type === 'int' && !Number.isInteger(value)) || value < def.min || value > def.max) {
      throw new UsageError(`invalid --${key} ${JSON.stringify(text)}: expected ${def.type === 'int' ? 'an integer' : 'a number'} in [${def.min}, ${def.max}]`);
    }
    hp[name] = value;
  }
  return { hp, unknown };
}

/** The configuration a checkpoint belongs to: every hyperparameter but `epochs`. */
function configurationOf(hp: HyperParameterValues): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key of Object.keys(hp).sort()) if (key !== 'epochs') out[key] = hp[key];
  return out;
}

interface CheckpointFile {
  readonly format: string;
  readonly epoch: number;
  readonly hyperparameters: Record<string, number>;
  readonly data: unknown;
  readonly metrics?: EpochMetrics;
  readonly state: unknown;
}

/** The metrics line; the tuner's regexes read `eval_accuracy=([0-9.]+)` etc. */
export function metricsLine(m: EpochMetrics): string {
  const test = m.test_accuracy === undefined ? '' : ` test_accuracy=${m.test_accuracy.toFixed(6)}`;
  return `epoch=${m.epoch} train_loss=${m.train_loss.toFixed(6)} eval_accuracy=${m.eval_accuracy.toFixed(6)} eval_loss=${m.eval_loss.toFixed(6)}${test}`;
}

/** What a job did. */
export interface JobResult {
  /** The epoch the checkpoint held when the job started (0: none). */
  readonly fromEpoch: number;
  /** Metrics of every epoch this job trained (empty when the checkpoint was already at `epochs`). */
  readonly trained: readonly EpochMetrics[];
  /** The metrics at the end of the job (the objective the tuner reads). */
  readonly final: EpochMetrics;
  readonly trainer: Trainer;
}

/**
 * One job as a sequence of steps: resume from `store` (refusing a checkpoint of another
 * configuration or other data), then train to `hp.epochs`, writing the checkpoint and a metrics
 * line after every epoch; the generator yields after each epoch (so a caller can notice a
 * SIGTERM in between) and returns the job's result.
 */
export function* jobSteps(
  model: ModelDefinition,
  hp: HyperParameterValues,
  store: CheckpointStore,
  log: (line: string) => void = () => undefined,
): Generator<EpochMetrics, JobResult, boolean | undefined> {
  const dataInfo = model.dataInfo();
  const text = store.read();
  let trainer: Trainer;
  let metrics: EpochMetrics | undefined;
  if (text === undefined) {
    trainer = model.create(hp);
  } else {
    const checkpoint = JSON.parse(text) as CheckpointFile;
    if (checkpoint.format !== model.format) throw new UsageError(`checkpoint has format ${JSON.stringify(checkpoint.format)}, expected ${JSON.stringify(model.format)}`);
    const want = configurationOf(hp);
    const diffs = Object.keys(want).filter((k) => checkpoint.hyperparameters[k] !== want[k]);
    if (diffs.length > 0) {
      throw new UsageError(
        `the checkpoint (epoch ${checkpoint.epoch}) was trained with other hyperparameters: ` +
          diffs.map((k) => `${k} ${checkpoint.hyperparameters[k]} there, ${want[k]} now`).join('; ') +
          '. Only epochs may change between the jobs of one trial',
      );
    }
    if (JSON.stringify(checkpoint.data) !== JSON.stringify(dataInfo)) throw new UsageError('the checkpoint was trained on other data: start over');
    trainer = model.restore(hp, checkpoint.epoch, checkpoint.state);
    metrics = checkpoint.metrics;
    log(`resumed from epoch=${checkpoint.epoch}`);
  }
  const fromEpoch = trainer.epoch;
  const trained: EpochMetrics[] = [];
  while (trainer.epoch < hp.epochs) {
    const train_loss = trainer.trainEpoch();
    metrics = { epoch: trainer.epoch, train_loss, ...trainer.evaluate(trainer.epoch === hp.epochs) };
    trained.push(metrics);
    const checkpoint: CheckpointFile = { format: model.format, epoch: trainer.epoch, hyperparameters: configurationOf(hp), data: dataInfo, metrics, state: trainer.state() };
    store.write(JSON.stringify(checkpoint));
    log(metricsLine(metrics));
    const stop = yield metrics;
    if (stop === true) break;
  }
  if (trained.length === 0) {
    // Nothing to train (a retried job): report the checkpoint's model, test accuracy included.
    metrics = { epoch: trainer.epoch, train_loss: metrics?.train_loss ?? NaN, ...trainer.evaluate(true) };
    log(`nothing to train: the checkpoint is at epoch=${trainer.epoch}; ${metricsLine(metrics)}`);
  }
  if (metrics === undefined) throw new Error('internal error: a job ended without metrics');
  return { fromEpoch, trained, final: metrics, trainer };
}

/** Runs {@link jobSteps} to the end in one go. */
export function runJob(model: ModelDefinition, hp: HyperParameterValues, store: CheckpointStore, log?: (line: string) => void): JobResult {
  const steps = jobSteps(model, hp, store, log);
  for (;;) {
    const step = steps.next();
    if (step.done === true) return step.value;
  }
}
