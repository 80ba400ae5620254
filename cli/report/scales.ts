/**
 * Scales and axis ticks for the report's charts: linear and logarithmic maps from data to
 * pixels, with "nice" tick values (1, 2, 5 x 10^k) and tick labels that show only the digits
 * the tick step needs.
 */

/** A map from data values to pixel positions, with the ticks its axis shows. */
export interface Scale {
  readonly kind: 'linear' | 'log';
  /** The data interval shown, [lo, hi] with lo < hi. */
  readonly domain: readonly [number, number];
  /** The pixel interval, [start, end] (end < start for a y axis). */
  readonly range: readonly [number, number];
  /** Pixel position of `value`. */
  map(value: number): number;
  /** Tick values, ascending, inside the domain. */
  readonly ticks: readonly number[];
  /** The text of a tick. */
  format(value: number): string;
}

/** The step of about `count` nice ticks over `span`: 1, 2 or 5 times a power of ten. */
export function niceStep(span: number, count: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  return nice * power;
}

/**
 * Widens [min, max] to nice bounds that contain it: a single value becomes an interval around
 * it, and the bounds are rounded outwards to the tick step.
 */
export function niceDomain(min: number, max: number, count = 5): [number, number] {
  let lo = min;
  let hi = max;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, count);
  return [roundTo(Math.floor(lo / step) * step, step), roundTo(Math.ceil(hi / step) * step, step)];
}

/** Nice tick values in [lo, hi], about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const step = niceStep(hi - lo, count);
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(roundTo(k * step, step));
  return ticks;
}

/** Removes floating-point noise from a multiple of `step` (0.30000000000000004 -> 0.3). */
function roundTo(value: number, step: number): number {
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(value.toFixed(Math.min(20, decimals)));
}

/** Tick labels for a step: as many decimals as the step has, thousands separated. */
function stepFormatter(step: number): (value: number) => string {
  const decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  return (value) => {
    if (Math.abs(value) >= 1e6 || (value !== 0 && Math.abs(value) < 1e-4)) return value.toExponential(1).replace('e+', 'e');
    return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  };
}

/** A value in a short, readable form (up to 4 significant digits) for labels and tooltips. */
export function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e');
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

/** A linear scale over the nice domain around `values`. */
export function linearScale(values: readonly number[], range: readonly [number, number], count = 5): Scale {
  const finite = values.filter(Number.isFinite);
  const [lo, hi] = finite.length === 0 ? [0, 1] : niceDomain(Math.min(...finite), Math.max(...finite), count);
  const format = stepFormatter(niceStep(hi - lo, count));
  return {
    kind: 'linear',
    domain: [lo, hi],
    range,
    map: (v) => range[0] + ((v - lo) / (hi - lo)) * (range[1] - range[0]),
    ticks: niceTicks(lo, hi, count),
    format,
  };
}

/**
 * A linear scale over exactly [lo, hi] widened by `pad` (a fraction of the span) on either
 * side, with nice ticks inside: for axes whose bounds are known, such as a parameter's range.
 */
export function boundedScale(lo: number, hi: number, range: readonly [number, number], options: { count?: number; integer?: boolean } = {}): Scale {
  const count = options.count ?? 6;
  const [a, b] = lo < hi ? [lo, hi] : niceDomain(lo, hi, count);
  const pad = options.integer ? Math.max(0.4, (b - a) * 0.04) : (b - a) * 0.04;
  const d0 = a - pad;
  const d1 = b + pad;
  const step = niceStep(b - a, count);
  const ticks = niceTicks(a, b, count).filter((v) => !options.integer || Number.isInteger(v));
  return {
    kind: 'linear',
    domain: [d0, d1],
    range,
    map: (v) => range[0] + ((v - d0) / (d1 - d0)) * (range[1] - range[0]),
    ticks,
    format: stepFormatter(options.integer ? Math.max(1, step) : step),
  };
}

/** Whether all values are positive, so a log scale can show them. */
export function canLog(values: readonly number[]): boolean {
  return values.length > 0 && values.every((v) => Number.isFinite(v) && v > 0);
}

/**
 * A base-10 logarithmic scale over `values` (all positive), widened a little on either side so
 * no point sits on an axis. Ticks are the decades, with 2 and 5 times each decade added when
 * there are few, or `fixedTicks` (e.g. the rungs of a Hyperband bracket) when given.
 */
export function logScale(values: readonly number[], range: readonly [number, number], fixedTicks?: readonly number[]): Scale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  let lo = positive.length > 0 ? Math.min(...positive) : 1;
  let hi = positive.length > 0 ? Math.max(...positive) : 10;
  const pad = Math.max(Math.log10(hi / lo) * 0.04, 0.05);
  lo = 10 ** (Math.log10(lo) - pad);
  hi = 10 ** (Math.log10(hi) + pad);
  const l0 = Math.log10(lo);
  const l1 = Math.log10(hi);
  const ticks = fixedTicks !== undefined ? [...fixedTicks].sort((a, b) => a - b) : decadeTicks(lo, hi);
  return {
    kind: 'log',
    domain: [lo, hi],
    range,
    map: (v) => range[0] + ((Math.log10(v) - l0) / (l1 - l0)) * (range[1] - range[0]),
    ticks,
    format: formatValue,
  };
}

/** Decades in [lo, hi]; 1-2-5 multiples when the interval spans fewer than three decades. */
function decadeTicks(lo: number, hi: number): number[] {
  const first = Math.floor(Math.log10(lo) - 1e-9);
  const last = Math.ceil(Math.log10(hi) + 1e-9);
  const multiples = last - first <= 3 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) {
    for (const m of multiples) {
      const v = Number((m * 10 ** k).toPrecision(12));
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  if (ticks.length < 2) return niceTicks(lo, hi, 3).filter((v) => v > 0);
  return ticks;
}

/** A scale of equal bands, one per category, for categorical hyperparameters. */
export interface BandScale {
  readonly categories: readonly string[];
  /** Pixel centre of a category's band. */
  map(category: string): number;
  /** Width of one band in pixels. */
  readonly bandwidth: number;
}

/** Equal bands over `range`, one per category, in the given order. */
export function bandScale(categories: readonly string[], range: readonly [number, number]): BandScale {
  const n = Math.max(1, categories.length);
  const bandwidth = (range[1] - range[0]) / n;
  return {
    categories,
    bandwidth,
    map: (c) => range[0] + bandwidth * (Math.max(0, categories.indexOf(c)) + 0.5),
  };
}

/**
 * The scale of an objective axis: logarithmic when `log` (see {@link spansDecade}), else
 * linear. The report decides once for the whole run, so every objective axis agrees.
 */
export function objectiveScale(values: readonly number[], range: readonly [number, number], log: boolean, count = 5): Scale {
  const finite = values.filter(Number.isFinite);
  return log && canLog(finite) ? logScale(finite, range) : linearScale(finite, range, count);
}

/**
 * Whether positive values span more than a decade (max / min > 10): then the report's
 * objective axes are logarithmic, or a loss that falls from 2.3 to 0.01 would squash every
 * good result onto the axis.
 */
export function spansDecade(values: readonly number[]): boolean {
  const finite = values.filter(Number.isFinite);
  return canLog(finite) && Math.max(...finite) / Math.min(...finite) > 10;
}
