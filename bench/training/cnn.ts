/**
 * mnist-cnn: a small convolutional network trained with AdamW and a cosine learning-rate
 * schedule, a model whose low fidelities mislead.
 *
 * Input: the 14x14 pooled digit (2x2 mean pooling, grey levels / 255), cropped to its central
 * 12x12. One convolution of `channels` 3x3 filters with stride 2 (5x5 outputs per channel),
 * ReLU, inverted dropout with rate `dropout` while training, a dense layer to 10 softmax outputs,
 * cross-entropy. He initialisation. (A strided convolution instead of convolution + max pooling
 * keeps an epoch about 3x cheaper, which the benchmark's hour on 2 cores needs.)
 *
 * Optimizer: AdamW (Loshchilov & Hutter 2019; beta1 0.9, beta2 0.999, eps 1e-8; decoupled weight
 * decay `weight_decay` on the weights, not the biases) with a cosine schedule over the whole
 * run: the step size of update t is lr * (1 + cos(pi * t / T)) / 2 with T the number of updates
 * in `total_epochs` epochs (static, R = 27 in the benchmark). A job trained to r < R therefore
 * stops in the middle of the schedule, as a job under a Hyperband tuner does when the script
 * decays over the planned run: large step sizes and strong dropout look worse at low rungs than
 * they end up at R. That is the point of this problem.
 */
import { CLASSES as CLASS_COUNT, loadDigits, pooled, splitsOf, type Split } from './data';
import type { HyperParameterValues, ModelDefinition, Trainer } from './job';
import { TrainRng, fromBase64, toBase64 } from './rng';

/** A module-level copy: an imported binding is a getter call in every loop iteration under tsx. */
const CLASSES = CLASS_COUNT;

export const CNN_TRAIN_SIZE = 1000;
const SIDE = 12;
const INPUTS = SIDE * SIDE;
const OUT = 5; // output rows and columns: positions 0, 2, 4, 6, 8 of the image
const POSITIONS = OUT * OUT; // 25
const TAPS = 9;
const TAP_OFFSETS = [0, 1, 2, SIDE, SIDE + 1, SIDE + 2, 2 * SIDE, 2 * SIDE + 1, 2 * SIDE + 2];
/** Offset in the image of the top-left pixel of output position q. */
const PATCH = Array.from({ length: POSITIONS }, (_, q) => 2 * Math.floor(q / OUT) * SIDE + 2 * (q % OUT));

interface CnnData {
  readonly train: { size: number; x: Float64Array; labels: Uint8Array };
  readonly validation: { size: number; x: Float64Array; labels: Uint8Array };
  readonly test: { size: number; x: Float64Array; labels: Uint8Array };
  readonly info: unknown;
}

let cached: CnnData | undefined;

function cropped(digits: ReturnType<typeof loadDigits>, split: Split): { size: number; x: Float64Array; labels: Uint8Array } {
  const full = pooled(digits, split, 2);
  const x = new Float64Array(split.size * INPUTS);
  for (let n = 0; n < split.size; n++) {
    for (let r = 0; r < SIDE; r++) for (let c = 0; c < SIDE; c++) x[n * INPUTS + r * SIDE + c] = full[n * 196 + (r + 1) * 14 + (c + 1)];
  }
  return { size: split.size, x, labels: split.labels };
}

function data(): CnnData {
  if (cached !== undefined) return cached;
  const digits = loadDigits();
  const splits = splitsOf(digits, CNN_TRAIN_SIZE);
  cached = {
    train: cropped(digits, splits.train),
    validation: cropped(digits, splits.validation),
    test: cropped(digits, splits.test),
    info: { ...splits.info, inputs: INPUTS },
  };
  return cached;
}

/**
 * Parameters: conv W (taps x channels), conv b, dense W2 ((channels * positions) x classes,
 * channel-major rows), dense b2.
 */
interface Params {
  W: Float64Array;
  b: Float64Array;
  W2: Float64Array;
  b2: Float64Array;
}
const NAMES = ['W', 'b', 'W2', 'b2'] as const;

function zeros(C: number): Params {
  return { W: new Float64Array(TAPS * C), b: new Float64Array(C), W2: new Float64Array(POSITIONS * C * CLASSES), b2: new Float64Array(CLASSES) };
}

