/**
 * mnist-mlp: the quickstart's model (examples/quickstart/train.js) on a smaller training set.
 *
 * 14x14 inputs (2x2 mean pooling, grey levels / 255, stored sparsely: three quarters are 0),
 * one hidden layer of `hidden_units` ReLU units, 10 softmax outputs, cross-entropy; mini-batch
 * SGD with momentum and L2 weight decay on the weights (not the biases); He initialisation.
 * One epoch is one pass over the {@link MLP_TRAIN_SIZE} training images in a fresh random order.
 */
import { CLASSES as CLASS_COUNT, loadDigits, pooled, splitsOf, type Split } from './data';
import type { HyperParameterValues, ModelDefinition, Trainer } from './job';
import { TrainRng, fromBase64, toBase64 } from './rng';

/** A module-level copy: an imported binding is a getter call in every loop iteration under tsx. */
const CLASSES = CLASS_COUNT;

export const MLP_TRAIN_SIZE = 1500;
const SIDE = 14;
const INPUTS = SIDE * SIDE;

/** A split as sparse rows: the indices and values of each image's non-zero inputs. */
interface SparseSet {
  readonly size: number;
  readonly offsets: Int32Array;
  readonly index: Uint8Array;
  readonly value: Float64Array;
  readonly labels: Uint8Array;
}

interface MlpData {
  readonly train: SparseSet;
  readonly validation: SparseSet;
  readonly test: SparseSet;
  readonly info: unknown;
}

function sparse(dense: Float64Array, split: Split): SparseSet {
  const offsets = new Int32Array(split.size + 1);
  let nnz = 0;
  for (let i = 0; i < dense.length; i++) if (dense[i] !== 0) nnz++;
  const index = new Uint8Array(nnz);
  const value = new Float64Array(nnz);
  let q = 0;
  for (let n = 0; n < split.size; n++) {
    offsets[n] = q;
    for (let i = 0; i < INPUTS; i++) {
      const v = dense[n * INPUTS + i];
      if (v !== 0) {
        index[q] = i;
        value[q++] = v;
      }
    }
  }
  offsets[split.size] = q;
  return { size: split.size, offsets, index, value, labels: split.labels };
}

let cached: MlpData | undefined;

function data(): MlpData {
  if (cached !== undefined) return cached;
  const digits = loadDigits();
  const splits = splitsOf(digits, MLP_TRAIN_SIZE);
  const set = (s: Split) => sparse(pooled(digits, s, 2), s);
  cached = { train: set(splits.train), validation: set(splits.validation), test: set(splits.test), info: { ...splits.info, inputs: INPUTS } };
  return cached;
}

interface Weights {
  W1: Float64Array;
  b1: Float64Array;
  W2: Float64Array;
  b2: Float64Array;
}
const NAMES = ['W1', 'b1', 'W2', 'b2'] as const;

function sizes(hidden: number): Record<(typeof NAMES)[number], number> {
  return { W1: INPUTS * hidden, b1: hidden, W2: hidden * CLASSES, b2: CLASSES };
}

class MlpTrainer implements Trainer {
  private readonly h: Float64Array;
  private readonly dh: Float64Array;
  private readonly p = new Float64Array(CLASSES);

  constructor(
    private readonly hp: HyperParameterValues,
    public epoch: number,
    private readonly rng: TrainRng,
    private readonly w: Weights,
    private readonly v: Weights,
  ) {
    this.h = new Float64Array(hp.hidden_units);
    this.dh = new Float64Array(hp.hidden_units);
  }

  /** Fills h and p for example n; returns -log p[label]. */
  private forward(set: SparseSet, n: number): number {
    const H = this.h.length;
    const { W1, b1, W2, b2 } = this.w;
    const { h, p } = this;
    const { index, value } = set;
    for (let j = 0; j < H; j++) h[j] = b1[j];
    for (let q = set.offsets[n], end = set.offsets[n + 1]; q < end; q++) {
      const x = value[q];
      const row = index[q] * H;
      for (let j = 0; j < H; j++) h[j] += x * W1[row + j];
    }
    for (let k = 0; k < CLASSES; k++) p[k] = b2[k];
    for (let j = 0; j < H; j++) {
      if (h[j] < 0) h[j] = 0;
      const hj = h[j];
      if (hj === 0) continue;
      const row = j * CLASSES;
      for (let k = 0; k < CLASSES; k++) p[k] += hj * W2[row + k];
    }
    let max = p[0];
    for (let k = 1; k < CLASSES; k++) if (p[k] > max) max = p[k];
    let sum = 0;
    for (let k = 0; k < CLASSES; k++) {
      p[k] = Math.exp(p[k] - max);
      sum += p[k];
    }
    for (let k = 0; k < CLASSES; k++) p[k] /= sum;
    return -Math.log(Math.max(p[set.labels[n]], 1e-12));
  }

