/**
 * "Training jobs": one row per job, in the order the jobs were created. Headers sort the
 * table and long tables are paged when script runs (each cell carries a `data-sort` key);
 * without script, and in print, it is complete.
 */
import type { JobRecord } from '../../core/orchestrator/records';
import { costOf, formatDuration, formatUsd, plural } from './format';
import { section } from './layout';
import { objectiveOf, type ReportData } from './model';
import { formatValue } from './scales';
import { esc } from './svg';
import { dataTable, type TableColumn } from './table';

type Column = TableColumn<JobRecord>;

function orderJobs(jobs: readonly JobRecord[]): JobRecord[] {
  return [...jobs].sort(
    (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.trialId - b.trialId || a.milestone - b.milestone || a.jobName.localeCompare(b.jobName),
  );
}

function columns(data: ReportData, pricePerHour: number | undefined, bestJob: string | undefined): Column[] {
  const resource = data.run.spec.resourceHyperParameter;
  const cols: Column[] = [
    {
      title: 'job',
      cell: (j) => ({ html: `<code>${esc(j.jobName)}</code>${j.jobName === bestJob ? ' <span class="badge badge-best">best</span>' : ''}`, sort: j.jobName }),
    },
    { title: 'trial', numeric: true, cell: (j) => ({ html: esc(j.trialId), sort: j.trialId }) },
    ...(data.run.spec.scheduler.kind === 'FIFO'
      ? []
      : [
          {
            title: resource,
            numeric: true,
            cell: (j: JobRecord) => ({ html: `${esc(formatValue(j.fromMilestone))} → ${esc(formatValue(j.milestone))}`, sort: j.milestone * 1e6 + j.fromMilestone }),
          },
        ]),
    { title: 'status', cell: (j) => ({ html: `<span class="badge status-${esc(j.status)}">${esc(j.status)}</span>`, sort: j.status }) },
    {
      title: data.run.spec.objective.metricName,
      numeric: true,
      cell: (j) => {
        const v = objectiveOf(j);
        return v === null ? { html: '<span class="muted">—</span>', sort: '' } : { html: esc(formatValue(v)), sort: v };
      },
    },
    {
      title: 'billable',
      numeric: true,
      cell: (j) => (j.billableSeconds === undefined ? { html: '<span class="muted">—</span>', sort: '' } : { html: esc(formatDuration(j.billableSeconds)), sort: j.billableSeconds }),
    },
  ];
  if (pricePerHour !== undefined) {
    cols.push({
      title: 'cost',
      numeric: true,
      cell: (j) => {
        if (j.billableSeconds === undefined) return { html: '<span class="muted">—</span>', sort: '' };
        const usd = costOf(j.billableSeconds, pricePerHour);
        return { html: esc(formatUsd(usd)), sort: usd };
      },
    });
  }
  cols.push(
    { title: 'warm pool', cell: (j) => ({ html: j.warmPoolStatus === undefined ? '<span class="muted">—</span>' : esc(j.warmPoolStatus), sort: j.warmPoolStatus ?? '' }) },
    { title: 'failure reason', cell: (j) => ({ html: j.failureReason === undefined ? '' : `<span class="failure">${esc(j.failureReason)}</span>`, sort: j.failureReason ?? '' }) },
  );
  return cols;
}

/** The training jobs section: a sortable, paged table with one row per job. */
export function jobsSection(data: ReportData, pricePerHour: number | undefined, bestJob: string | undefined): string {
  const lead = `${plural(data.jobs.length, 'training job')}; each trial runs one job per rung it reaches, resuming from its checkpoint. Click a column header to sort.`;
  if (data.jobs.length === 0) {
    return section('jobs', 'Training jobs', lead, '<div class="placeholder" data-chart-empty="jobs"><span>No training job has been started yet.</span></div>');
  }
  const table = dataTable(columns(data, pricePerHour, bestJob), orderJobs(data.jobs), {
    id: 'jobs',
    rowClass: 'job-row',
    rowAttributes: (job) => ` data-job="${esc(job.jobName)}"`,
    noun: 'job',
  });
  return section('jobs', 'Training jobs', lead, table);
}
