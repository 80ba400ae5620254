/**
 * Small builders for the report's markup: escaping, SVG elements and the chart frame (grid,
 * axes, tick labels, axis titles). Every piece of text goes through {@link esc}.
 */
import type { BandScale, Scale } from './scales';

/** Escapes text for HTML and SVG text and attribute values (`& < > " '`). */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A number as an SVG coordinate: at most two decimals. */
export function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** Attributes from a record; `undefined` values are left out, values escaped. */
export function attrs(values: Readonly<Record<string, string | number | undefined>>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? num(v) : esc(v)}"`)
    .join('');
}

/** Width, height and inner margins of every chart, in viewBox units. */
export const CHART = { width: 560, height: 320, top: 16, right: 20, bottom: 50, left: 64 } as const;

/** The pixel range of the plot area's x axis. */
export const X_RANGE: readonly [number, number] = [CHART.left, CHART.width - CHART.right];
/** The pixel range of the plot area's y axis (bottom to top). */
export const Y_RANGE: readonly [number, number] = [CHART.height - CHART.bottom, CHART.top];

/** One tick: pixel position and label. */
export interface Tick {
  readonly at: number;
  readonly label: string;
}

/** The ticks of a numeric scale, inside its pixel range. */
export function scaleTicks(scale: Scale): Tick[] {
  return scale.ticks.map((v) => ({ at: scale.map(v), label: scale.format(v) }));
}

/** The ticks of a band scale: one per category, at the band's centre. */
export function bandTicks(scale: BandScale): Tick[] {
  return scale.categories.map((c) => ({ at: scale.map(c), label: c.length > 14 ? `${c.slice(0, 13)}…` : c }));
}

/** What a chart frame needs. */
export interface FrameOptions {
  /** The `data-chart` id tests and styles find the chart by. */
  readonly id: string;
  /** Accessible title (also the tooltip of the chart's background). */
  readonly title: string;
  readonly xTicks: readonly Tick[];
  readonly yTicks: readonly Tick[];
  readonly xLabel: string;
  readonly yLabel: string;
  /** Vertical grid lines at the x ticks (off for categorical axes, which get bands). */
  readonly xGrid?: boolean;
  /** The plotted marks, already built. */
  readonly body: string;
  /** The x axis's kind, as `data-x-scale` (`linear`, `log`, `band`). */
  readonly xScale?: string;
  /** The y axis's kind, as `data-y-scale` (`linear`, `log`). */
  readonly yScale?: string;
  /** Extra markup under the marks (bands). */
  readonly background?: string;
}

/** A complete chart: an `<svg>` sized by its viewBox, with grid, axes, labels and marks. */
export function chartFrame(o: FrameOptions): string {
  const { width, height, top, bottom, left } = CHART;
  const plotBottom = height - bottom;
  const plotRight = width - CHART.right;
  const grid: string[] = [];
  for (const t of o.yTicks) grid.push(`<line class="grid"${attrs({ x1: left, x2: plotRight, y1: t.at, y2: t.at })}/>`);
  if (o.xGrid !== false) for (const t of o.xTicks) grid.push(`<line class="grid"${attrs({ x1: t.at, x2: t.at, y1: top, y2: plotBottom })}/>`);
  const xAxis = o.xTicks.map(
    (t) =>
      `<line class="tick"${attrs({ x1: t.at, x2: t.at, y1: plotBottom, y2: plotBottom + 5 })}/>` +
      `<text class="tick-label"${attrs({ x: t.at, y: plotBottom + 18, 'text-anchor': 'middle' })}>${esc(t.label)}</text>`,
  );
  const yAxis = o.yTicks.map(
    (t) => `<text class="tick-label"${attrs({ x: left - 8, y: t.at + 4, 'text-anchor': 'end' })}>${esc(t.label)}</text>`,
  );
  return [
    `<svg class="chart"${attrs({ 'data-chart': o.id, 'data-x-scale': o.xScale, 'data-y-scale': o.yScale, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': o.title, preserveAspectRatio: 'xMidYMid meet' })}>`,
    `<title>${esc(o.title)}</title>`,
    `<rect class="plot-bg"${attrs({ x: left, y: top, width: plotRight - left, height: plotBottom - top })}/>`,
    o.background ?? '',
    `<g class="grid-lines">${grid.join('')}</g>`,
    `<line class="axis-line"${attrs({ x1: left, x2: plotRight, y1: plotBottom, y2: plotBottom })}/>`,
    `<line class="axis-line"${attrs({ x1: left, x2: left, y1: top, y2: plotBottom })}/>`,
    `<g class="axis x-axis">${xAxis.join('')}</g>`,
    `<g class="axis y-axis">${yAxis.join('')}</g>`,
    `<text class="axis-label x-label"${attrs({ x: (left + plotRight) / 2, y: height - 10, 'text-anchor': 'middle' })}>${esc(o.xLabel)}</text>`,
    `<text class="axis-label y-label"${attrs({ x: 0, y: 0, 'text-anchor': 'middle', transform: `translate(16 ${num((top + plotBottom) / 2)}) rotate(-90)` })}>${esc(o.yLabel)}</text>`,
    `<g class="marks">${o.body}</g>`,
    '</svg>',
  ].join('');
}

/** A plotted point with a native tooltip (`<title>`), so hovering works without script. */
export function point(x: number, y: number, tooltip: string, options: { className?: string; r?: number; fill?: string } = {}): string {
  const cls = ['point', options.className].filter(Boolean).join(' ');
  return `<circle${attrs({ class: cls, cx: x, cy: y, r: options.r ?? 4, fill: options.fill })}><title>${esc(tooltip)}</title></circle>`;
}

/** A polyline through points, as a `<path class="line">`. */
export function linePath(points: readonly (readonly [number, number])[], options: { className?: string; stroke?: string; tooltip?: string } = {}): string {
  const d = points.map(([x, y], k) => `${k === 0 ? 'M' : 'L'}${num(x)} ${num(y)}`).join(' ');
  const cls = ['line', options.className].filter(Boolean).join(' ');
  const title = options.tooltip === undefined ? '' : `<title>${esc(options.tooltip)}</title>`;
  return `<path${attrs({ class: cls, d, stroke: options.stroke })}>${title}</path>`;
}

/**
 * A step line through points (horizontal, then vertical: the value holds until the next point
 * changes it), extended horizontally to `extendTo` when given.
 */
export function stepPath(points: readonly (readonly [number, number])[], extendTo?: number, className?: string): string {
  const steps: [number, number][] = [];
  points.forEach(([x, y], k) => {
    if (k > 0) steps.push([x, steps[steps.length - 1][1]]);
    steps.push([x, y]);
  });
  const last = steps[steps.length - 1];
  if (last !== undefined && extendTo !== undefined && extendTo > last[0]) steps.push([extendTo, last[1]]);
  return linePath(steps, { className });
}

/** A small legend row: coloured swatches with labels, as HTML. */
export function legend(items: readonly { readonly label: string; readonly className: string }[]): string {
  const entries = items.map((i) => `<span class="legend-item"><span class="swatch ${esc(i.className)}"></span>${esc(i.label)}</span>`);
  return `<div class="legend">${entries.join('')}</div>`;
}
