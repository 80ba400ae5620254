/**
 * "Hyperparameter importance", computed when the report is generated: permutation importance
 * (Breiman 2001, "Random Forests", section 10) of a small random forest of regression trees
 * fitted to the run's results.
 *
 * - Samples: every result of every trial, one per (trial, rung); features: each tunable
 *   hyperparameter on its search scale (the unit interval of the search space, so a
 *   logarithmic range is logarithmic here too; a categorical value is its position in the
 *   list), and for Hyperband and ASHA the resource the result was measured at; target: the
 *   objective (its log10 when the report's objective axes are logarithmic).
 * - Forest: {@link TREES} CART regression trees, each grown on a bootstrap sample of whole
 *   trials (a trial's results stay together, so no tree is tested on a trial it has seen),
 *   at most {@link MAX_DEPTH} levels, at least {@link MIN_LEAF} samples per leaf, a third of
 *   the features tried at each split.
 * - Importance of a feature: for each tree, the increase of the mean squared error on its
 *   out-of-bag samples when that feature's values are shuffled among them; averaged over the
 *   trees and shown as a share of the total increase (negative increases count as 0).
 * - Reliability: the forest's out-of-bag R² is shown with it; importance needs at least
 *   {@link MIN_TRIALS} trials with a result.
 *
 * Pure and deterministic: the random numbers come from the run's seed.
 */
import type { ParameterSpec } from '../../core/ports';
import { rngFor, type SeededRng } from '../../core/rng';
import { toUnit } from '../../core/space';
import { isMultiFidelity } from '../render/leaderboard';
import { placeholder, section } from './layout';
import { isGeometric, objectiveOnLog, trialResults, valueOf, type ReportData } from './model';
import { attrs, esc } from './svg';

/** Trees in the forest. */
export const TREES = 100;
/** Deepest level of a tree. */
export const MAX_DEPTH = 6;
/** Fewest samples in a leaf. */
export const MIN_LEAF = 2;
/** Fewest trials with a result for an importance estimate. */
export const MIN_TRIALS = 8;
/** Stream of the report's random numbers (any fixed number: it only separates this use of the seed). */
const IMPORTANCE_STREAM = 0x1a9f;

/** One feature's importance. */
export interface FeatureImportance {
  readonly name: string;
  /** Share of the total (positive) error increase, 0..1. */
  readonly share: number;
  /** Mean increase of the out-of-bag mean squared error when the feature is shuffled (target units squared). */
  readonly increase: number;
}

/** The outcome of {@link hyperparameterImportance}. */
export type ImportanceResult =
  | {
      readonly kind: 'estimated';
      /** Most important first. */
      readonly features: readonly FeatureImportance[];
      readonly samples: number;
      readonly trials: number;
      /** Out-of-bag R² of the forest's predictions. */
      readonly oobR2: number;
      readonly logTarget: boolean;
    }
  | { readonly kind: 'not-enough'; readonly reason: string };

type Tree = { readonly leaf: number } | { readonly feature: number; readonly threshold: number; readonly left: Tree; readonly right: Tree };

function predict(tree: Tree, x: readonly number[]): number {
  let node = tree;
  while (!('leaf' in node)) node = x[node.feature] <= node.threshold ? node.left : node.right;
  return node.leaf;
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
}

/** Picks `k` distinct indices of `n` (partial Fisher-Yates). */
function sampleFeatures(n: number, k: number, rng: SeededRng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < k; i++) {
    const j = rng.int(i, n - 1);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k);
}

function grow(X: readonly (readonly number[])[], y: readonly number[], idx: readonly number[], depth: number, mtry: number, rng: SeededRng): Tree {
  const value = mean(idx.map((i) => y[i]));
  if (depth >= MAX_DEPTH || idx.length < 2 * MIN_LEAF) return { leaf: value };
  let best: { feature: number; threshold: number; sse: number } | undefined;
  for (const f of sampleFeatures(X[0].length, mtry, rng)) {
    const sorted = [...idx].sort((a, b) => X[a][f] - X[b][f]);
    const n = sorted.length;
    let sumL = 0;
    let sqL = 0;
    const sumAll = sorted.reduce((s, i) => s + y[i], 0);
    const sqAll = sorted.reduce((s, i) => s + y[i] * y[i], 0);
    for (let k = 1; k < n; k++) {
      const v = y[sorted[k - 1]];
      sumL += v;
      sqL += v * v;
      if (k < MIN_LEAF || n - k < MIN_LEAF) continue;
      const a = X[sorted[k - 1]][f];
      const b = X[sorted[k]][f];
      if (a === b) continue;
      const sse = sqL - (sumL * sumL) / k + (sqAll - sqL) - ((sumAll - sumL) * (sumAll - sumL)) / (n - k);
      if (best === undefined || sse < best.sse - 1e-12) best = { feature: f, threshold: (a + b) / 2, sse };
    }
  }
  if (best === undefined) return { leaf: value };
  const { feature, threshold } = best;
  const left = idx.filter((i) => X[i][feature] <= threshold);
  const right = idx.filter((i) => X[i][feature] > threshold);
  return { feature, threshold, left: grow(X, y, left, depth + 1, mtry, rng), right: grow(X, y, right, depth + 1, mtry, rng) };
}