class CnnTrainer implements Trainer {
  private readonly C: number;
  /** Activations after ReLU, channel-major: act[ch * 25 + q]. */
  private readonly act: Float64Array;
  private readonly mask: Float64Array;
  private readonly p = new Float64Array(CLASSES);

  constructor(
    private readonly hp: HyperParameterValues,
    public epoch: number,
    private readonly rng: TrainRng,
    private step: number,
    private readonly w: Params,
    private readonly m: Params,
    private readonly v: Params,
  ) {
    this.C = hp.channels;
    this.act = new Float64Array(POSITIONS * this.C);
    this.mask = new Float64Array(POSITIONS * this.C).fill(1);
  }

  /** Forward pass of image n of x (dropout mask applied when training); fills p, returns -log p[label]. */
  private forward(x: Float64Array, n: number, label: number, training: boolean): number {
    const C = this.C;
    const { W, b, W2, b2 } = this.w;
    const { act, mask, p } = this;
    const base = n * INPUTS;
    for (let ch = 0; ch < C; ch++) {
      const ao = ch * POSITIONS;
      for (let q = 0; q < POSITIONS; q++) {
        const at = base + (PATCH[q] as number);
        let z = b[ch] as number;
        for (let t = 0; t < TAPS; t++) z += (W[t * C + ch] as number) * (x[at + (TAP_OFFSETS[t] as number)] as number);
        act[ao + q] = z > 0 ? z : 0;
      }
    }
    if (training && this.hp.dropout > 0) {
      const keep = 1 - this.hp.dropout;
      for (let i = 0; i < mask.length; i++) mask[i] = this.rng.next() < keep ? 1 / keep : 0;
    }
    for (let k = 0; k < CLASSES; k++) p[k] = b2[k] as number;
    for (let i = 0; i < act.length; i++) {
      const a = training ? (act[i] as number) * (mask[i] as number) : (act[i] as number);
      if (a === 0) continue;
      const row = i * CLASSES;
      for (let k = 0; k < CLASSES; k++) p[k] += a * (W2[row + k] as number);
    }
    let max = p[0] as number;
    for (let k = 1; k < CLASSES; k++) if ((p[k] as number) > max) max = p[k] as number;
    let sum = 0;
    for (let k = 0; k < CLASSES; k++) {
      p[k] = Math.exp((p[k] as number) - max);
      sum += p[k] as number;
    }
    for (let k = 0; k < CLASSES; k++) p[k] = (p[k] as number) / sum;
    return -Math.log(Math.max(p[label] as number, 1e-12));
  }

  trainEpoch(): number {
    const { train } = data();
    const C = this.C;
    const B = this.hp.batch_size;
    const g = zeros(C);
    const dz = new Float64Array(CLASSES);
    const order = this.rng.shuffle(Int32Array.from({ length: train.size }, (_, i) => i));
    const stepsPerEpoch = Math.ceil(train.size / B);
    const totalSteps = this.hp.total_epochs * stepsPerEpoch;
    const { W2 } = this.w;
    let total = 0;
    for (let start = 0; start < train.size; start += B) {
      const end = Math.min(start + B, train.size);
      for (const name of NAMES) g[name].fill(0);
      for (let t = start; t < end; t++) {
        const n = order[t];
        const label = train.labels[n];
        total += this.forward(train.x, n, label, true);
        for (let k = 0; k < CLASSES; k++) dz[k] = this.p[k];
        dz[label] -= 1;
        for (let k = 0; k < CLASSES; k++) g.b2[k] += dz[k];
        const base = n * INPUTS;
        for (let i = 0; i < this.act.length; i++) {
          const a = (this.act[i] as number) * (this.mask[i] as number);
          const row = i * CLASSES;
          let back = 0;
          for (let k = 0; k < CLASSES; k++) {
            if (a !== 0) g.W2[row + k] += a * (dz[k] as number);
            back += (W2[row + k] as number) * (dz[k] as number);
          }
          // Through dropout and ReLU (act > 0 iff the unit was active) to the filter.
          if (a === 0) continue;
          const grad = back * (this.mask[i] as number);
          const ch = Math.floor(i / POSITIONS);
          const at = base + (PATCH[i % POSITIONS] as number);
          g.b[ch] += grad;
          for (let tap = 0; tap < TAPS; tap++) g.W[tap * C + ch] += (train.x[at + (TAP_OFFSETS[tap] as number)] as number) * grad;
        }
      }
      // AdamW step with the cosine schedule.
      this.step += 1;
      const lrT = (this.hp.lr * (1 + Math.cos((Math.PI * Math.min(this.step - 1, totalSteps)) / totalSteps))) / 2;
      const scale = 1 / (end - start);
      const b1t = 1 - 0.9 ** this.step;
      const b2t = 1 - 0.999 ** this.step;
      for (const name of NAMES) {
        const w = this.w[name];
        const m = this.m[name];
        const v = this.v[name];
        const gr = g[name];
        const decay = name === 'W' || name === 'W2' ? this.hp.weight_decay : 0;
        for (let k = 0; k < w.length; k++) {
          const gk = gr[k] * scale;
          m[k] = 0.9 * m[k] + 0.1 * gk;
          v[k] = 0.999 * v[k] + 0.001 * gk * gk;
          w[k] -= lrT * (m[k] / b1t / (Math.sqrt(v[k] / b2t) + 1e-8) + decay * w[k]);
        }
      }
    }
    this.epoch += 1;
    return total / train.size;
  }

