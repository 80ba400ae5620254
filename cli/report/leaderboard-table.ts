/**
 * "Leaderboard": every trial, in the order `hpo results` prints them (the highest rung
 * reached, then the objective there), with the same status names and the same resource name.
 */
import { bestJobNote, rankingRule, TRIAL_STATUSES, tunableNames, type RankedTrial } from '../render/leaderboard';
import { formatHyperParameter } from '../render/format';
import { plural } from './format';
import { placeholder, section } from './layout';
import { rankedTrials, type ReportData } from './model';
import { formatValue } from './scales';
import { esc } from './svg';
import { dataTable, type TableColumn } from './table';

const muted = (text: string): string => `<span class="muted">${esc(text)}</span>`;

function columns(data: ReportData): TableColumn<RankedTrial>[] {
  const run = data.run;
  const multi = run.spec.scheduler.kind !== 'FIFO';
  const resource = run.spec.resourceHyperParameter;
  return [
    { title: 'rank', numeric: true, cell: (r) => (r.position === null ? { html: muted('—'), sort: '' } : { html: esc(r.position), sort: r.position }) },
    { title: 'trial', numeric: true, cell: (r) => ({ html: esc(r.trial.trialId), sort: r.trial.trialId }) },
    {
      title: run.spec.objective.metricName,
      numeric: true,
      cell: (r) => (r.objective === null ? { html: muted('—'), sort: '' } : { html: esc(formatValue(r.objective)), sort: r.objective }),
    },
    ...(multi
      ? [
          {
            title: resource,
            numeric: true,
            cell: (r: RankedTrial) => (r.milestone === null ? { html: muted('—'), sort: '' } : { html: esc(formatValue(r.milestone)), sort: r.milestone }),
          },
        ]
      : []),
    {
      title: 'status',
      cell: (r) => ({
        html: `<span class="badge trial-${esc(r.status.replace(/ /g, '-'))}" title="${esc(TRIAL_STATUSES[r.status])}">${esc(r.status)}</span>`,
        sort: r.status,
      }),
    },
    ...(multi ? [{ title: 'bracket', numeric: true, cell: (r: RankedTrial) => ({ html: esc(r.trial.bracket), sort: r.trial.bracket }) }] : []),
    ...tunableNames(run).map((name) => ({
      title: name,
      cell: (r: RankedTrial) => {
        const value = r.trial.hyperParameters?.[name];
        return { html: `<code>${esc(formatHyperParameter(value))}</code>`, sort: value === undefined ? '' : Number.isFinite(Number(value)) ? Number(value) : value };
      },
    })),
  ];
}

/** The statuses that occur, with what they mean, as a compact list under the table. */
function statusKey(ranked: readonly RankedTrial[]): string {
  const used = (Object.keys(TRIAL_STATUSES) as (keyof typeof TRIAL_STATUSES)[]).filter((s) => ranked.some((r) => r.status === s));
  const items = used.map((s) => `<b>${esc(s)}</b>: ${esc(TRIAL_STATUSES[s])}`);
  return `<p class="note">${items.join('; ')}.</p>`;
}

/** The leaderboard section: every trial, ranked, paged when long. */
export function leaderboardSection(data: ReportData): string {
  const ranked = rankedTrials(data);
  const rule = rankingRule(data.run);
  const lead = `${plural(ranked.length, 'trial')}, ${rule}; trials without a result last. The same order as hpo results.`;
  if (ranked.length === 0) return section('leaderboard', 'Leaderboard', lead, placeholder('leaderboard', 'No trial has been started yet.'));
  const table = dataTable(columns(data), ranked, {
    id: 'leaderboard',
    rowClass: 'trial-row',
    rowAttributes: (r) => ` data-trial="${esc(r.trial.trialId)}"`,
    noun: 'trial',
  });
  const note = bestJobNote(data.run, ranked);
  return section('leaderboard', 'Leaderboard', lead, `${table}${statusKey(ranked)}${note === undefined ? '' : `<p class="note">${esc(`Note: ${note}.`)}</p>`}`);
}