  trainEpoch(): number {
    const { train } = data();
    const H = this.hp.hidden_units;
    const B = this.hp.batch_size;
    const { lr, momentum, weight_decay: wd } = this.hp;
    const gW1 = new Float64Array(INPUTS * H);
    const gb1 = new Float64Array(H);
    const gW2 = new Float64Array(H * CLASSES);
    const gb2 = new Float64Array(CLASSES);
    const W2 = this.w.W2;
    const { h, dh, p } = this;
    const { offsets, index, value, labels } = train;
    const dz = new Float64Array(CLASSES);
    const order = this.rng.shuffle(Int32Array.from({ length: train.size }, (_, i) => i));
    let total = 0;
    for (let start = 0; start < train.size; start += B) {
      const end = Math.min(start + B, train.size);
      gW1.fill(0);
      gb1.fill(0);
      gW2.fill(0);
      gb2.fill(0);
      for (let t = start; t < end; t++) {
        const n = order[t];
        total += this.forward(train, n);
        for (let k = 0; k < CLASSES; k++) dz[k] = p[k];
        dz[labels[n]] -= 1;
        for (let k = 0; k < CLASSES; k++) gb2[k] += dz[k];
        for (let j = 0; j < H; j++) {
          const hj = h[j];
          const row = j * CLASSES;
          let back = 0;
          if (hj > 0) {
            for (let k = 0; k < CLASSES; k++) {
              gW2[row + k] += hj * dz[k];
              back += W2[row + k] * dz[k];
            }
          }
          dh[j] = back;
          gb1[j] += back;
        }
        for (let q = offsets[n]; q < offsets[n + 1]; q++) {
          const x = value[q];
          const row = index[q] * H;
          for (let j = 0; j < H; j++) gW1[row + j] += x * dh[j];
        }
      }
      const scale = 1 / (end - start);
      const update = (w: Float64Array, v: Float64Array, g: Float64Array, decay: number): void => {
        for (let k = 0; k < w.length; k++) {
          const vk = momentum * v[k] - lr * (g[k] * scale + decay * w[k]);
          v[k] = vk;
          w[k] += vk;
        }
      };
      update(this.w.W1, this.v.W1, gW1, wd);
      update(this.w.b1, this.v.b1, gb1, 0);
      update(W2, this.v.W2, gW2, wd);
      update(this.w.b2, this.v.b2, gb2, 0);
    }
    this.epoch += 1;
    return total / train.size;
  }

  private accuracy(set: SparseSet): { accuracy: number; loss: number } {
    let loss = 0;
    let correct = 0;
    for (let n = 0; n < set.size; n++) {
      loss += this.forward(set, n);
      let best = 0;
      for (let k = 1; k < CLASSES; k++) if (this.p[k] > this.p[best]) best = k;
      if (best === set.labels[n]) correct++;
    }
    return { accuracy: correct / set.size, loss: loss / set.size };
  }

  evaluate(withTest: boolean) {
    const d = data();
    const val = this.accuracy(d.validation);
    return { eval_accuracy: val.accuracy, eval_loss: val.loss, ...(withTest ? { test_accuracy: this.accuracy(d.test).accuracy } : {}) };
  }

  state(): unknown {
    return {
      rng: this.rng.state,
      weights: Object.fromEntries(NAMES.map((n) => [n, toBase64(this.w[n])])),
      velocity: Object.fromEntries(NAMES.map((n) => [n, toBase64(this.v[n])])),
    };
  }
}

interface MlpState {
  readonly rng: number;
  readonly weights: Record<string, string>;
  readonly velocity: Record<string, string>;
}

export const mlpModel: ModelDefinition = {
  format: 'hpo-bench-mnist-mlp/1',
  hyperParameters: {
    lr: { type: 'float', default: 0.01, min: 1e-6, max: 10 },
    hidden_units: { type: 'int', default: 16, min: 1, max: 1024 },
    momentum: { type: 'float', default: 0, min: 0, max: 0.999 },
    weight_decay: { type: 'float', default: 0, min: 0, max: 1 },
    batch_size: { type: 'int', default: 32, min: 1, max: 4096 },
  },
  dataInfo: () => data().info,
  create(hp) {
    const H = hp.hidden_units;
    const rng = new TrainRng(hp.seed);
    const w: Weights = { W1: new Float64Array(INPUTS * H), b1: new Float64Array(H), W2: new Float64Array(H * CLASSES), b2: new Float64Array(CLASSES) };
    const s1 = Math.sqrt(2 / INPUTS);
    for (let i = 0; i < w.W1.length; i++) w.W1[i] = rng.normal() * s1;
    const s2 = Math.sqrt(1 / H);
    for (let i = 0; i < w.W2.length; i++) w.W2[i] = rng.normal() * s2;
    const v: Weights = { W1: new Float64Array(INPUTS * H), b1: new Float64Array(H), W2: new Float64Array(H * CLASSES), b2: new Float64Array(CLASSES) };
    return new MlpTrainer(hp, 0, rng, w, v);
  },
  restore(hp, epoch, raw) {
    const st = raw as MlpState;
    const size = sizes(hp.hidden_units);
    const load = (src: Record<string, string>, what: string): Weights => ({
      W1: fromBase64(src.W1, size.W1, `${what} W1`),
      b1: fromBase64(src.b1, size.b1, `${what} b1`),
      W2: fromBase64(src.W2, size.W2, `${what} W2`),
      b2: fromBase64(src.b2, size.b2, `${what} b2`),
    });
    return new MlpTrainer(hp, epoch, new TrainRng(st.rng), load(st.weights, 'weights'), load(st.velocity, 'momentum'));
  },
};
