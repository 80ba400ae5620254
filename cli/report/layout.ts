/**
 * Page-level building blocks shared by the report's sections.
 */
import { esc } from './svg';

/** A report section: heading, one line of explanation, content. */
export function section(id: string, title: string, lead: string, content: string): string {
  return `<section class="card" id="${esc(id)}"><h2>${esc(title)}</h2><p class="lead">${esc(lead)}</p>${content}</section>`;
}

/** What a chart shows instead when there is nothing to plot. */
export function placeholder(chart: string, message: string): string {
  return `<div class="placeholder" data-chart-empty="${esc(chart)}"><span>${esc(message)}</span></div>`;
}

/** A chart with its caption, as a figure. */
export function figure(title: string, svg: string, note = ''): string {
  return `<figure class="chart-figure"><figcaption>${esc(title)}</figcaption>${svg}${note}</figure>`;
}
