/**
 * mnist-gbdt: gradient-boosted decision trees, the usual model of tabular data, on 49 numeric
 * features per digit (7x7 mean pooling, grey levels / 255), with a histogram learner written
 * out here (no library).
 *
 * The learner (Friedman 2001; the second-order split gain and leaf values of XGBoost, Chen &
 * Guestrin 2016): multi-class softmax, one regression tree per class per boosting round, fitted
 * to the gradient g = p_k - y_k and hessian h = max(p_k (1 - p_k), 1e-6) of the cross-entropy.
 * Features are binned once into at most {@link BINS} quantile bins of the training set.
 * A tree grows depth-wise to `max_depth`; a node is split on the (feature, bin) of largest gain
 *   G_L^2 / (H_L + lambda) + G_R^2 / (H_R + lambda) - G^2 / (H + lambda)
 * with both children's hessian sums >= `min_child_weight`; a leaf's value is
 * -learning_rate * G / (H + lambda). Each round draws a row sample (each row with probability
 * `subsample`, shared by the round's 10 trees) and each tree a column sample
 * (round(`colsample_bytree` * 49) features).
 *
 * The resource: one epoch is {@link ROUNDS_PER_EPOCH} boosting rounds, so R = 27 epochs is 54
 * rounds. Low fidelities mislead here in the usual way of boosting: a large learning rate wins
 * the first rounds, a small one with more rounds often wins at the end.
 */
import { CLASSES as CLASS_COUNT, loadDigits, pooled, splitsOf, type Split } from './data';
import type { HyperParameterValues, ModelDefinition, Trainer } from './job';
import { TrainRng, fromBase64, toBase64 } from './rng';

/** A module-level copy: an imported binding is a getter call in every loop iteration under tsx. */
const CLASSES = CLASS_COUNT;

export const GBDT_TRAIN_SIZE = 1500;
export const ROUNDS_PER_EPOCH = 2;
const FEATURES = 49;
const BINS = 16;

interface BinnedSet {
  readonly size: number;
  /** Column-major bins: bins[f * size + i]. */
  readonly bins: Uint8Array;
  readonly labels: Uint8Array;
}

interface GbdtData {
  readonly train: BinnedSet;
  readonly validation: BinnedSet;
  readonly test: BinnedSet;
  readonly info: unknown;
}

/** Upper edges of each feature's bins: quantiles of the training values (distinct, at most BINS). */
function binEdges(x: Float64Array, n: number): number[][] {
  const edges: number[][] = [];
  for (let f = 0; f < FEATURES; f++) {
    const values: number[] = [];
    for (let i = 0; i < n; i++) values.push(x[i * FEATURES + f]);
    values.sort((a, b) => a - b);
    const e: number[] = [];
    for (let b = 1; b < BINS; b++) {
      const q = values[Math.floor((b * n) / BINS)];
      if (e.length === 0 || q > e[e.length - 1]) e.push(q);
    }
    edges.push(e);
  }
  return edges;
}

function binned(x: Float64Array, split: Split, edges: number[][]): BinnedSet {
  const n = split.size;
  const bins = new Uint8Array(FEATURES * n);
  for (let f = 0; f < FEATURES; f++) {
    const e = edges[f];
    for (let i = 0; i < n; i++) {
      const v = x[i * FEATURES + f];
      let b = 0;
      while (b < e.length && v >= e[b]) b++;
      bins[f * n + i] = b;
    }
  }
  return { size: n, bins, labels: split.labels };
}

let cached: GbdtData | undefined;

function data(): GbdtData {
  if (cached !== undefined) return cached;
  const digits = loadDigits();
  const splits = splitsOf(digits, GBDT_TRAIN_SIZE);
  const xTrain = pooled(digits, splits.train, 4);
  const edges = binEdges(xTrain, splits.train.size);
  cached = {
    train: binned(xTrain, splits.train, edges),
    validation: binned(pooled(digits, splits.validation, 4), splits.validation, edges),
    test: binned(pooled(digits, splits.test, 4), splits.test, edges),
    info: { ...splits.info, features: FEATURES, bins: BINS },
  };
  return cached;
}

/** A tree in flat arrays; node 0 is the root, a leaf has feature -1. */
interface Tree {
  readonly feature: number[];
  /** Rows with bin <= threshold go left. */
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
}

function predictTree(tree: Tree, set: BinnedSet, i: number): number {
  let node = 0;
  while (tree.feature[node] >= 0) {
    node = set.bins[tree.feature[node] * set.size + i] <= tree.threshold[node] ? tree.left[node] : tree.right[node];
  }
  return tree.value[node];
}

