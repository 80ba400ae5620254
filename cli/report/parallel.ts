/**
 * "Parallel coordinates": one vertical axis per tunable hyperparameter, then the resource a
 * trial reached (Hyperband, ASHA), then the objective; each trial with a result is one line
 * through its values. Lines are coloured by the trial's leaderboard quartile, the best trial
 * on top. Numeric axes follow the parameter's scaling (log for logarithmic ones), categorical
 * axes space their values evenly.
 */
import type { ParameterSpec } from '../../core/ports';
import { resolveScaling } from '../../core/space';
import { isMultiFidelity, type RankedTrial } from '../render/leaderboard';
import { figure, placeholder, section } from './layout';
import { isGeometric, objectiveOnLog, rankedTrials, valueOf, type ReportData } from './model';
import { LOG_NOTE } from './progress-charts';
import { bandScale, boundedScale, canLog, formatValue, linearScale, logScale, objectiveScale, type Scale } from './scales';
import { attrs, esc, legend, linePath } from './svg';

const WIDTH = 960;
const HEIGHT = 340;
const TOP = 40;
const BOTTOM = HEIGHT - 28;
const SIDE = 70;
const Y: readonly [number, number] = [BOTTOM, TOP];

/** One vertical axis: its title, where a trial sits on it (undefined: no value), its tick labels. */
interface Axis {
  readonly title: string;
  readonly at: (r: RankedTrial) => number | undefined;
  readonly ticks: readonly { readonly y: number; readonly label: string }[];
  readonly kind: string;
}

function numericTicks(scale: Scale): { y: number; label: string }[] {
  return scale.ticks.map((v) => ({ y: scale.map(v), label: scale.format(v) }));
}

function parameterAxis(param: ParameterSpec, ranked: readonly RankedTrial[]): Axis {
  if (param.kind === 'categorical') {
    const bands = bandScale(param.values, [BOTTOM, TOP]);
    return {
      title: param.name,
      kind: 'band',
      at: (r) => {
        const v = valueOf(param, r.trial);
        return typeof v === 'string' && param.values.includes(v) ? bands.map(v) : undefined;
      },
      ticks: param.values.map((c) => ({ y: bands.map(c), label: c.length > 12 ? `${c.slice(0, 11)}…` : c })),
    };
  }
  const values = ranked.map((r) => valueOf(param, r.trial)).filter((v): v is number => typeof v === 'number');
  const lo = Math.min(param.min, ...values);
  const hi = Math.max(param.max, ...values);
  let log = false;
  try {
    log = resolveScaling(param) === 'Logarithmic' && canLog([lo, hi]);
  } catch {
    log = false;
  }
  const scale = log ? logScale([lo, hi], Y) : boundedScale(lo, hi, Y, { integer: param.kind === 'integer', count: 5 });
  return {
    title: `${param.name}${log ? ' (log)' : ''}`,
    kind: scale.kind,
    at: (r) => {
      const v = valueOf(param, r.trial);
      return typeof v === 'number' ? scale.map(v) : undefined;
    },
    ticks: numericTicks(scale),
  };
}

/** Leaderboard quartile of a ranked trial: 3 for the top quarter, 0 for the bottom one. */
function quartile(position: number, count: number): number {
  return 3 - Math.min(3, Math.floor(((position - 1) / Math.max(1, count)) * 4));
}