  private score(set: { size: number; x: Float64Array; labels: Uint8Array }): { accuracy: number; loss: number } {
    let correct = 0;
    let loss = 0;
    for (let n = 0; n < set.size; n++) {
      loss += this.forward(set.x, n, set.labels[n], false);
      let best = 0;
      for (let k = 1; k < CLASSES; k++) if (this.p[k] > this.p[best]) best = k;
      if (best === set.labels[n]) correct++;
    }
    return { accuracy: correct / set.size, loss: loss / set.size };
  }

  evaluate(withTest: boolean) {
    const d = data();
    const val = this.score(d.validation);
    return { eval_accuracy: val.accuracy, eval_loss: val.loss, ...(withTest ? { test_accuracy: this.score(d.test).accuracy } : {}) };
  }

  state(): unknown {
    const pack = (p: Params) => Object.fromEntries(NAMES.map((n) => [n, toBase64(p[n])]));
    return { rng: this.rng.state, step: this.step, weights: pack(this.w), adamM: pack(this.m), adamV: pack(this.v) };
  }
}

interface CnnState {
  readonly rng: number;
  readonly step: number;
  readonly weights: Record<string, string>;
  readonly adamM: Record<string, string>;
  readonly adamV: Record<string, string>;
}

export const cnnModel: ModelDefinition = {
  format: 'hpo-bench-mnist-cnn/1',
  hyperParameters: {
    lr: { type: 'float', default: 0.001, min: 1e-6, max: 10 },
    channels: { type: 'int', default: 8, min: 1, max: 64 },
    batch_size: { type: 'int', default: 32, min: 1, max: 4096 },
    weight_decay: { type: 'float', default: 0, min: 0, max: 10 },
    dropout: { type: 'float', default: 0, min: 0, max: 0.95 },
    total_epochs: { type: 'int', default: 27, min: 1, max: 1000 },
  },
  dataInfo: () => data().info,
  create(hp) {
    const C = hp.channels;
    const rng = new TrainRng(hp.seed);
    const w = zeros(C);
    const s1 = Math.sqrt(2 / TAPS);
    for (let i = 0; i < w.W.length; i++) w.W[i] = rng.normal() * s1;
    const s2 = Math.sqrt(2 / (POSITIONS * C));
    for (let i = 0; i < w.W2.length; i++) w.W2[i] = rng.normal() * s2;
    return new CnnTrainer(hp, 0, rng, 0, w, zeros(C), zeros(C));
  },
  restore(hp, epoch, raw) {
    const st = raw as CnnState;
    const C = hp.channels;
    const size = { W: TAPS * C, b: C, W2: POSITIONS * C * CLASSES, b2: CLASSES };
    const unpack = (src: Record<string, string>, what: string): Params => ({
      W: fromBase64(src.W, size.W, `${what} W`),
      b: fromBase64(src.b, size.b, `${what} b`),
      W2: fromBase64(src.W2, size.W2, `${what} W2`),
      b2: fromBase64(src.b2, size.b2, `${what} b2`),
    });
    return new CnnTrainer(hp, epoch, new TrainRng(st.rng), st.step, unpack(st.weights, 'weights'), unpack(st.adamM, 'adam m'), unpack(st.adamV, 'adam v'));
  },
};