function featureValue(param: ParameterSpec, value: number | string): number {
  if (param.kind === 'categorical') return param.values.length <= 1 ? 0 : param.values.indexOf(String(value)) / (param.values.length - 1);
  try {
    return toUnit(param, value as number);
  } catch {
    return value as number; // outside the declared range (a warm-started parent): its raw value still orders it
  }
}

/**
 * Permutation importance of the run's tunable hyperparameters (and resource) for its
 * objective; see the module comment for the method.
 */
export function hyperparameterImportance(data: ReportData): ImportanceResult {
  const params = data.run.spec.space.parameters;
  const multi = isMultiFidelity(data.run);
  const logTarget = objectiveOnLog(data);
  const X: number[][] = [];
  const y: number[] = [];
  const group: number[] = [];
  const milestones = [...new Set(data.trials.flatMap((t) => trialResults(t).map((r) => r.milestone)))];
  const geometric = isGeometric(milestones);
  const trials = [...data.trials].sort((a, b) => a.trialId - b.trialId);
  let withResults = 0;
  for (const trial of trials) {
    const values = params.map((p) => valueOf(p, trial));
    if (values.some((v) => v === undefined)) continue;
    const results = trialResults(trial).filter((r) => !logTarget || r.objective > 0);
    if (results.length === 0) continue;
    for (const r of results) {
      const x = params.map((p, k) => featureValue(p, values[k] as number | string));
      if (multi) x.push(geometric ? Math.log10(r.milestone) : r.milestone);
      X.push(x);
      y.push(logTarget ? Math.log10(r.objective) : r.objective);
      group.push(withResults);
    }
    withResults++;
  }
  const names = [...params.map((p) => p.name), ...(multi ? [data.run.spec.resourceHyperParameter] : [])];
  if (names.length === 0) return { kind: 'not-enough', reason: 'This run has no tunable hyperparameters.' };
  if (withResults < MIN_TRIALS) {
    return { kind: 'not-enough', reason: `${withResults} trial${withResults === 1 ? ' has' : 's have'} a result; an importance estimate needs at least ${MIN_TRIALS}.` };
  }

  const rng = rngFor(data.run.seed, IMPORTANCE_STREAM);
  const p = names.length;
  const mtry = Math.max(1, Math.round(p / 3));
  const increase = new Array<number>(p).fill(0);
  let treesWithOob = 0;
  const oobSum = new Array<number>(y.length).fill(0);
  const oobCount = new Array<number>(y.length).fill(0);
  const byGroup: number[][] = Array.from({ length: withResults }, () => []);
  group.forEach((g, i) => byGroup[g].push(i));
  for (let t = 0; t < TREES; t++) {
    const drawn = new Array<boolean>(withResults).fill(false);
    const inBag: number[] = [];
    for (let k = 0; k < withResults; k++) {
      const g = rng.int(0, withResults - 1);
      drawn[g] = true;
      inBag.push(...byGroup[g]);
    }
    const tree = grow(X, y, inBag, 0, mtry, rng);
    const oob = y.map((_, i) => i).filter((i) => !drawn[group[i]]);
    if (oob.length < 2) continue;
    treesWithOob++;
    const base = mean(oob.map((i) => (predict(tree, X[i]) - y[i]) ** 2));
    for (const i of oob) {
      oobSum[i] += predict(tree, X[i]);
      oobCount[i]++;
    }
    for (let f = 0; f < p; f++) {
      const shuffled = oob.map((i) => X[i][f]);
      for (let k = shuffled.length - 1; k > 0; k--) {
        const j = rng.int(0, k);
        [shuffled[k], shuffled[j]] = [shuffled[j], shuffled[k]];
      }
      const permuted = mean(oob.map((i, k) => (predict(tree, X[i].map((v, c) => (c === f ? shuffled[k] : v))) - y[i]) ** 2));
      increase[f] += permuted - base;
    }
  }
  const scored = y.map((_, i) => i).filter((i) => oobCount[i] > 0);
  const yMean = mean(scored.map((i) => y[i]));
  const total = scored.reduce((s, i) => s + (y[i] - yMean) ** 2, 0);
  const residual = scored.reduce((s, i) => s + (y[i] - oobSum[i] / oobCount[i]) ** 2, 0);
  const oobR2 = total > 0 ? 1 - residual / total : 0;
  const meanIncrease = increase.map((v) => v / Math.max(1, treesWithOob));
  const positive = meanIncrease.reduce((s, v) => s + Math.max(0, v), 0);
  const features = names
    .map((name, f) => ({ name, increase: meanIncrease[f], share: positive > 0 ? Math.max(0, meanIncrease[f]) / positive : 0 }))
    .sort((a, b) => b.share - a.share || b.increase - a.increase || a.name.localeCompare(b.name));
  return { kind: 'estimated', features, samples: y.length, trials: withResults, oobR2, logTarget };
}

