import { renderReport } from '../../cli/report/render';
import { progress, isGeometric } from '../../cli/report/model';
import { formatValue, linearScale, logScale, niceDomain, niceTicks } from '../../cli/report/scales';
import { esc } from '../../cli/report/svg';
import { hyperparameterImportance, MIN_TRIALS } from '../../cli/report/importance';
import { rankTrials } from '../../cli/render';
import { ashaLossRun, emptyRun, syncHyperbandRun, XSS_REASON, type RunFixture } from '../fixtures/report/runs';

const GENERATED_AT = new Date('2025-05-04T12:00:00Z');

/** The markup of the chart `<svg data-chart="id">`, or undefined. */
function chart(html: string, id: string): string | undefined {
  const match = new RegExp(`<svg[^>]*data-chart="${id}"[^>]*>[\\s\\S]*?</svg>`).exec(html);
  return match?.[0];
}

/** The document without its script (whose code mentions isNaN). */
const markup = (html: string): string => html.replace(/<script>[\s\S]*?<\/script>/g, '');

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

const points = (svg: string): number => count(svg, /<circle class="point[ "]/g);
const lines = (svg: string): number => count(svg, /<path class="line[ "]/g);

/** The y coordinates of the best-so-far step line, in drawing order. */
function bestLineYs(svg: string): number[] {
  const d = /<path class="line best-line" d="([^"]+)"/.exec(svg)?.[1];
  if (d === undefined) throw new Error('no best-so-far line');
  return [...d.matchAll(/[ML]([-\d.]+) ([-\d.]+)/g)].map((m) => Number(m[2]));
}

const VOID = new Set(['meta', 'br', 'img', 'input', 'link', 'hr', 'col', 'wbr', 'area', 'base', 'source']);

/** Checks that tags nest properly (script and style bodies skipped); returns the first problem. */
function nestingProblem(html: string): string | undefined {
  const text = html.replace(/<(script|style)>[\s\S]*?<\/\1>/g, '').replace(/<!DOCTYPE html>/i, '');
  const stack: string[] = [];
  for (const m of text.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*?)(\/?)>/g)) {
    const [, closing, rawName, , selfClosing] = m;
    const name = rawName.toLowerCase();
    if (selfClosing === '/' || (closing === '' && VOID.has(name))) continue;
    if (closing === '') stack.push(name);
    else if (stack.pop() !== name) return `unexpected </${name}> at ${m.index}`;
  }
  if (/<(?![!/a-zA-Z])/.test(text)) return 'a bare < in text';
  return stack.length === 0 ? undefined : `unclosed <${stack.join('>, <')}>`;
}

function render(fixture: RunFixture, pricePerHour?: number): string {
  return renderReport(fixture, { generatedAt: GENERATED_AT, ...(pricePerHour === undefined ? {} : { pricePerHour }) });
}

