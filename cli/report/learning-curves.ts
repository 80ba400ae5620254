/**
 * "Learning curves": each trial's objective at every rung it reached. Milestones are on a log
 * axis when they grow geometrically (Hyperband rungs), with the rungs as ticks. Trials that
 * were promoted are drawn in colour, the best trial on top and thicker, the rest in grey.
 */
import { figure, placeholder, section } from './layout';
import { isGeometric, objectiveOnLog, type LearningCurve, type ReportData } from './model';
import { LOG_NOTE } from './progress-charts';
import { formatValue, linearScale, logScale, objectiveScale, type Scale } from './scales';
import { chartFrame, esc, legend, linePath, point, scaleTicks, X_RANGE, Y_RANGE } from './svg';

function curveClass(c: LearningCurve): string {
  return c.best ? 'curve-best' : c.promoted ? 'curve-promoted' : 'curve-stopped';
}

/** Grey first, promoted next, best last: the emphasised curves are drawn on top. */
function drawOrder(c: LearningCurve): number {
  return c.best ? 2 : c.promoted ? 1 : 0;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Per rung: trials with a result, the best and median objective, how many were promoted on. */
function rungTable(data: ReportData, curves: readonly LearningCurve[], milestones: readonly number[]): string {
  const type = data.run.spec.objective.type;
  const rows = milestones.map((m) => {
    const values = curves.flatMap((c) => c.points.filter((p) => p.milestone === m).map((p) => p.objective));
    const promoted = curves.filter((c) => c.trial.promotedFrom.includes(m)).length;
    const best = type === 'Maximize' ? Math.max(...values) : Math.min(...values);
    return `<tr><td>${esc(formatValue(m))}</td><td>${values.length}</td><td>${esc(formatValue(best))}</td><td>${esc(formatValue(median(values)))}</td><td>${promoted}</td></tr>`;
  });
  const resource = data.run.spec.resourceHyperParameter;
  const head = `<tr><th scope="col">${esc(resource)}</th><th scope="col">trials</th><th scope="col">best</th><th scope="col">median</th><th scope="col">promoted</th></tr>`;
  return `<figure class="chart-figure"><figcaption>Rungs</figcaption><table class="rungs" data-table-static="rungs"><thead>${head}</thead><tbody>${rows.join('')}</tbody></table></figure>`;
}

/** The learning-curves section. */
export function learningCurvesSection(data: ReportData, curves: readonly LearningCurve[]): string {
  const metric = data.run.spec.objective.metricName;
  const resource = data.run.spec.resourceHyperParameter;
  const lead = `${metric} of each trial at every rung it reached (${resource} on the x axis).`;
  if (curves.length === 0) {
    return section('learning-curves', 'Learning curves', lead, placeholder('learning-curves', 'No trial has a result yet: nothing to plot.'));
  }
  const milestones = [...new Set(curves.flatMap((c) => c.points.map((p) => p.milestone)))].sort((a, b) => a - b);
  const x: Scale = isGeometric(milestones) ? logScale(milestones, X_RANGE, milestones) : linearScale(milestones, X_RANGE, 6);
  const log = objectiveOnLog(data);
  const y: Scale = objectiveScale(
    curves.flatMap((c) => c.points.map((p) => p.objective)),
    Y_RANGE,
    log,
  );
  const marks: string[] = [];
  for (const c of [...curves].sort((a, b) => drawOrder(a) - drawOrder(b))) {
    const cls = curveClass(c);
    const name = `trial ${c.trial.trialId}${c.best ? ' (best)' : c.promoted ? ' (promoted)' : ''}`;
    const xy = c.points.map((p) => [x.map(p.milestone), y.map(p.objective)] as const);
    const group: string[] = [];
    if (xy.length >= 2) group.push(linePath(xy, { className: cls, tooltip: name }));
    c.points.forEach((p, k) => {
      const tip = `${name}\n${resource} ${formatValue(p.milestone)}: ${metric} ${formatValue(p.objective)}`;
      group.push(point(xy[k][0], xy[k][1], tip, { className: cls, r: c.best ? 4.5 : 3.5 }));
    });
    marks.push(`<g class="curve" data-trial="${c.trial.trialId}">${group.join('')}</g>`);
  }
  const svg = chartFrame({
    id: 'learning-curves',
    title: `Learning curves (${metric} by ${resource})`,
    xTicks: scaleTicks(x),
    yTicks: scaleTicks(y),
    xLabel: `${resource} (rung milestone${x.kind === 'log' ? ', log scale' : ''})`,
    yLabel: y.kind === 'log' ? `${metric} (log scale)` : metric,
    xScale: x.kind,
    yScale: y.kind,
    body: marks.join(''),
  });
  const keys = legend([
    { label: 'best trial', className: 'sw-best' },
    { label: 'promoted at least once', className: 'sw-promoted' },
    { label: 'not promoted', className: 'sw-stopped' },
  ]);
  return section('learning-curves', 'Learning curves', `${lead}${log ? LOG_NOTE : ''}`, `<div class="split">${figure(`${curves.length} trials with results`, svg)}${rungTable(data, curves, milestones)}</div>${keys}`);
}