const BAR_WIDTH = 560;
const ROW = 30;
const LEFT = 150;
const RIGHT = 60;

function barChart(features: readonly FeatureImportance[]): string {
  const top = 16;
  const height = top + features.length * ROW + 48;
  const plotRight = BAR_WIDTH - RIGHT;
  const x = (share: number): number => LEFT + share * (plotRight - LEFT);
  const grid = [0, 0.25, 0.5, 0.75, 1].map(
    (v) =>
      `<line class="grid"${attrs({ x1: x(v), x2: x(v), y1: top, y2: top + features.length * ROW })}/>` +
      `<text class="tick-label"${attrs({ x: x(v), y: top + features.length * ROW + 16, 'text-anchor': 'middle' })}>${Math.round(v * 100)}%</text>`,
  );
  const bars = features.map((f, k) => {
    const y = top + k * ROW;
    const name = f.name.length > 20 ? `${f.name.slice(0, 19)}…` : f.name;
    return (
      `<text class="tick-label bar-label"${attrs({ x: LEFT - 8, y: y + ROW / 2 + 4, 'text-anchor': 'end' })}>${esc(name)}</text>` +
      `<rect class="bar${k === 0 && f.share > 0 ? ' top' : ''}"${attrs({ x: LEFT, y: y + 5, width: Math.max(0.5, x(f.share) - LEFT), height: ROW - 10, 'data-feature': f.name })}>` +
      `<title>${esc(`${f.name}: ${Math.round(f.share * 100)}% of the error increase (mean squared error +${f.increase.toPrecision(3)} when shuffled)`)}</title></rect>` +
      `<text class="bar-value"${attrs({ x: x(f.share) + 6, y: y + ROW / 2 + 4 })}>${Math.round(f.share * 100)}%</text>`
    );
  });
  return [
    `<svg class="chart"${attrs({ 'data-chart': 'importance', viewBox: `0 0 ${BAR_WIDTH} ${height}`, role: 'img', 'aria-label': 'Hyperparameter importance', preserveAspectRatio: 'xMidYMid meet' })}>`,
    '<title>Hyperparameter importance (permutation importance of a random forest)</title>',
    `<g class="grid-lines">${grid.join('')}</g>`,
    `<g class="marks">${bars.join('')}</g>`,
    `<text class="axis-label x-label"${attrs({ x: (LEFT + plotRight) / 2, y: height - 8, 'text-anchor': 'middle' })}>share of the error increase when shuffled</text>`,
    `<text class="axis-label y-label"${attrs({ x: 12, y: top - 4, 'text-anchor': 'start' })}>hyperparameter</text>`,
    '</svg>',
  ].join('');
}

/** The importance section: the bars, and the method named in words. */
export function importanceSection(data: ReportData): string {
  const metric = data.run.spec.objective.metricName;
  const lead = `Which hyperparameters explain ${metric} in this run, estimated when this report was generated.`;
  const result = hyperparameterImportance(data);
  if (result.kind === 'not-enough') return section('importance', 'Hyperparameter importance', lead, placeholder('importance', result.reason));
  const resource = isMultiFidelity(data.run) ? ` and the ${data.run.spec.resourceHyperParameter} each result was measured at` : '';
  const target = result.logTarget ? `log10 of ${metric}` : metric;
  const r2 = Math.round(result.oobR2 * 100);
  const method =
    `Method: permutation importance (Breiman 2001) on a random forest of ${TREES} regression trees (at most ${MAX_DEPTH} levels, ${MIN_LEAF} results per leaf, ` +
    `a third of the features tried per split), fitted to ${result.samples} results of ${result.trials} trials. Features: the tunable hyperparameters on their search scale${resource}; ` +
    `target: ${target}. Each tree is grown on a bootstrap sample of whole trials; a feature's importance is how much the error on the trees' left-out trials grows when its values are shuffled among them. ` +
    `The forest explains ${r2}% of the variance of the left-out results (out-of-bag R²)${r2 < 20 ? ': too little to read much into the ranking' : ''}. Importance is not causal: correlated hyperparameters share it.`;
  return section('importance', 'Hyperparameter importance', lead, `<div class="importance">${barChart(result.features)}<p class="note" data-method="permutation-importance">${esc(method)}</p></div>`);
}