describe('renderReport: synchronous Hyperband, 13 jobs (Maximize)', () => {
  const fixture = syncHyperbandRun();
  const html = render(fixture, 0.736);

  it('is a complete, well-nested HTML document with every section', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(nestingProblem(html)).toBeUndefined();
    for (const heading of ['Leaderboard', 'Best objective so far', 'Learning curves', 'Hyperparameters', 'Parallel coordinates', 'Hyperparameter importance', 'Training jobs', 'Best trial']) {
      expect(html).toContain(`<h2>${heading}</h2>`);
    }
    expect(markup(html)).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('is self-contained: no URL, no external resource, a CSP that forbids loading anything', () => {
    expect(html).not.toMatch(/https?:\/\//i);
    expect(html).not.toMatch(/<[a-z]+(\s+[a-z-]+="[^"]*")*\s+(src|href)=/i);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html).toContain("default-src &#39;none&#39;");
    expect(count(html, /<script>/g)).toBe(1);
  });

  it('escapes user data: the failure reason with markup comes out as text', () => {
    expect(html).not.toContain('<script>window.__pwned');
    expect(html).not.toContain('<img');
    expect(html).toContain(esc(XSS_REASON));
    expect(html).toContain('&#60;script&#62;window.__pwned = 1&#60;/script&#62;');
  });

  it('shows the header: status, reason, settings, counters, cost, best trial', () => {
    expect(html).toContain('<h1>cifar-hb</h1>');
    expect(html).toContain('status-Completed">Completed</span>');
    expect(html).toContain('all 13 training jobs of the budget finished');
    expect(html).toContain('Hyperband (Synchronous)');
    expect(html).toMatch(/1 → 9 <code>epochs<\/code>/);
    expect(html).toContain('<div class="stat-value">13</div><div class="stat-label">jobs started</div>');
    expect(html).toContain('<div class="stat-value">12</div><div class="stat-label">completed</div>');
    expect(html).toContain('<div class="stat-value">1</div><div class="stat-label">failed</div>');
    const billable = fixture.run.counters.billableSeconds;
    expect(html).toContain(`$${((billable / 3600) * 0.736).toFixed(2)}`);
    expect(html).toContain('<span class="big">0.925</span>');
    expect(html).toContain('hpo-cifar-hb-8-9');
    expect(html).toContain('generated 2025-05-04 12:00:00 UTC');
  });

  it('plots one point per job with an objective and one best-so-far line, against time and resource', () => {
    for (const id of ['best-vs-time', 'best-vs-resource']) {
      const svg = chart(html, id)!;
      expect(svg).toBeDefined();
      expect(points(svg)).toBe(12);
      expect(lines(svg)).toBe(1);
      expect(count(svg, /class="failure-mark"/g)).toBe(1);
      expect(svg).toContain('class="axis-label x-label"');
    }
    expect(chart(html, 'best-vs-resource')).toContain('epochs trained, all jobs (cumulative)');
  });

  it('keeps the best so far monotone (higher is better: the line never goes down)', () => {
    const bests = progress(fixture).map((p) => p.best).filter((b): b is number => b !== null);
    expect(bests).toHaveLength(13); // the failed job carries the best so far
    for (let k = 1; k < bests.length; k++) expect(bests[k]).toBeGreaterThanOrEqual(bests[k - 1]);
    expect(bests[bests.length - 1]).toBe(0.925);
    const ys = bestLineYs(chart(html, 'best-vs-time')!);
    for (let k = 1; k < ys.length; k++) expect(ys[k]).toBeLessThanOrEqual(ys[k - 1]); // SVG y grows downwards
  });

  it('counts the resource each job trained (milestone - fromMilestone), cumulatively', () => {
    const last = progress(fixture).at(-1)!;
    expect(last.cumulativeResource).toBe(9 * 1 + 3 * 2 + 1 * 6);
  });

  it('draws learning curves on a log axis: one point per result, one line per promoted trial', () => {
    const svg = chart(html, 'learning-curves')!;
    expect(svg).toContain('data-x-scale="log"');
    expect(points(svg)).toBe(5 * 1 + 2 * 2 + 3);
    expect(lines(svg)).toBe(3);
    expect(count(svg, /<path class="line curve-best"/g)).toBe(1);
    expect(count(svg, /<path class="line curve-promoted"/g)).toBe(2);
    expect(isGeometric([1, 3, 9])).toBe(true);
    expect(isGeometric([10, 12])).toBe(false);
  });

  it('draws one scatter per tunable hyperparameter, log x for the log-scaled one', () => {
    const lr = chart(html, 'hp-lr')!;
    const layers = chart(html, 'hp-layers')!;
    const optimizer = chart(html, 'hp-optimizer')!;
    expect(lr).toContain('data-x-scale="log"');
    expect(lr).toContain('lr (log scale)');
    expect(layers).toContain('data-x-scale="linear"');
    expect(optimizer).toContain('data-x-scale="band"');
    for (const svg of [lr, layers, optimizer]) expect(points(svg)).toBe(8); // trial 4 failed: no result
    expect(count(lr, /class="point [^"]*\bbest\b/g)).toBe(1);
    // Integer parameters get whole-number ticks only.
    const ticks = [...layers.matchAll(/<g class="axis x-axis">([\s\S]*?)<\/g>/g)][0][1];
    expect([...ticks.matchAll(/>([^<]+)<\/text>/g)].map((m) => m[1])).toEqual(['1', '2', '3', '4']);
  });

  it('lists every job in the table, with rung, cost and warm pool', () => {
    expect(count(html, /<tr class="job-row"/g)).toBe(13);
    expect(html).toMatch(/<th scope="col" data-col="6" class="num">cost<\/th>/);
    expect(html).toContain('3 → 9');
    expect(html).toContain('Terminated');
  });

  it('is pure: the same records and options give the same text', () => {
    expect(render(syncHyperbandRun(), 0.736)).toBe(html);
  });

  it('leaves the cost out without a price and refuses a negative one', () => {
    const plain = render(fixture);
    expect(plain).not.toContain('cost estimate');
    expect(plain).not.toContain('>cost</th>');
    expect(() => render(fixture, -1)).toThrow(RangeError);
  });
});

describe('renderReport: Minimize, objectives below zero', () => {
  const html = render(syncHyperbandRun({ objectiveType: 'Minimize' }));

  it('treats lower as better: best is the lowest loss, the best-so-far line only goes down', () => {
    expect(html).toContain('Minimize validation:loss (lower is better)');
    expect(html).toContain('<span class="big">-0.1875</span>');
    const svg = chart(html, 'best-vs-time')!;
    const ys = bestLineYs(svg);
    for (let k = 1; k < ys.length; k++) expect(ys[k]).toBeGreaterThanOrEqual(ys[k - 1]);
    expect(svg).toContain('>-0.2</text>');
    expect(points(chart(html, 'learning-curves')!)).toBe(12);
    expect(nestingProblem(html)).toBeUndefined();
  });
});

describe('renderReport: edge cases', () => {
  it('renders placeholders for a run with no finished job', () => {
    const html = render(emptyRun());
    expect(html).not.toContain('data-chart="');
    for (const id of ['best-vs-time', 'best-vs-resource', 'learning-curves', 'hyperparameters']) {
      expect(html).toContain(`data-chart-empty="${id}"`);
    }
    expect(html).toContain('No training job has reported an objective yet');
    expect(html).toContain('No training job has reported accuracy yet.');
    expect(count(html, /<tr class="job-row"/g)).toBe(3);
    expect(html).toContain('status-Running">Running</span>');
    expect(nestingProblem(html)).toBeUndefined();
    expect(markup(html)).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('renders a run with no job at all', () => {
    const html = render({ ...emptyRun(), trials: [], jobs: [] });
    expect(html).toContain('No training job has been started yet.');
    expect(nestingProblem(html)).toBeUndefined();
  });

  it('plots a single result with a sensible (non-degenerate) axis', () => {
    const full = syncHyperbandRun();
    const job = full.jobs[0];
    const trial = full.trials[0];
    const html = render({ run: { ...full.run, best: undefined }, trials: [trial], jobs: [job] });
    for (const id of ['best-vs-time', 'best-vs-resource', 'learning-curves', 'hp-lr', 'hp-layers', 'hp-optimizer']) {
      expect(points(chart(html, id)!)).toBe(1);
    }
    expect(chart(html, 'learning-curves')).toContain('data-x-scale="linear"');
    expect(markup(html)).not.toMatch(/NaN|Infinity/);
    // Without a recorded best, the best job is derived from the jobs.
    expect(html).toContain('<span class="big">0.712</span>');
  });

  it('escapes names and hyperparameter values everywhere', () => {
    const full = syncHyperbandRun();
    const evil = '"><svg onload=alert(1)>';
    const trials = full.trials.map((t) => ({ ...t, config: { ...t.config, optimizer: evil }, hyperParameters: { ...t.hyperParameters, optimizer: evil } }));
    const run = { ...full.run, runId: 'x<b>y', statusReason: '<i>done</i>', best: { ...full.run.best!, hyperParameters: { note: evil } } };
    const html = renderReport({ run, trials, jobs: full.jobs }, { generatedAt: GENERATED_AT, title: '<title>t' });
    expect(html).not.toContain('<svg onload');
    expect(html).not.toContain('<b>y');
    expect(html).not.toContain('<i>done');
    expect(html).toContain('&#60;title&#62;t');
    expect(nestingProblem(html)).toBeUndefined();
  });
});

describe('renderReport: the leaderboard, as hpo results ranks it', () => {
  const fixture = syncHyperbandRun();
  const html = render(fixture);

  it('lists every trial in the leaderboard order with the same status names, resource named after its hyperparameter', () => {
    const rows = [...html.matchAll(/<tr class="trial-row" data-trial="(\d+)">([\s\S]*?)<\/tr>/g)];
    const ranked = rankTrials(fixture.run, fixture.trials, fixture.jobs);
    expect(rows.map((m) => Number(m[1]))).toEqual(ranked.map((r) => r.trial.trialId));
    expect(rows.map((m) => /class="badge trial-[^"]+"[^>]*>([^<]+)</.exec(m[2])?.[1])).toEqual(ranked.map((r) => r.status));
    expect(rows[0][1]).toBe('8');
    expect(new Set(ranked.map((r) => r.status))).toEqual(new Set(['completed', 'not promoted', 'failed']));
    expect(html).toMatch(/<table class="data" data-table="leaderboard"><thead><tr><th scope="col" data-col="0" class="num">rank<\/th><th scope="col" data-col="1" class="num">trial<\/th><th scope="col" data-col="2" class="num">accuracy<\/th><th scope="col" data-col="3" class="num">epochs<\/th><th scope="col" data-col="4">status<\/th>/);
    expect(html).toContain('9 trials, ranked by the epochs reached, then accuracy (higher first)');
    expect(html).toContain('<b>not promoted</b>: finished its rung but did not rank in the top 1/eta of it');
  });

  it('names the resource the same in the job table (no "milestone", no "rung (...)")', () => {
    expect(html).toMatch(/<th scope="col" data-col="2" class="num">epochs<\/th><th scope="col" data-col="3">status<\/th>/);
    expect(markup(html)).not.toMatch(/milestone<|rung \(/);
  });

  it('says when the best single job is not the leaderboard\'s first', () => {
    // Prepare: the recorded best job is trial 3's at 3 epochs (a lucky low-rung result)
    const lucky = { ...fixture.run, best: { ...fixture.run.best!, trialId: 3, milestone: 3, jobName: 'hpo-cifar-hb-3-3', objective: 0.95 } };
    const text = render({ ...fixture, run: lucky });
    expect(text).toContain("the best single job (AMT&#39;s BestTrainingJob) is trial 3&#39;s at epochs 3 (accuracy 0.95), ranked 2");
    expect(text).toContain('<span class="big">0.925</span>'); // the best trial stays the leaderboard's first
  });

  it('says a finished run without a result has none, instead of "yet"', () => {
    const empty = emptyRun();
    const ended = render({ ...empty, run: { ...empty.run, status: 'Completed' }, jobs: empty.jobs.map((j) => ({ ...j, status: 'Failed' as const })) });
    expect(ended).toContain('None: the run ended without any training job reporting accuracy.');
  });

  it('pages only long tables: the pager is hidden until script shows it', () => {
    expect(markup(html)).not.toContain('data-pager=');
    const long = render(ashaLossRun());
    expect(long).toContain('<table class="data" data-table="jobs" data-page-size="25">');
    expect(long).toContain('<table class="data" data-table="leaderboard" data-page-size="25">');
    expect(long).toMatch(/<div class="pager" data-pager="jobs" data-noun="job" hidden>/);
    expect(count(long, /<tr class="job-row"/g)).toBe(57);
  });
});

describe('renderReport: an objective that spans decades', () => {
  const fixture = ashaLossRun();
  const html = render(fixture);

  it('puts every objective axis on a log scale and says so; a narrow objective stays linear', () => {
    for (const id of ['best-vs-time', 'best-vs-resource', 'learning-curves', 'hp-lr', 'hp-layers', 'hp-optimizer']) {
      expect(chart(html, id)).toContain('data-y-scale="log"');
    }
    expect(html).toContain('The objective spans more than a decade, so its axis is logarithmic.');
    expect(chart(render(syncHyperbandRun()), 'best-vs-time')).toContain('data-y-scale="linear"');
    expect(markup(html)).not.toMatch(/NaN|Infinity|undefined/);
    expect(nestingProblem(html)).toBeUndefined();
  });

  it('draws parallel coordinates with one line per trial with a result, the best on top', () => {
    const svg = chart(html, 'parallel-coordinates')!;
    expect(count(svg, /<path class="line pc-line/g)).toBe(39);
    expect(count(svg, /pc-best/g)).toBe(1);
    expect(svg.lastIndexOf('pc-best')).toBeGreaterThan(svg.lastIndexOf('pc-q0'));
    expect(count(svg, /data-axis="/g)).toBe(5);
  });
});

describe('hyperparameter importance (permutation importance of a random forest)', () => {
  it('finds what the fixture\'s loss depends on: lr most, then the epochs, layers a little, optimizer not at all', () => {
    const result = hyperparameterImportance(ashaLossRun());
    if (result.kind !== 'estimated') throw new Error(result.reason);
    expect(result.features.map((f) => f.name)).toEqual(['lr', 'epochs', 'layers', 'optimizer']);
    expect(result.features[0].share).toBeGreaterThan(0.5);
    expect(result.features[3].share).toBeLessThan(0.05);
    expect(result.features.reduce((s, f) => s + f.share, 0)).toBeCloseTo(1);
    expect(result.oobR2).toBeGreaterThan(0.5);
    expect(result).toMatchObject({ samples: 56, trials: 39, logTarget: true });
  });

  it('is deterministic (seeded by the run), and needs enough trials', () => {
    expect(hyperparameterImportance(ashaLossRun())).toEqual(hyperparameterImportance(ashaLossRun()));
    const few = syncHyperbandRun();
    const result = hyperparameterImportance({ ...few, trials: few.trials.slice(0, 5) });
    expect(result).toEqual({ kind: 'not-enough', reason: `4 trials have a result; an importance estimate needs at least ${MIN_TRIALS}.` });
    expect(render({ ...few, trials: few.trials.slice(0, 5) })).toContain('data-chart-empty="importance"');
  });
});

describe('report scales', () => {
  it('picks nice ticks and domains', () => {
    expect(niceDomain(0.381, 0.925)).toEqual([0.3, 1]);
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-0.2, 0.8, 5)).toEqual([-0.2, 0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceDomain(5, 5)).toEqual([4.4, 5.6]);
    expect(niceDomain(0, 0)).toEqual([-1, 1]);
    expect(linearScale([0, 40], [0, 100], 4).ticks).toEqual([0, 10, 20, 30, 40]);
  });

  it('puts log ticks on decades, or on given rungs', () => {
    expect(logScale([0.0001, 1], [0, 100]).ticks).toEqual([0.0001, 0.001, 0.01, 0.1, 1]);
    expect(logScale([1, 9], [0, 100], [1, 3, 9]).ticks).toEqual([1, 3, 9]);
    const s = logScale([1, 100], [0, 100]);
    expect(s.map(10)).toBeCloseTo(50);
  });

  it('formats values compactly', () => {
    expect(formatValue(0.92512345)).toBe('0.9251');
    expect(formatValue(-0.1875)).toBe('-0.1875');
    expect(formatValue(12345)).toBe('12,345');
    expect(formatValue(1.5e-7)).toBe('1.5e-7');
  });
});
