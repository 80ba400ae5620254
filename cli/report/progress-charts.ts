/**
 * "Best objective so far": the run's best objective as a step line against wall-clock time
 * (job end times) and against the resource consumed (each job trains `milestone -
 * fromMilestone` units). Every finished job with an objective is a point; jobs that improved
 * the best are highlighted, jobs that ended without an objective are marked on the x axis.
 */
import { formatDuration, timeUnit } from './format';
import { figure, placeholder, section } from './layout';
import { objectiveOnLog, type ProgressPoint, type ReportData } from './model';
import { formatValue, linearScale, objectiveScale, type Scale } from './scales';

/** Said in every section whose objective axis is logarithmic. */
export const LOG_NOTE = ' The objective spans more than a decade, so its axis is logarithmic.';
import { attrs, chartFrame, esc, legend, point, scaleTicks, stepPath, X_RANGE, Y_RANGE } from './svg';

interface Axis {
  readonly id: string;
  readonly caption: string;
  readonly label: string;
  readonly x: (p: ProgressPoint) => number;
  readonly describe: (p: ProgressPoint) => string;
}

function progressChart(points: readonly ProgressPoint[], axis: Axis, metric: string, log: boolean): string {
  const scored = points.filter((p) => p.objective !== null);
  if (scored.length === 0) return figure(axis.caption, placeholder(axis.id, 'No training job has reported an objective yet: nothing to plot.'));
  const xs = points.map(axis.x);
  const x: Scale = linearScale([0, ...xs], X_RANGE, 6);
  const y: Scale = objectiveScale(
    scored.map((p) => p.objective as number),
    Y_RANGE,
    log,
  );
  const bestPoints = points.filter((p) => p.improved).map((p) => [x.map(axis.x(p)), y.map(p.best as number)] as const);
  const marks: string[] = [stepPath(bestPoints, x.map(Math.max(...xs)), 'best-line')];
  for (const p of scored) {
    const tip = `${p.job.jobName}\ntrial ${p.job.trialId}, ${p.job.fromMilestone}→${p.job.milestone}\n${metric} ${formatValue(p.objective as number)}\n${axis.describe(p)}`;
    marks.push(point(x.map(axis.x(p)), y.map(p.objective as number), tip, { className: p.improved ? 'improved' : 'observed', r: p.improved ? 4.5 : 3.5 }));
  }
  for (const p of points.filter((q) => q.objective === null)) {
    const cx = x.map(axis.x(p));
    marks.push(
      `<path${attrs({ class: 'failure-mark', d: `M${cx - 4} ${Y_RANGE[0] - 10} l8 8 m0 -8 l-8 8` })}><title>${esc(`${p.job.jobName}: ${p.job.status}, no objective`)}</title></path>`,
    );
  }
  const svg = chartFrame({
    id: axis.id,
    title: `${axis.caption} (${metric})`,
    xTicks: scaleTicks(x),
    yTicks: scaleTicks(y),
    xLabel: axis.label,
    yLabel: y.kind === 'log' ? `${metric} (log scale)` : metric,
    xScale: x.kind,
    yScale: y.kind,
    body: marks.join(''),
  });
  return figure(axis.caption, svg);
}

/** The "Best objective so far" section: against time and against resource. */
export function progressSection(data: ReportData, points: readonly ProgressPoint[]): string {
  const metric = data.run.spec.objective.metricName;
  const resource = data.run.spec.resourceHyperParameter;
  const unit = timeUnit(Math.max(0, ...points.map((p) => p.elapsedSeconds)));
  const time: Axis = {
    id: 'best-vs-time',
    caption: 'Against wall-clock time',
    label: `time since the run started (${unit.name})`,
    x: (p) => p.elapsedSeconds / unit.seconds,
    describe: (p) => `ended ${formatDuration(p.elapsedSeconds)} after the start`,
  };
  const used: Axis = {
    id: 'best-vs-resource',
    caption: 'Against resource consumed',
    label: `${resource} trained, all jobs (cumulative)`,
    x: (p) => p.cumulativeResource,
    describe: (p) => `${formatValue(p.cumulativeResource)} ${resource} trained so far`,
  };
  const direction = data.run.spec.objective.type === 'Maximize' ? 'higher is better' : 'lower is better';
  const log = objectiveOnLog(data);
  const keys = legend([
    { label: 'best so far', className: 'sw-best' },
    { label: 'job that improved the best', className: 'sw-improved' },
    { label: 'other finished job', className: 'sw-observed' },
    { label: 'ended without an objective', className: 'sw-failed' },
  ]);
  return section(
    'progress',
    'Best objective so far',
    `${data.run.spec.objective.type} ${metric} (${direction}), as jobs finished. Promoted trials resume from their checkpoints, so a job trains only the resource between its rungs.${log ? LOG_NOTE : ''}`,
    `<div class="chart-grid">${progressChart(points, time, metric, log)}${progressChart(points, used, metric, log)}</div>${points.some((p) => p.objective !== null) ? keys : ''}`,
  );
}