function softmaxInto(margins: Float64Array, i: number, p: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < CLASSES; k++) if (margins[i * CLASSES + k] > max) max = margins[i * CLASSES + k];
  let sum = 0;
  for (let k = 0; k < CLASSES; k++) {
    p[k] = Math.exp(margins[i * CLASSES + k] - max);
    sum += p[k];
  }
  for (let k = 0; k < CLASSES; k++) p[k] /= sum;
}

class GbdtTrainer implements Trainer {
  constructor(
    private readonly hp: HyperParameterValues,
    public epoch: number,
    private readonly rng: TrainRng,
    private readonly trees: Tree[],
    /** Margins (sums of tree outputs) of every row of each set, size x CLASSES. */
    private readonly margins: { train: Float64Array; validation: Float64Array; test: Float64Array },
  ) {}

  /** Grows one tree on `rows` (indices into the training set) for gradients g and hessians h. */
  private grow(rows: Int32Array, g: Float64Array, h: Float64Array, features: readonly number[]): Tree {
    const { train } = data();
    const N = train.size;
    const lambda = this.hp.reg_lambda;
    const minChild = this.hp.min_child_weight;
    const lr = this.hp.learning_rate;
    const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [] };
    const F = features.length;
    const histogram = (from: number, to: number): Float64Array => {
      const hist = new Float64Array(F * BINS * 2);
      for (let j = 0; j < F; j++) {
        const base = features[j] * N;
        const off = j * BINS * 2;
        for (let r = from; r < to; r++) {
          const i = rows[r];
          const b = off + train.bins[base + i] * 2;
          hist[b] += g[i];
          hist[b + 1] += h[i];
        }
      }
      return hist;
    };
    interface Pending {
      node: number;
      from: number;
      to: number;
      depth: number;
      G: number;
      H: number;
      hist: Float64Array;
    }
    let G0 = 0;
    let H0 = 0;
    for (let r = 0; r < rows.length; r++) {
      G0 += g[rows[r]];
      H0 += h[rows[r]];
    }
    const newNode = (): number => {
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      tree.value.push(0);
      return tree.feature.length - 1;
    };
    const queue: Pending[] = [{ node: newNode(), from: 0, to: rows.length, depth: 0, G: G0, H: H0, hist: histogram(0, rows.length) }];
    while (queue.length > 0) {
      const p = queue.shift() as Pending;
      tree.value[p.node] = (-lr * p.G) / (p.H + lambda);
      if (p.depth >= this.hp.max_depth || p.H < 2 * minChild) continue;
      const parentScore = (p.G * p.G) / (p.H + lambda);
      let bestGain = 1e-12;
      let bestJ = -1;
      let bestBin = -1;
      let bestGL = 0;
      let bestHL = 0;
      for (let j = 0; j < F; j++) {
        let GL = 0;
        let HL = 0;
        const off = j * BINS * 2;
        for (let b = 0; b < BINS - 1; b++) {
          GL += p.hist[off + 2 * b];
          HL += p.hist[off + 2 * b + 1];
          const HR = p.H - HL;
          if (HL < minChild || HR < minChild) continue;
          const GR = p.G - GL;
          const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestJ = j;
            bestBin = b;
            bestGL = GL;
            bestHL = HL;
          }
        }
      }
      if (bestJ < 0) continue;
      // Partition rows[from, to) in place: bin <= bestBin first.
      const base = features[bestJ] * N;
      let lo = p.from;
      let hi = p.to - 1;
      while (lo <= hi) {
        if (train.bins[base + rows[lo]] <= bestBin) lo++;
        else {
          const t = rows[lo];
          rows[lo] = rows[hi];
          rows[hi] = t;
          hi--;
        }
      }
      const mid = lo;
      const left = newNode();
      const right = newNode();
      tree.feature[p.node] = features[bestJ];
      tree.threshold[p.node] = bestBin;
      tree.left[p.node] = left;
      tree.right[p.node] = right;
      // Histogram of the smaller child by a scan, the other by subtraction.
      const leftSmaller = mid - p.from <= p.to - mid;
      const small = leftSmaller ? histogram(p.from, mid) : histogram(mid, p.to);
      const large = new Float64Array(small.length);
      for (let k = 0; k < small.length; k++) large[k] = p.hist[k] - small[k];
      const leftHist = leftSmaller ? small : large;
      const rightHist = leftSmaller ? large : small;
      queue.push({ node: left, from: p.from, to: mid, depth: p.depth + 1, G: bestGL, H: bestHL, hist: leftHist });
      queue.push({ node: right, from: mid, to: p.to, depth: p.depth + 1, G: p.G - bestGL, H: p.H - bestHL, hist: rightHist });
    }
    return tree;
  }

  private round(): number {
    const d = data();
    const N = d.train.size;
    const rowsList: number[] = [];
    for (let i = 0; i < N; i++) if (this.rng.next() < this.hp.subsample) rowsList.push(i);
    if (rowsList.length === 0) rowsList.push(Math.floor(this.rng.next() * N));
    const P = new Float64Array(N * CLASSES);
    const p = new Float64Array(CLASSES);
    let loss = 0;
    for (let i = 0; i < N; i++) {
      softmaxInto(this.margins.train, i, p);
      loss -= Math.log(Math.max(p[d.train.labels[i]], 1e-12));
      for (let k = 0; k < CLASSES; k++) P[i * CLASSES + k] = p[k];
    }
    const g = new Float64Array(N);
    const h = new Float64Array(N);
    const nFeatures = Math.max(1, Math.round(this.hp.colsample_bytree * FEATURES));
    const all = Int32Array.from({ length: FEATURES }, (_, f) => f);
    for (let k = 0; k < CLASSES; k++) {
      for (let i = 0; i < N; i++) {
        const pk = P[i * CLASSES + k];
        g[i] = pk - (d.train.labels[i] === k ? 1 : 0);
        h[i] = Math.max(pk * (1 - pk), 1e-6);
      }
      // Partial Fisher-Yates: the first nFeatures of a shuffle, in increasing order.
      for (let f = 0; f < nFeatures; f++) {
        const j = f + Math.floor(this.rng.next() * (FEATURES - f));
        const t = all[f];
        all[f] = all[j];
        all[j] = t;
      }
      const features = Array.from(all.subarray(0, nFeatures)).sort((a, b) => a - b);
      const tree = this.grow(Int32Array.from(rowsList), g, h, features);
      this.trees.push(tree);
      for (const [name, set] of [
        ['train', d.train],
        ['validation', d.validation],
        ['test', d.test],
      ] as const) {
        const m = this.margins[name];
        for (let i = 0; i < set.size; i++) m[i * CLASSES + k] += predictTree(tree, set, i);
      }
    }
    return loss / N;
  }

  trainEpoch(): number {
    let loss = 0;
    for (let r = 0; r < ROUNDS_PER_EPOCH; r++) loss += this.round();
    this.epoch += 1;
    return loss / ROUNDS_PER_EPOCH;
  }

  private score(set: BinnedSet, margins: Float64Array): { accuracy: number; loss: number } {
    const p = new Float64Array(CLASSES);
    let correct = 0;
    let loss = 0;
    for (let i = 0; i < set.size; i++) {
      softmaxInto(margins, i, p);
      let best = 0;
      for (let k = 1; k < CLASSES; k++) if (p[k] > p[best]) best = k;
      if (best === set.labels[i]) correct++;
      loss -= Math.log(Math.max(p[set.labels[i]], 1e-12));
    }
    return { accuracy: correct / set.size, loss: loss / set.size };
  }

  evaluate(withTest: boolean) {
    const d = data();
    const val = this.score(d.validation, this.margins.validation);
    return {
      eval_accuracy: val.accuracy,
      eval_loss: val.loss,
      ...(withTest ? { test_accuracy: this.score(d.test, this.margins.test).accuracy } : {}),
    };
  }

  state(): unknown {
    return {
      rng: this.rng.state,
      trees: this.trees,
      margins: { train: toBase64(this.margins.train), validation: toBase64(this.margins.validation), test: toBase64(this.margins.test) },
    };
  }
}

