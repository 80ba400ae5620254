/**
 * The report's header: run name and status, the run's settings, its counters and cost, and
 * the best trial with its hyperparameters.
 */
import { runStrategy } from '../../lambda/adapters/run-store-rules';
import type { BestResult } from '../../core/orchestrator/records';
import { costOf, formatDuration, formatTime, formatUsd } from './format';
import { bestJobNote } from '../render/leaderboard';
import { rankedTrials, type ReportData } from './model';
import { formatValue } from './scales';
import { esc } from './svg';

function fact(label: string, value: string): string {
  return `<div class="fact"><dt>${esc(label)}</dt><dd>${value}</dd></div>`;
}

function stat(label: string, value: string, className = ''): string {
  return `<div class="stat ${esc(className)}"><div class="stat-value">${value}</div><div class="stat-label">${esc(label)}</div></div>`;
}

function strategyText(data: ReportData): string {
  const s = data.run.spec.scheduler;
  const strategy = runStrategy(data.run);
  return s.kind === 'Hyperband' && !strategy.includes(s.mode) ? `${strategy} (${s.mode})` : strategy;
}

function durationText(data: ReportData, generatedAt: Date): string {
  const start = Date.parse(data.run.createdAt);
  const end = data.run.endedAt === undefined ? generatedAt.getTime() : Date.parse(data.run.endedAt);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return '—';
  return `${formatDuration((end - start) / 1000)}${data.run.endedAt === undefined ? ' so far' : ''}`;
}

function bestCard(data: ReportData, best: BestResult | undefined): string {
  const metric = data.run.spec.objective.metricName;
  if (best === undefined) {
    const ended = data.run.status === 'Completed' || data.run.status === 'Stopped' || data.run.status === 'Failed';
    const text = ended ? `None: the run ended without any training job reporting ${metric}.` : `No training job has reported ${metric} yet.`;
    return `<div class="best-card empty"><h2>Best trial</h2><p class="muted">${esc(text)}</p></div>`;
  }
  const note = bestJobNote(data.run, rankedTrials(data));
  const tunable = new Set(data.run.spec.space.parameters.map((p) => p.name));
  const entries = Object.entries(best.hyperParameters).sort(
    ([a], [b]) => Number(tunable.has(b)) - Number(tunable.has(a)) || a.localeCompare(b),
  );
  const rows = entries
    .map(([k, v]) => `<tr${tunable.has(k) ? ' class="tunable"' : ''}><th scope="row">${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`)
    .join('');
  return [
    '<div class="best-card">',
    '<h2>Best trial</h2>',
    `<div class="best-value"><span class="big">${esc(formatValue(best.objective))}</span> <span class="muted">${esc(metric)}</span></div>`,
    `<p class="best-meta">trial ${esc(best.trialId)}${data.run.spec.scheduler.kind === 'FIFO' ? '' : ` at ${esc(data.run.spec.resourceHyperParameter)} ${esc(formatValue(best.milestone))}`}${best.jobName === '' ? '' : ` · <code>${esc(best.jobName)}</code>`}</p>`,
    `<table class="hp-table"><tbody>${rows}</tbody></table>`,
    tunable.size > 0 ? '<p class="figure-note">tunable hyperparameters in bold</p>' : '',
    note === undefined ? '' : `<p class="note">${esc(`The leaderboard's first trial. Note: ${note}.`)}</p>`,
    '</div>',
  ].join('');
}

/** The header and summary of the report. */
export function headerSection(data: ReportData, best: BestResult | undefined, options: { generatedAt: Date; pricePerHour?: number; title?: string }): string {
  const { run } = data;
  const spec = run.spec;
  const s = spec.scheduler;
  const c = run.counters;
  const title = options.title ?? run.runId;
  const multiFidelity = s.kind !== 'FIFO';
  const facts = [
    fact('strategy', esc(strategyText(data))),
    fact('sampler', esc(spec.sampler)),
    fact('objective', `${esc(spec.objective.type)} <code>${esc(spec.objective.metricName)}</code>`),
    ...(multiFidelity
      ? [
          fact('η (reduction factor)', esc(s.reductionFactor)),
          fact('r_min → R', `${esc(formatValue(s.minResource))} → ${esc(formatValue(s.maxResource))} <code>${esc(spec.resourceHyperParameter)}</code>`),
        ]
      : [fact('resource per trial', `${esc(formatValue(s.maxResource))} <code>${esc(spec.resourceHyperParameter)}</code>`)]),
    fact('job budget', `${esc(s.maxTrainingJobs)} jobs, ${esc(spec.maxParallelTrainingJobs)} in parallel`),
    fact('seed', esc(run.seed)),
    fact('created', esc(formatTime(run.createdAt))),
    fact('ended', esc(run.endedAt === undefined ? 'not yet' : formatTime(run.endedAt))),
    fact('duration', esc(durationText(data, options.generatedAt))),
  ];
  const stats = [
    stat('jobs started', esc(c.jobsStarted)),
    stat('completed', esc(c.jobsCompleted), 'ok'),
    stat('failed', esc(c.jobsFailed), c.jobsFailed > 0 ? 'bad' : ''),
    stat('stopped', esc(c.jobsStopped), c.jobsStopped > 0 ? 'warn' : ''),
    stat('billable time', esc(formatDuration(c.billableSeconds))),
    ...(options.pricePerHour !== undefined
      ? [stat(`cost estimate at ${formatUsd(options.pricePerHour)}/h`, esc(formatUsd(costOf(c.billableSeconds, options.pricePerHour))))]
      : []),
  ];
  const reason = run.statusReason === undefined ? '' : `<span class="status-reason">${esc(run.statusReason)}</span>`;
  const stopping = run.status === 'Stopping' && run.endStatus !== undefined ? ` <span class="muted">(ending as ${esc(run.endStatus)})</span>` : '';
  return [
    '<header class="page-header">',
    '<div class="eyebrow">Hyperparameter tuning report</div>',
    `<h1>${esc(title)}</h1>`,
    `<div class="status-line"><span class="badge status-${esc(run.status)}">${esc(run.status)}</span>${stopping}${reason}</div>`,
    `<p class="generated">generated ${esc(formatTime(options.generatedAt))}${title !== run.runId ? ` · run <code>${esc(run.runId)}</code>` : ''}</p>`,
    '</header>',
    '<div class="summary">',
    `<section class="card run-card"><div class="stats">${stats.join('')}</div><dl class="facts">${facts.join('')}</dl></section>`,
    `<section class="card">${bestCard(data, best)}</section>`,
    '</div>',
  ].join('');
}
