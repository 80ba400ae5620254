/**
 * The report in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) opens the fixture reports from files and checks that every chart rendered,
 * that the tables page, sort and print in full, that nothing was fetched and nothing logged an
 * error. Saves test-output/report.png and test-output/report-asha.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReport } from '../../cli/report/render';
import { ashaLossRun, syncHyperbandRun, type RunFixture } from '../fixtures/report/runs';
import { describeUnless } from '../helpers/skip';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(__dirname, '..', '..', 'test-output', 'report.png');
const SCREENSHOT_ASHA = resolve(__dirname, '..', '..', 'test-output', 'report-asha.png');
const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The little of the DOM the page functions use (the project compiles without the DOM library). */
interface Box {
  readonly width: number;
  readonly height: number;
}
interface Graphics {
  getBBox(): Box;
}
interface Rect {
  getBoundingClientRect(): { readonly top: number; readonly bottom: number; readonly width: number; readonly height: number };
}
interface Text {
  readonly textContent: string | null;
}

const NO_CHROMIUM = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install chromium; CI installs it)`;

/** Points per chart in the fixture report (see report-render.test.ts for how they add up). */
const EXPECTED_POINTS: Readonly<Record<string, number>> = {
  'best-vs-time': 12,
  'best-vs-resource': 12,
  'learning-curves': 12,
  'hp-layers': 8,
  'hp-lr': 8,
  'hp-optimizer': 8,
  'parallel-coordinates': 0,
  importance: 0,
};

describeUnless(NO_CHROMIUM, 'report in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const requests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    // Prepare: the fixture report in a temporary file, a browser that may not reach anything.
    dir = mkdtempSync(join(tmpdir(), 'hpo-report-'));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderReport(syncHyperbandRun(), { generatedAt: new Date('2025-05-04T12:00:00Z'), pricePerHour: 0.736 }));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.route('**', (route) => {
      const url = route.request().url();
      // The document itself is the only file the page may load.
      if (url === pathToFileURL(file).href) return route.continue();
      requests.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => requests.push(`failed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('renders every chart with a non-zero size', async () => {
    const boxes = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const r = svg.getBoundingClientRect();
        return { id: svg.getAttribute('data-chart'), width: r.width, height: r.height };
      }),
    );
    expect(boxes.map((b) => b.id).sort()).toEqual(Object.keys(EXPECTED_POINTS).sort());
    for (const b of boxes) {
      expect(b.width).toBeGreaterThan(200);
      expect(b.height).toBeGreaterThan(100);
    }
  });

  it('draws every data point (non-zero bounding box), as many as the data has', async () => {
    const drawn = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const points = Array.from(svg.querySelectorAll('.point')) as unknown as Graphics[];
        const visible = points.filter((p) => {
          const b = p.getBBox();
          return b.width > 0 && b.height > 0;
        });
        const lines = (Array.from(svg.querySelectorAll('.line')) as unknown as Graphics[]).filter((l) => {
          const b = l.getBBox();
          return b.width > 0 || b.height > 0;
        });
        return { id: svg.getAttribute('data-chart') ?? '', visible: visible.length, lines: lines.length };
      }),
    );
    for (const d of drawn) expect({ id: d.id, points: d.visible }).toEqual({ id: d.id, points: EXPECTED_POINTS[d.id] });
    const lines = Object.fromEntries(drawn.map((d) => [d.id, d.lines]));
    expect(lines['best-vs-time']).toBe(1);
    expect(lines['learning-curves']).toBe(3);
  });

  it('labels the axes of every chart', async () => {
    const labels = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => ({
        axisLabels: (Array.from(svg.querySelectorAll('.axis-label')) as unknown as Text[]).map((t) => t.textContent ?? ''),
        tickLabels: svg.querySelectorAll('.tick-label').length,
      })),
    );
    for (const l of labels) {
      expect(l.axisLabels.length).toBeGreaterThanOrEqual(2); // parallel coordinates: one per axis
      for (const text of l.axisLabels) expect(text.length).toBeGreaterThan(0);
      expect(l.tickLabels).toBeGreaterThanOrEqual(4);
    }
  });

  it('shows the failure reason as text, runs no injected script, and sorts the table', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.failure').first().textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await page.locator('tr.job-row').count()).toBe(13);
    expect(await page.locator('[data-pager]').count()).toBe(0); // 13 rows fit one page
    await page.locator('#jobs th[data-col="4"]').click(); // the objective column, ascending
    const first = await page.locator('tr.job-row').first().getAttribute('data-job');
    expect(first).toBe('hpo-cifar-hb-1-1'); // lowest accuracy (0.381)
  });

  it('loads nothing from the network and logs no error; saves a screenshot', async () => {
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(`report screenshot: ${SCREENSHOT}`);
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });
});

