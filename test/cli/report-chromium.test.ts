/**
 * The report in a real browser: headless Chromium (Debian's /usr/bin/chromium, driven by
 * playwright-core) opens the fixture report from a file and checks that every chart rendered,
 * that nothing was fetched and nothing logged an error. Saves test-output/report.png.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReport } from '../../cli/report/render';
import { syncHyperbandRun } from '../fixtures/report/runs';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = resolve(__dirname, '..', '..', 'test-output', 'report.png');

/** The little of the DOM the page functions use (the project compiles without the DOM library). */
interface Box {
  readonly width: number;
  readonly height: number;
}
interface Graphics {
  getBBox(): Box;
}
interface Text {
  readonly textContent: string | null;
}

const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(`report-chromium: skipped, ${CHROMIUM} is not installed (apt-get install chromium); CI installs it`);
}

/** Points per chart in the fixture report (see report-render.test.ts for how they add up). */
const EXPECTED_POINTS: Readonly<Record<string, number>> = {
  'best-vs-time': 12,
  'best-vs-resource': 12,
  'learning-curves': 12,
  'hp-layers': 8,
  'hp-lr': 8,
  'hp-optimizer': 8,
};

describeWithChromium('report in headless Chromium', () => {
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
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
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
      expect(l.axisLabels).toHaveLength(2);
      for (const text of l.axisLabels) expect(text.length).toBeGreaterThan(0);
      expect(l.tickLabels).toBeGreaterThanOrEqual(4);
    }
  });

  it('shows the failure reason as text, runs no injected script, and sorts the table', async () => {
    expect(await page.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(await page.locator('.failure').first().textContent()).toContain('<script>window.__pwned = 1</script>');
    expect(await page.locator('tr.job-row').count()).toBe(13);
    await page.locator('th[data-col="4"]').click(); // the objective column, ascending
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