/** The parallel-coordinates section. */
export function parallelSection(data: ReportData): string {
  const run = data.run;
  const metric = run.spec.objective.metricName;
  const resource = run.spec.resourceHyperParameter;
  const multi = isMultiFidelity(run);
  const ranked = rankedTrials(data).filter((r) => r.position !== null && r.objective !== null);
  const log = objectiveOnLog(data);
  const lead =
    `Each line is a trial with a result: its tunable hyperparameters, ${multi ? `the ${resource} it reached, ` : ''}and its ${metric}` +
    `${multi ? ' there' : ''}. Darker lines rank higher on the leaderboard; the best trial is drawn on top. Hover a line to see the trial.${log ? LOG_NOTE : ''}`;
  const params = run.spec.space.parameters;
  if (params.length === 0) return section('parallel', 'Parallel coordinates', lead, placeholder('parallel-coordinates', 'This run has no tunable hyperparameters.'));
  if (ranked.length < 2) {
    return section('parallel', 'Parallel coordinates', lead, placeholder('parallel-coordinates', 'Fewer than two trials have a result: nothing to compare yet.'));
  }
  const axes: Axis[] = params.map((p) => parameterAxis(p, ranked));
  if (multi) {
    const milestones = ranked.map((r) => r.milestone as number);
    const scale = isGeometric(milestones) ? logScale(milestones, Y, [...new Set(milestones)].sort((a, b) => a - b)) : linearScale(milestones, Y, 4);
    axes.push({ title: `${resource} reached`, kind: scale.kind, at: (r) => (r.milestone === null ? undefined : scale.map(r.milestone)), ticks: numericTicks(scale) });
  }
  const objective = objectiveScale(
    ranked.map((r) => r.objective as number),
    Y,
    log,
  );
  axes.push({ title: `${metric}${objective.kind === 'log' ? ' (log)' : ''}`, kind: objective.kind, at: (r) => (r.objective === null ? undefined : objective.map(r.objective)), ticks: numericTicks(objective) });

  const step = (WIDTH - 2 * SIDE) / Math.max(1, axes.length - 1);
  const xs = axes.map((_, k) => SIDE + k * step);
  const frame = axes.map((axis, k) => {
    const x = xs[k];
    const ticks = axis.ticks
      .map((t) => `<text class="tick-label"${attrs({ x: x - 6, y: t.y + 4, 'text-anchor': 'end' })}>${esc(t.label)}</text>`)
      .join('');
    return (
      `<g class="pc-dimension" data-axis="${esc(axis.title)}" data-scale="${esc(axis.kind)}">` +
      `<line class="pc-axis"${attrs({ x1: x, x2: x, y1: TOP, y2: BOTTOM })}/>` +
      `<text class="axis-label"${attrs({ x, y: TOP - 16, 'text-anchor': 'middle' })}>${esc(axis.title)}</text>${ticks}</g>`
    );
  });
  const lines = [...ranked].reverse().map((r) => {
    const points = axes.map((axis, k) => [xs[k], axis.at(r)] as const).filter((p): p is readonly [number, number] => p[1] !== undefined);
    const best = r.position === 1;
    const values = params.map((p) => `${p.name}=${r.trial.hyperParameters?.[p.name] ?? '?'}`).join(', ');
    const at = multi ? ` at ${resource} ${formatValue(r.milestone as number)}` : '';
    const tooltip = `trial ${r.trial.trialId} (rank ${r.position}): ${values}; ${metric} ${formatValue(r.objective as number)}${at}`;
    return linePath(points, { className: `pc-line ${best ? 'pc-best' : `pc-q${quartile(r.position as number, ranked.length)}`}`, tooltip });
  });
  const svg = [
    `<svg class="chart pc"${attrs({ 'data-chart': 'parallel-coordinates', viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': `Parallel coordinates of ${ranked.length} trials`, preserveAspectRatio: 'xMidYMid meet' })}>`,
    `<title>${esc(`Parallel coordinates: ${ranked.length} trials with a result`)}</title>`,
    `<g class="pc-lines">${lines.join('')}</g>`,
    `<g class="pc-axes">${frame.join('')}</g>`,
    '</svg>',
  ].join('');
  const keys = legend([
    { label: 'best trial', className: 'sw-best' },
    { label: 'top quarter', className: 'sw-pc-q3' },
    { label: 'second quarter', className: 'sw-pc-q2' },
    { label: 'third quarter', className: 'sw-pc-q1' },
    { label: 'bottom quarter', className: 'sw-pc-q0' },
  ]);
  return section('parallel', 'Parallel coordinates', lead, `${figure(`${ranked.length} trials with a result`, svg)}${keys}`);
}