/** A fixture's report, opened in its own page that may load nothing but itself. */
async function openReport(browser: Browser, fixture: RunFixture, dir: string, name: string, problems: string[], requests: string[]): Promise<Page> {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, renderReport(fixture, { generatedAt: new Date('2025-05-04T12:00:00Z') }));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route('**', (route) => {
    const url = route.request().url();
    if (url === pathToFileURL(file).href) return route.continue();
    requests.push(url);
    return route.abort();
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return page;
}

/** How many rows of a table are displayed (have a box). */
async function shownRows(page: Page, table: string): Promise<number> {
  return page.$$eval(`table[data-table="${table}"] tbody tr`, (rows) => rows.filter((r) => r.getBoundingClientRect().height > 0).length);
}

describeUnless(NO_CHROMIUM, 'report in headless Chromium: a long run whose loss spans decades (ASHA, 40 trials, 57 jobs)', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;
  const requests: string[] = [];
  const problems: string[] = [];
  const fixture = ashaLossRun();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hpo-report-asha-'));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    page = await openReport(browser, fixture, dir, 'asha', problems, requests);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts the objective on a log axis, with decade ticks, every point inside the plot', async () => {
    for (const id of ['best-vs-time', 'best-vs-resource', 'learning-curves', 'hp-lr']) {
      const chart = page.locator(`svg[data-chart="${id}"]`);
      expect(await chart.getAttribute('data-y-scale')).toBe('log');
      const ticks = await chart.locator('.y-axis .tick-label').allTextContents();
      expect(ticks).toEqual(expect.arrayContaining(['0.01', '0.1', '1', '10']));
      expect(await chart.locator('.y-label').textContent()).toBe('validation:loss (log scale)');
      const inside = await chart.evaluate((svg) => {
        const plot = (svg.querySelector('.plot-bg') as unknown as Rect).getBoundingClientRect();
        return (Array.from(svg.querySelectorAll('.point')) as unknown as Rect[]).map((p) => {
          const b = p.getBoundingClientRect();
          return b.width > 0 && b.top + b.height / 2 >= plot.top - 1 && b.top + b.height / 2 <= plot.bottom + 1;
        });
      });
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.every(Boolean)).toBe(true);
    }
  });

  it('pages the leaderboard and the job table: 25 rows, next, show all', async () => {
    expect(await page.locator('tr.trial-row').count()).toBe(40);
    expect(await shownRows(page, 'leaderboard')).toBe(25);
    const pager = page.locator('[data-pager="leaderboard"]');
    expect(await pager.isVisible()).toBe(true);
    expect(await pager.locator('.pager-status').textContent()).toBe('trials 1\u201325 of 40');
    await pager.locator('[data-go="next"]').click();
    expect(await shownRows(page, 'leaderboard')).toBe(15);
    expect(await pager.locator('.pager-status').textContent()).toBe('trials 26\u201340 of 40');
    expect(await pager.locator('[data-go="next"]').isDisabled()).toBe(true);
    await pager.locator('[data-go="all"]').click();
    expect(await shownRows(page, 'leaderboard')).toBe(40);
    // The job table: 57 jobs, sorted by the loss column resets to the first page, best first.
    expect(await page.locator('tr.job-row').count()).toBe(57);
    expect(await shownRows(page, 'jobs')).toBe(25);
    await page.locator('[data-pager="jobs"] [data-go="next"]').click();
    await page.locator('#jobs th', { hasText: 'validation:loss' }).click();
    expect(await page.locator('[data-pager="jobs"] .pager-status').textContent()).toBe('jobs 1\u201325 of 57');
    expect(await page.locator('tr.job-row').first().getAttribute('data-job')).toBe(fixture.run.best!.jobName);
  });

  it('ranks the leaderboard as hpo results does and names statuses in words', async () => {
    const first = page.locator('tr.trial-row').first();
    expect(await first.getAttribute('data-trial')).toBe(String(fixture.run.best!.trialId));
    const statuses = await page.locator('tr.trial-row .badge').allTextContents();
    expect(new Set(statuses)).toEqual(new Set(['completed', 'not promoted', 'failed']));
    expect(statuses.at(-1)).toBe('failed'); // no result: last
  });

  it('prints every row of both tables, without the pager buttons', async () => {
    // Prepare: the leaderboard back to pages (its second page, as left by the test above)
    await page.locator('[data-pager="leaderboard"] [data-go="all"]').click();
    expect(await shownRows(page, 'leaderboard')).toBe(15);
    await page.emulateMedia({ media: 'print' });
    try {
      expect(await shownRows(page, 'leaderboard')).toBe(40);
      expect(await shownRows(page, 'jobs')).toBe(57);
      expect(await page.locator('[data-pager="jobs"]').isVisible()).toBe(false);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    } finally {
      await page.emulateMedia({ media: 'screen' });
    }
    expect(await shownRows(page, 'leaderboard')).toBe(15);
  });

  it('draws parallel coordinates: one line per trial with a result, one axis per dimension, the best on top', async () => {
    const chart = page.locator('svg[data-chart="parallel-coordinates"]');
    const axes = await chart.locator('[data-axis]').evaluateAll((gs) => gs.map((g) => g.getAttribute('data-axis')));
    expect(axes).toEqual(['layers', 'lr (log)', 'optimizer', 'epochs reached', 'validation:loss (log)']);
    const lines = await chart.locator('.pc-line').evaluateAll((ls) => ls.map((l) => (l as unknown as Graphics).getBBox()).filter((b) => b.width > 0).length);
    expect(lines).toBe(39); // trial 17 failed: no result
    const best = chart.locator('.pc-best');
    expect(await best.count()).toBe(1);
    expect(await best.locator('title').textContent()).toMatch(new RegExp(`^trial ${fixture.run.best!.trialId} \\(rank 1\\)`));
  });

  it('shows hyperparameter importance: a bar per feature, lr first, the method named', async () => {
    const bars = await page.locator('svg[data-chart="importance"] .bar').evaluateAll((rs) =>
      rs.map((r) => ({ feature: r.getAttribute('data-feature'), width: r.getBoundingClientRect().width })),
    );
    expect(bars.map((b) => b.feature)).toEqual(['lr', 'epochs', 'layers', 'optimizer']);
    expect(bars[0].width).toBeGreaterThan(bars[1].width);
    expect(bars[1].width).toBeGreaterThan(bars[2].width);
    const method = await page.locator('[data-method="permutation-importance"]').textContent();
    expect(method).toContain('permutation importance (Breiman 2001) on a random forest of 100 regression trees');
    expect(method).toMatch(/explains \d+% of the variance/);
  });

  it('loads nothing from the network and logs no error; saves a screenshot', async () => {
    mkdirSync(resolve(SCREENSHOT_ASHA, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT_ASHA, fullPage: true });
    console.log(`report screenshot: ${SCREENSHOT_ASHA}`);
    expect(requests).toEqual([]);
    expect(problems).toEqual([]);
  });
});
