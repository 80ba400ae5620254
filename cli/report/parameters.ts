/**
 * "Hyperparameters": one scatter per tunable hyperparameter, its value against the objective
 * at the highest rung each trial reached. Numeric parameters use a log x axis when their
 * scaling is (or `Auto` resolves to) Logarithmic; categorical ones get one band per value,
 * points on the band's centre line (no jitter). Points are coloured by the rung they reached.
 */
import type { ParameterSpec } from '../../core/ports';
import { resolveScaling } from '../../core/space';
import { figure, placeholder, section } from './layout';
import { objectiveOnLog, parameterPoints, type ParameterPoint, type ReportData } from './model';
import { LOG_NOTE } from './progress-charts';
import { bandScale, boundedScale, canLog, formatValue, logScale, objectiveScale, type Scale } from './scales';
import { attrs, bandTicks, chartFrame, esc, legend, point, scaleTicks, X_RANGE, Y_RANGE, type Tick } from './svg';

/** Rung colours, lightest (lowest rung) to darkest; more rungs reuse the darkest. */
const RUNG_CLASSES = 5;

function isLogParameter(param: ParameterSpec, values: readonly number[]): boolean {
  if (param.kind === 'categorical' || !canLog(values)) return false;
  try {
    return resolveScaling(param) === 'Logarithmic';
  } catch {
    return false;
  }
}

function rungClass(milestone: number, milestones: readonly number[]): string {
  const top = milestones.length - 1;
  const k = milestones.indexOf(milestone);
  // The highest rung always gets the darkest colour, the ones below count down from it.
  return `rung-${Math.max(0, RUNG_CLASSES - 1 - (top - k))}`;
}

function parameterChart(data: ReportData, param: ParameterSpec, points: readonly ParameterPoint[], milestones: readonly number[], bestTrial: number | undefined, log: boolean): string {
  const id = `hp-${param.name}`;
  if (points.length === 0) return figure(param.name, placeholder(id, 'No trial has a result yet: nothing to plot.'));
  const metric = data.run.spec.objective.metricName;
  const resource = data.run.spec.resourceHyperParameter;
  const y: Scale = objectiveScale(
    points.map((p) => p.objective),
    Y_RANGE,
    log,
  );
  let xOf: (p: ParameterPoint) => number;
  let xTicks: Tick[];
  let kind: string;
  let background = '';
  if (param.kind === 'categorical') {
    const bands = bandScale(param.values, X_RANGE);
    xOf = (p) => bands.map(String(p.value));
    xTicks = bandTicks(bands);
    kind = 'band';
    background = param.values
      .map((c, k) => (k % 2 === 1 ? `<rect class="band"${attrs({ x: bands.map(c) - bands.bandwidth / 2, y: Y_RANGE[1], width: bands.bandwidth, height: Y_RANGE[0] - Y_RANGE[1] })}/>` : ''))
      .join('');
  } else {
    const values = points.map((p) => p.value as number);
    const lo = Math.min(param.min, ...values);
    const hi = Math.max(param.max, ...values);
    const x: Scale = isLogParameter(param, [lo, hi]) ? logScale([lo, hi], X_RANGE) : boundedScale(lo, hi, X_RANGE, { integer: param.kind === 'integer' });
    xOf = (p) => x.map(p.value as number);
    xTicks = scaleTicks(x);
    kind = x.kind;
  }
  const ordered = [...points].sort((a, b) => a.milestone - b.milestone || Number(a.trial.trialId === bestTrial) - Number(b.trial.trialId === bestTrial));
  const marks = ordered.map((p) => {
    const best = p.trial.trialId === bestTrial;
    const tip = `trial ${p.trial.trialId}${best ? ' (best)' : ''}\n${param.name} = ${typeof p.value === 'number' ? formatValue(p.value) : p.value}\n${metric} ${formatValue(p.objective)} at ${resource} ${formatValue(p.milestone)}`;
    return point(xOf(p), y.map(p.objective), tip, { className: `${rungClass(p.milestone, milestones)}${best ? ' best' : ''}`, r: best ? 5.5 : 4.5 });
  });
  const scaleNote = kind === 'log' ? ' (log scale)' : '';
  const svg = chartFrame({
    id,
    title: `${metric} by ${param.name}`,
    xTicks,
    yTicks: scaleTicks(y),
    xLabel: `${param.name}${scaleNote}`,
    yLabel: y.kind === 'log' ? `${metric} (log scale)` : metric,
    xGrid: kind !== 'band',
    xScale: kind,
    yScale: y.kind,
    background,
    body: marks.join(''),
  });
  return figure(`${param.name}`, svg, `<p class="figure-note">${esc(param.kind)}${scaleNote}</p>`);
}

/** The hyperparameters section: one chart per tunable hyperparameter. */
export function parametersSection(data: ReportData, bestTrial: number | undefined): string {
  const params = data.run.spec.space.parameters;
  const metric = data.run.spec.objective.metricName;
  const resource = data.run.spec.resourceHyperParameter;
  const lead = `${metric} at the highest rung each trial reached, against each tunable hyperparameter. Darker points reached higher rungs; the ringed point is the best trial.`;
  if (params.length === 0) return section('hyperparameters', 'Hyperparameters', lead, placeholder('hyperparameters', 'This run has no tunable hyperparameters.'));
  const all = params.map((p) => parameterPoints(data, p));
  if (all.every((points) => points.length === 0)) {
    return section('hyperparameters', 'Hyperparameters', lead, placeholder('hyperparameters', `No trial has a result yet: nothing to plot for ${params.map((p) => p.name).join(', ')}.`));
  }
  const milestones = [...new Set(all.flat().map((p) => p.milestone))].sort((a, b) => a - b);
  const log = objectiveOnLog(data);
  const charts = params.map((p, k) => parameterChart(data, p, all[k], milestones, bestTrial, log));
  const keys = legend(milestones.map((m) => ({ label: `reached ${resource} ${formatValue(m)}`, className: `sw-${rungClass(m, milestones)}` })));
  return section('hyperparameters', 'Hyperparameters', `${lead}${log ? LOG_NOTE : ''}`, `<div class="chart-grid">${charts.join('')}</div>${milestones.length > 0 ? keys : ''}`);
}