interface GbdtState {
  readonly rng: number;
  readonly trees: Tree[];
  readonly margins: { readonly train: string; readonly validation: string; readonly test: string };
}

export const gbdtModel: ModelDefinition = {
  format: 'hpo-bench-mnist-gbdt/1',
  hyperParameters: {
    learning_rate: { type: 'float', default: 0.3, min: 1e-4, max: 10 },
    max_depth: { type: 'int', default: 6, min: 1, max: 12 },
    min_child_weight: { type: 'float', default: 1, min: 0, max: 1000 },
    subsample: { type: 'float', default: 1, min: 0.01, max: 1 },
    colsample_bytree: { type: 'float', default: 1, min: 0.01, max: 1 },
    reg_lambda: { type: 'float', default: 1, min: 0, max: 1e4 },
  },
  dataInfo: () => data().info,
  create(hp) {
    const d = data();
    return new GbdtTrainer(hp, 0, new TrainRng(hp.seed), [], {
      train: new Float64Array(d.train.size * CLASSES),
      validation: new Float64Array(d.validation.size * CLASSES),
      test: new Float64Array(d.test.size * CLASSES),
    });
  },
  restore(hp, epoch, raw) {
    const st = raw as GbdtState;
    const d = data();
    return new GbdtTrainer(hp, epoch, new TrainRng(st.rng), st.trees, {
      train: fromBase64(st.margins.train, d.train.size * CLASSES, 'train margins'),
      validation: fromBase64(st.margins.validation, d.validation.size * CLASSES, 'validation margins'),
      test: fromBase64(st.margins.test, d.test.size * CLASSES, 'test margins'),
    });
  },
};
