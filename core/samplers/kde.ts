/**
 * Multivariate kernel density estimators with product kernels, the density models of BOHB
 * (Falkner, Klein & Hutter 2018, "BOHB: Robust and Efficient Hyperparameter Optimization at
 * Scale", ICML, section 4.1: "we use multi-dimensional KDEs ... with a product kernel").
 *
 * Coordinates: a numeric parameter is modelled on its unit position (`toUnit`: log-scaled
 * parameters on the log scale; integers as continuous values, rounded when decoded); a
 * categorical parameter by its value index.
 *
 * Kernels:
 * - numeric: a Gaussian of bandwidth h_j truncated to [0, 1] (renormalized by its mass inside
 *   the interval, so points near a bound are not penalized);
 * - categorical with c values: Aitchison & Aitken (1976), K(v, v_i) = 1 - lambda_j if v = v_i,
 *   else lambda_j / (c - 1), with lambda_j in (0, (c - 1) / c].
 *
 * Bandwidths: the normal reference rule (Scott's rule with Silverman's constant, as the
 * paper's statsmodels estimator computes it): b_j = 1.06 * sigma_j * n^(-1 / (d + 4)), with
 * sigma_j the sample standard deviation of coordinate j over the n points and d the number of
 * parameters. Numeric: h_j = max(b_j, 1e-3) (BOHB's minimum bandwidth). Categorical: sigma_j
 * is taken on the codec's unit positions (i + 0.5) / c, which keeps the rule independent of the
 * number of values, and lambda_j = min(max(b_j, 1e-3), (c - 1) / c) (our choice: the paper does
 * not say how its estimator treats categories).
 */
import type { CategoricalParameter, Configuration, Rng, SearchSpaceSpec } from '../ports';
import { decodeValue } from '../space/codec';
import { toUnit, type NumericParameter } from '../space/scaling';
import { normalCdf } from './parzen';

/** BOHB's minimum bandwidth. */
export const MIN_BANDWIDTH = 1e-3;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const MAX_REJECTIONS = 64;

/** A point of the KDE's coordinate system: unit positions for numeric parameters, value indices for categorical ones. */
export type KdePoint = readonly number[];

/** A fitted product-kernel KDE. */
export interface Kde {
  readonly points: readonly KdePoint[];
  /** h_j for numeric parameters, lambda_j for categorical ones, in space order. */
  readonly bandwidths: readonly number[];
  /** Number of values per parameter (0 for numeric ones). */
  readonly cardinalities: readonly number[];
}

/** The coordinates of a configuration (see the module comment). */
export function toKdePoint(space: SearchSpaceSpec, config: Configuration): KdePoint {
  return space.parameters.map((p) => (p.kind === 'categorical' ? p.values.indexOf(config[p.name] as string) : toUnit(p as NumericParameter, config[p.name] as number)));
}

/** The configuration of a point. */
export function fromKdePoint(space: SearchSpaceSpec, point: KdePoint): Configuration {
  const out: Record<string, string | number> = {};
  space.parameters.forEach((p, j) => {
    const x = point[j] as number;
    out[p.name] = p.kind === 'categorical' ? (p as CategoricalParameter).values[x] : decodeValue(p, Math.min(1, Math.max(0, x)));
  });
  return out;
}

function std(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return 0;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  return Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
}

/**
 * Fits a KDE to at least one point (see the module comment for the bandwidths).
 *
 * @throws Error when `points` is empty.
 */
export function fitKde(space: SearchSpaceSpec, points: readonly KdePoint[]): Kde {
  if (points.length === 0) throw new Error('a kde needs at least one point');
  const n = points.length;
  const d = space.parameters.length;
  const factor = 1.06 * n ** (-1 / (d + 4));
  const cardinalities = space.parameters.map((p) => (p.kind === 'categorical' ? p.values.length : 0));
  const bandwidths = space.parameters.map((_p, j) => {
    const c = cardinalities[j] as number;
    if (c === 0) return Math.max(MIN_BANDWIDTH, factor * std(points.map((x) => x[j] as number)));
    if (c === 1) return MIN_BANDWIDTH;
    const sigma = std(points.map((x) => ((x[j] as number) + 0.5) / c));
    return Math.min(Math.max(MIN_BANDWIDTH, factor * sigma), (c - 1) / c);
  });
  return { points, bandwidths, cardinalities };
}

/** log of the kernel of coordinate j at x, centred at mu. */
function logKernel(kde: Kde, j: number, x: number, mu: number): number {
  const c = kde.cardinalities[j] as number;
  const h = kde.bandwidths[j] as number;
  if (c > 0) {
    if (c === 1) return 0;
    return x === mu ? Math.log(1 - h) : Math.log(h / (c - 1));
  }
  const z = (x - mu) / h;
  const mass = normalCdf((1 - mu) / h) - normalCdf(-mu / h);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(h) - Math.log(Math.max(mass, 1e-300));
}

/** log density of the KDE at a point: log of the mean over the points of the product kernel. */
export function kdeLogDensity(kde: Kde, x: KdePoint): number {
  const terms = kde.points.map((mu) => {
    let s = 0;
    for (let j = 0; j < x.length; j++) s += logKernel(kde, j, x[j] as number, mu[j] as number);
    return s;
  });
  let max = -Infinity;
  for (const t of terms) if (t > max) max = t;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum) - Math.log(terms.length);
}

function standardNormal(rng: Rng): number {
  const u1 = 1 - rng.next();
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Draws from the KDE with every bandwidth multiplied by `bandwidthFactor` (BOHB's l'(x), which
 * "increases exploration", b_w = 3 in the paper): a point is picked uniformly, then each
 * numeric coordinate is drawn from a Gaussian of width min(1, b_w h_j) around it truncated to
 * [0, 1] (by rejection; clamped after 64 failed tries), and each categorical coordinate is
 * redrawn uniformly with probability min(1, b_w lambda_j), else kept.
 */
export function sampleKde(kde: Kde, bandwidthFactor: number, rng: Rng): KdePoint {
  const mu = kde.points[Math.min(kde.points.length - 1, Math.floor(rng.next() * kde.points.length))] as KdePoint;
  return mu.map((m, j) => {
    const c = kde.cardinalities[j] as number;
    const h = Math.min(1, bandwidthFactor * (kde.bandwidths[j] as number));
    if (c > 0) return rng.next() < h ? Math.min(c - 1, Math.floor(rng.next() * c)) : m;
    let x = m;
    for (let t = 0; t < MAX_REJECTIONS; t++) {
      x = m + h * standardNormal(rng);
      if (x >= 0 && x <= 1) return x;
    }
    return Math.min(1, Math.max(0, x));
  });
}
