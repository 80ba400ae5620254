/**
 * Synthetic multi-fidelity benchmark problems with a known optimum.
 *
 * Each problem is a family of learning curves over a resource r (epochs, 1 <= r <= R): what a
 * training job trained to r reports, plus the noiseless truth used to score the tuner. All of
 * them are deterministic: the observed metric of a configuration at r depends only on
 * (configuration, r, seed), so a resumed trial (r_k -> r_{k+1}) reports exactly what a trial
 * trained from scratch to r_{k+1} would (ideal checkpoints), and two runs with the same seed
 * see the same numbers.
 *
 * Time: a job costs `JOB_STARTUP_SECONDS` plus `secondsPerEpoch(config)` per epoch it
 * trains, so more, shorter jobs (Hyperband) pay more start-up time, and configurations
 * differ in cost (wall-clock matters, not only epochs).
 *
 * Why these three:
 * - `mlp-4d`: a smooth 4-D neural-network surrogate whose curves cross: configurations with
 *   a too-large effective learning rate learn fast and plateau low, so early rungs favour
 *   them. This is where early stopping can mislead.
 * - `branin-mf`: the standard multi-fidelity Branin of the Bayesian-optimization literature,
 *   with a well-known optimum, low fidelities only slightly biased and noise that falls with r.
 *   Cheap fidelities are informative here: the friendly case for Hyperband/ASHA.
 * - `categorical-5x1`: five categorical choices and one continuous one, with interactions;
 *   no augmentation learns fastest but plateaus lower, again misleading early rungs,
 *   and the space is mostly unordered, which stresses the samplers (TPE's categorical
 *   kernels, Sobol's stratification of a discretized space).
 */
import type { ParameterRanges } from '../core/input';
import type { Configuration, ObjectiveType } from '../core/ports';
import { rngFor } from '../core/rng';

/** Billed seconds every training job spends before its first epoch (instance start, image pull, data). */
export const JOB_STARTUP_SECONDS = 60;

/** Multi-fidelity settings of a problem: AMT's `HyperbandStrategyConfig` numbers. */
export interface Fidelity {
  /** r_min (`MinResource`). */
  readonly minResource: number;
  /** R (`MaxResource`): every FIFO trial trains to R. */
  readonly maxResource: number;
  /** eta (`ReductionFactor`). */
  readonly eta: number;
}

/** A benchmark problem: a search space and a learning curve per configuration. */
export interface BenchProblem {
  /** Short id used in tables and JSON keys. */
  readonly id: string;
  /** One line for tables. */
  readonly title: string;
  /** The formula, the optimum and why the problem is in the suite (Markdown). */
  readonly description: string;
  /** The search space, as AMT's `ParameterRanges`. */
  readonly ranges: ParameterRanges;
  readonly objectiveType: ObjectiveType;
  readonly metricName: string;
  readonly fidelity: Fidelity;
  /** `MaxNumberOfTrainingJobs` of every run on this problem. */
  readonly jobBudget: number;
  /** The best noiseless value at R over the whole space. */
  readonly optimum: number;
  /** A configuration that attains `optimum` (up to the precision of its continuous values). */
  readonly argOptimum: Configuration;
  /** Noiseless metric of `config` trained to `r` epochs. */
  trueValue(config: Configuration, r: number): number;
  /** What a job training `config` to `r` reports, for noise stream `seed`. */
  observe(config: Configuration, r: number, seed: number): number;
  /** Seconds one epoch of `config` takes. */
  secondsPerEpoch(config: Configuration): number;
}

// ---------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------

/** FNV-1a (32 bit) of a string: a stable integer key for a configuration's noise stream. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A canonical text of a configuration (keys sorted), for hashing. */
export function configKey(config: Configuration): string {
  return Object.keys(config)
    .sort()
    .map((k) => `${k}=${String(config[k])}`)
    .join(';');
}

/** Deterministic standard normal draw for (seed, config, r) (Box-Muller on two uniforms). */
export function gaussianNoise(seed: number, config: Configuration, r: number): number {
  const rng = rngFor(seed, fnv1a(configKey(config)), r);
  const u1 = 1 - rng.next(); // (0, 1]
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function num(config: Configuration, name: string): number {
  const v = config[name];
  if (typeof v !== 'number') throw new Error(`parameter ${name} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

function str(config: Configuration, name: string): string {
  const v = config[name];
  if (typeof v !== 'string') throw new Error(`parameter ${name} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function lookup(table: Readonly<Record<string, number>>, key: string, what: string): number {
  const v = table[key];
  if (v === undefined) throw new Error(`unknown ${what} ${JSON.stringify(key)}`);
  return v;
}

/**
 * Maximize a function of one variable on [lo, hi]: a grid of `points`, then golden-section
 * search around the best grid point. Used to compute optima exactly enough (1e-10).
 */
export function maximize1d(f: (x: number) => number, lo: number, hi: number, points = 2001): { x: number; value: number } {
  let bestI = 0;
  let bestV = -Infinity;
  const step = (hi - lo) / (points - 1);
  for (let i = 0; i < points; i++) {
    const v = f(lo + i * step);
    if (v > bestV) {
      bestV = v;
      bestI = i;
    }
  }
  let a = Math.max(lo, lo + (bestI - 1) * step);
  let b = Math.min(hi, lo + (bestI + 1) * step);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let k = 0; k < 100 && b - a > 1e-12; k++) {
    const c = b - g * (b - a);
    const d = a + g * (b - a);
    if (f(c) >= f(d)) b = d;
    else a = c;
  }
  const x = (a + b) / 2;
  const vx = f(x);
  return vx >= bestV ? { x, value: vx } : { x: lo + bestI * step, value: bestV };
}

/**
 * The saturating learning curve used by the accuracy problems:
 * acc(r) = a_inf - (a_inf - 0.1) * (1 + r)^(-c). It starts near chance (0.1 for ten classes)
 * and approaches the plateau a_inf at a speed set by c (large c: fast learner).
 */
export function learningCurve(aInf: number, c: number, r: number): number {
  return aInf - (aInf - 0.1) * Math.pow(1 + r, -c);
}

// ---------------------------------------------------------------------------------------
// (a) mlp-4d
// ---------------------------------------------------------------------------------------

const MLP_R = 27;
const MLP_NOISE = 0.01;

/** log10 of the effective learning rate lr / (1 - momentum) (SGD with momentum's step size). */
function mlpEffectiveLogLr(config: Configuration): number {
  return Math.log10(num(config, 'lr')) - Math.log10(1 - num(config, 'momentum'));
}

function mlpPlateau(u: number, width: number, weightDecay: number): number {
  const lrFactor = Math.exp(-0.5 * ((u + 1.5) / 1.5) ** 2);
  const widthFactor = 0.8 + 0.2 * Math.exp(-0.5 * ((Math.log2(width) - 8) / 1.5) ** 2);
  const wdFactor = 0.85 + 0.15 * Math.exp(-0.5 * ((Math.log10(weightDecay) + 4) / 1.2) ** 2);
  return 0.1 + 0.85 * lrFactor * widthFactor * wdFactor;
}

function mlpSpeed(u: number): number {
  return Math.min(3, Math.max(0.25, 0.8 * Math.exp(0.9 * (u + 1.5))));
}

function mlpTrue(config: Configuration, r: number): number {
  const u = mlpEffectiveLogLr(config);
  return learningCurve(mlpPlateau(u, num(config, 'width'), num(config, 'weight_decay')), mlpSpeed(u), r);
}

/** u ranges over log10(1e-5) - log10(1 - 0) = -5 .. log10(1) - log10(1 - 0.99) = 2. */
const MLP_BEST_U = maximize1d((u) => learningCurve(mlpPlateau(u, 256, 1e-4), mlpSpeed(u), MLP_R), -5, 2);

/** (a) A 4-D neural-network surrogate (see the module comment and `description`). */
export const mlp4d: BenchProblem = {
  id: 'mlp-4d',
  title: 'MLP surrogate, 4-D (lr, width, momentum, weight decay), R=27, eta=3',
  description: [
    'Maximize validation accuracy. `lr` in [1e-5, 1] (log), `width` in [16, 1024] (integer, log),',
    '`momentum` in [0, 0.99], `weight_decay` in [1e-6, 0.1] (log).',
    'With u = log10(lr) - log10(1 - momentum) (log effective step size):',
    'a_inf = 0.1 + 0.85 * exp(-((u + 1.5) / 1.5)^2 / 2) * (0.8 + 0.2 * exp(-((log2 width - 8) / 1.5)^2 / 2))',
    '* (0.85 + 0.15 * exp(-((log10 wd + 4) / 1.2)^2 / 2)); speed c = clamp(0.8 * exp(0.9 (u + 1.5)), 0.25, 3);',
    'acc(r) = a_inf - (a_inf - 0.1) (1 + r)^-c; observed = acc(r) + N(0, 0.01^2).',
    'Curves cross: at width 256, wd 1e-4, a step size about 5x too large (u = -0.5) reports 0.61 at r = 1 and 0.78 at R,',
    'against 0.52 and 0.91 for the best configuration, so r = 1 and r = 3 favour fast learners that end lower.',
    'The optimum at R = 27 (computed: width 256, wd 1e-4,',
    `u = ${MLP_BEST_U.x.toFixed(4)}) is ${MLP_BEST_U.value.toFixed(6)}. Seconds per epoch 10 + 20 sqrt(width / 64) (20 s to 90 s).`,
  ].join(' '),
  ranges: {
    IntegerParameterRanges: [{ Name: 'width', MinValue: '16', MaxValue: '1024', ScalingType: 'Logarithmic' }],
    ContinuousParameterRanges: [
      { Name: 'lr', MinValue: '0.00001', MaxValue: '1', ScalingType: 'Logarithmic' },
      { Name: 'momentum', MinValue: '0', MaxValue: '0.99', ScalingType: 'Linear' },
      { Name: 'weight_decay', MinValue: '0.000001', MaxValue: '0.1', ScalingType: 'Logarithmic' },
    ],
  },
  objectiveType: 'Maximize',
  metricName: 'accuracy',
  fidelity: { minResource: 1, maxResource: MLP_R, eta: 3 },
  jobBudget: 80,
  optimum: MLP_BEST_U.value,
  argOptimum: { width: 256, lr: 0.1 * 10 ** MLP_BEST_U.x, momentum: 0.9, weight_decay: 1e-4 },
  trueValue: mlpTrue,
  observe: (config, r, seed) => mlpTrue(config, r) + MLP_NOISE * gaussianNoise(seed, config, r),
  secondsPerEpoch: (config) => 10 + 20 * Math.sqrt(num(config, 'width') / 64),
};

// ---------------------------------------------------------------------------------------
// (b) branin-mf
// ---------------------------------------------------------------------------------------

const BRANIN_R = 9;

/**
 * Branin at fidelity z in [0, 1] (Kandasamy et al. 2017, BOCA, with one fidelity for all
 * three coefficients): b(z) = 5.1 / (4 pi^2) - 0.01 (1 - z), c(z) = 5 / pi - 0.1 (1 - z),
 * t(z) = 1 / (8 pi) + 0.005 (1 - z). z = 1 is the standard Branin.
 */
export function braninAt(x1: number, x2: number, z: number): number {
  const b = 5.1 / (4 * Math.PI ** 2) - 0.01 * (1 - z);
  const c = 5 / Math.PI - 0.1 * (1 - z);
  const t = 1 / (8 * Math.PI) + 0.005 * (1 - z);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

/** The global minimum of the standard Branin: 10 t = 5 / (4 pi) = 0.397887..., at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475). */
export const BRANIN_MINIMUM = 5 / (4 * Math.PI);

function braninTrue(config: Configuration, r: number): number {
  return braninAt(num(config, 'x1'), num(config, 'x2'), r / BRANIN_R);
}

/** (b) Multi-fidelity Branin with noise that falls with r. */
export const braninMf: BenchProblem = {
  id: 'branin-mf',
  title: 'Multi-fidelity Branin, 2-D, noise ~ 2/r, R=9, eta=3',
  description: [
    'Minimize. x1 in [-5, 10], x2 in [0, 15]. f(x, z) = (x2 - b(z) x1^2 + c(z) x1 - 6)^2 + 10 (1 - t(z)) cos x1 + 10',
    'with b(z) = 5.1/(4 pi^2) - 0.01 (1 - z), c(z) = 5/pi - 0.1 (1 - z), t(z) = 1/(8 pi) + 0.005 (1 - z)',
    '(the multi-fidelity Branin of Kandasamy et al. 2017 with one fidelity z = r / R for all three);',
    'observed = f(x, r / R) + N(0, (2 / r)^2). Truth = standard Branin (z = 1), minimum 5 / (4 pi) = 0.397887',
    'at (-pi, 12.275), (pi, 2.275), (9.42478, 2.475). Low fidelities are only slightly biased but noisy.',
    'Seconds per epoch 30 (1 + x2 / 15) (30 s to 60 s): a cost that varies over the space.',
  ].join(' '),
  ranges: {
    ContinuousParameterRanges: [
      { Name: 'x1', MinValue: '-5', MaxValue: '10', ScalingType: 'Linear' },
      { Name: 'x2', MinValue: '0', MaxValue: '15', ScalingType: 'Linear' },
    ],
  },
  objectiveType: 'Minimize',
  metricName: 'loss',
  fidelity: { minResource: 1, maxResource: BRANIN_R, eta: 3 },
  jobBudget: 44,
  optimum: BRANIN_MINIMUM,
  argOptimum: { x1: Math.PI, x2: 2.275 },
  trueValue: braninTrue,
  observe: (config, r, seed) => braninTrue(config, r) + (2 / r) * gaussianNoise(seed, config, r),
  secondsPerEpoch: (config) => 30 * (1 + num(config, 'x2') / 15),
};

// ---------------------------------------------------------------------------------------
// (c) categorical-5x1
// ---------------------------------------------------------------------------------------

const CAT_R = 16;
const CAT_NOISE = 0.01;

const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;
const ACTIVATIONS = ['relu', 'gelu', 'silu', 'tanh', 'sigmoid'] as const;
const NORMALIZATIONS = ['none', 'batch', 'layer'] as const;
const AUGMENTATIONS = ['none', 'light', 'heavy'] as const;
const BATCH_SIZES = ['32', '64', '128', '256', '512'] as const;

/** Plateau penalties (subtracted from 0.92). */
const OPT_PENALTY: Readonly<Record<string, number>> = { sgd: 0.06, momentum: 0.02, adam: 0.01, adamw: 0, rmsprop: 0.03, adagrad: 0.08 };
const ACT_PENALTY: Readonly<Record<string, number>> = { relu: 0.01, gelu: 0, silu: 0.005, tanh: 0.04, sigmoid: 0.1 };
const NORM_PENALTY: Readonly<Record<string, number>> = { none: 0.04, batch: 0, layer: 0.01 };
const AUG_PENALTY: Readonly<Record<string, number>> = { none: 0.04, light: 0.015, heavy: 0 };
const BATCH_PENALTY: Readonly<Record<string, number>> = { '32': 0.005, '64': 0, '128': 0.005, '256': 0.015, '512': 0.03 };
/** Best dropout per augmentation (more augmentation, less dropout). */
const AUG_DROPOUT: Readonly<Record<string, number>> = { none: 0.4, light: 0.25, heavy: 0.1 };
/** Learning speed factors. */
const OPT_SPEED: Readonly<Record<string, number>> = { sgd: 0.7, momentum: 1, adam: 1.3, adamw: 1.2, rmsprop: 1.2, adagrad: 1 };
const AUG_SPEED: Readonly<Record<string, number>> = { none: 1.3, light: 1, heavy: 0.7 };
/** Seconds per epoch by batch size (small batches: more steps) and augmentation (CPU-bound pipelines). */
const BATCH_SECONDS: Readonly<Record<string, number>> = { '32': 80, '64': 50, '128': 35, '256': 28, '512': 25 };
const AUG_SECONDS: Readonly<Record<string, number>> = { none: 1, light: 1.1, heavy: 1.4 };

function catPlateau(config: Configuration): number {
  const opt = str(config, 'optimizer');
  const act = str(config, 'activation');
  const norm = str(config, 'normalization');
  const aug = str(config, 'augmentation');
  const batch = str(config, 'batch_size');
  const dropout = num(config, 'dropout');
  let penalty =
    lookup(OPT_PENALTY, opt, 'optimizer') +
    lookup(ACT_PENALTY, act, 'activation') +
    lookup(NORM_PENALTY, norm, 'normalization') +
    lookup(AUG_PENALTY, aug, 'augmentation') +
    lookup(BATCH_PENALTY, batch, 'batch size') +
    0.5 * (dropout - lookup(AUG_DROPOUT, aug, 'augmentation')) ** 2;
  // Interactions: saturating activations need normalization; batch norm is poor at small
  // batches; AdamW's decoupled decay pairs well with layer norm.
  if (act === 'sigmoid' && norm === 'none') penalty += 0.1;
  if (act === 'tanh' && norm === 'none') penalty += 0.03;
  if (norm === 'batch' && batch === '32') penalty += 0.03;
  if (opt === 'adamw' && norm === 'layer') penalty -= 0.015;
  return 0.92 - penalty;
}

function catSpeed(config: Configuration): number {
  const opt = str(config, 'optimizer');
  const aug = str(config, 'augmentation');
  return 0.9 * lookup(OPT_SPEED, opt, 'optimizer') * lookup(AUG_SPEED, aug, 'augmentation') * (1 - 0.5 * num(config, 'dropout'));
}

function catTrue(config: Configuration, r: number): number {
  return learningCurve(catPlateau(config), catSpeed(config), r);
}

/** Every categorical combination with its best dropout at R: the exact optimum by enumeration. */
function catOptimum(): { value: number; config: Configuration } {
  let best: { value: number; config: Configuration } = { value: -Infinity, config: {} };
  for (const optimizer of OPTIMIZERS)
    for (const activation of ACTIVATIONS)
      for (const normalization of NORMALIZATIONS)
        for (const augmentation of AUGMENTATIONS)
          for (const batch_size of BATCH_SIZES) {
            const base = { optimizer, activation, normalization, augmentation, batch_size };
            const m = maximize1d((dropout) => catTrue({ ...base, dropout }, CAT_R), 0, 0.6, 61);
            if (m.value > best.value) best = { value: m.value, config: { ...base, dropout: m.x } };
          }
  return best;
}

const CAT_BEST = catOptimum();

/** (c) A categorical-heavy problem (see the module comment and `description`). */
export const categorical5x1: BenchProblem = {
  id: 'categorical-5x1',
  title: 'Categorical-heavy, 5 categorical + dropout, R=16, eta=2',
  description: [
    'Maximize accuracy. optimizer (6 values), activation (5), normalization (3), augmentation (3), batch_size (5, categorical),',
    'dropout in [0, 0.6]. a_inf = 0.92 minus a main effect per choice, minus 0.5 (dropout - d*(augmentation))^2 with',
    'd* = 0.4 / 0.25 / 0.1 for none / light / heavy, plus interactions (sigmoid or tanh without normalization,',
    'batch norm at batch 32, AdamW with layer norm). Speed c = 0.9 * optimizer factor (SGD 0.7 ... Adam 1.3) *',
    'augmentation factor (none 1.3, light 1, heavy 0.7) * (1 - dropout / 2); acc(r) = a_inf - (a_inf - 0.1)(1 + r)^-c;',
    'observed = acc(r) + N(0, 0.01^2). Heavy augmentation has the highest plateau but learns too slowly to win by R;',
    'no augmentation learns fastest, so rungs below r = 8 prefer it (an Adam configuration without augmentation: 0.53 at r = 1 vs 0.50 for the optimum).',
    'Optimum at R = 16 by enumeration of all 1,350 combinations (dropout by golden section):',
    `${CAT_BEST.value.toFixed(6)} at ${configKey(CAT_BEST.config).replace(/dropout=[0-9.e-]+/, `dropout=${num(CAT_BEST.config, 'dropout').toFixed(3)}`)}.`,
    'Seconds per epoch 25-80 by batch size, x1.1 / x1.4 for light / heavy augmentation.',
  ].join(' '),
  ranges: {
    ContinuousParameterRanges: [{ Name: 'dropout', MinValue: '0', MaxValue: '0.6', ScalingType: 'Linear' }],
    CategoricalParameterRanges: [
      { Name: 'optimizer', Values: [...OPTIMIZERS] },
      { Name: 'activation', Values: [...ACTIVATIONS] },
      { Name: 'normalization', Values: [...NORMALIZATIONS] },
      { Name: 'augmentation', Values: [...AUGMENTATIONS] },
      { Name: 'batch_size', Values: [...BATCH_SIZES] },
    ],
  },
  objectiveType: 'Maximize',
  metricName: 'accuracy',
  fidelity: { minResource: 1, maxResource: CAT_R, eta: 2 },
  jobBudget: 64,
  optimum: CAT_BEST.value,
  argOptimum: CAT_BEST.config,
  trueValue: catTrue,
  observe: (config, r, seed) => catTrue(config, r) + CAT_NOISE * gaussianNoise(seed, config, r),
  secondsPerEpoch: (config) =>
    lookup(BATCH_SECONDS, str(config, 'batch_size'), 'batch size') * lookup(AUG_SECONDS, str(config, 'augmentation'), 'augmentation'),
};

/** The suite, in report order. */
export const PROBLEMS: readonly BenchProblem[] = [mlp4d, braninMf, categorical5x1];

/**
 * Regret of a configuration: how far its noiseless value at R is from the optimum
 * (>= 0; in the metric's own units). Tiny negative values from floating-point rounding are
 * clamped to 0; anything more negative means the stated optimum is wrong, and throws.
 */
export function regretOf(problem: BenchProblem, config: Configuration): number {
  const value = problem.trueValue(config, problem.fidelity.maxResource);
  const regret = problem.objectiveType === 'Maximize' ? problem.optimum - value : value - problem.optimum;
  if (regret < -1e-9) throw new Error(`${problem.id}: ${configKey(config)} scores ${value}, better than the stated optimum ${problem.optimum}`);
  return Math.max(0, regret);
}
