/**
 * The run page in a real browser: Debian's chromium, headless, driven over the DevTools protocol. It must load
 * from file:// without console errors, exceptions or requests for anything but itself, show one table row per
 * scenario and the given plots, fit 1280 px, and keep hostile text inert. Saves a screenshot of the whole page
 * to reports/html-summary-test/screenshot.png (with the page beside it) for people to look at.
 * Skips only when chromium is not installed (CI installs it: lab/install-packages.sh).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunSummary, ScenarioSummary } from '../../model/summary';
import { CHROMIUM_PATH, HeadlessChromium, openPage } from './headless-chromium';
import { writeRunPage } from './write-run-page';

const FIXTURES = join(__dirname, 'fixtures');
const SCREENSHOT_DIR = resolve(__dirname, '..', '..', '..', 'reports', 'html-summary-test');
const WIDTH = 1280;
const HOSTILE_NAME = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"> & "quotes"';

const skip = existsSync(CHROMIUM_PATH)
  ? false
  : `chromium is not installed at ${CHROMIUM_PATH}: apt-get install -y --no-install-recommends chromium (lab/install-packages.sh does)`;

describe('run page in headless chromium', { skip, timeout: 120_000 }, () => {
  let workDir = '';
  let browser: HeadlessChromium | undefined;

  before(async () => {
    workDir = mkdtempSync(join(tmpdir(), 'scs-chaos-html-browser-'));
    browser = await HeadlessChromium.launch();
  });

  after(async () => {
    await browser?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** A copy of the sample run (changed by `edit`), its page written with the baseline run; returns the page's file URL. */
  function writePage(name: string, edit?: (summary: RunSummary) => void): string {
    const runDir = join(workDir, name);
    cpSync(join(FIXTURES, 'sample-run'), runDir, { recursive: true });
    if (edit) {
      const file = join(runDir, 'summary.json');
      const summary = JSON.parse(readFileSync(file, 'utf8')) as RunSummary;
      edit(summary);
      writeFileSync(file, JSON.stringify(summary));
    }
    return pathToFileURL(writeRunPage(runDir, join(FIXTURES, 'baseline-run'))).href;
  }

  it('renders the sample run without errors, one row per scenario, its plot, within 1280 px; saves a screenshot', async () => {
    const url = writePage('sample');
    const page = await openPage(browser as HeadlessChromium, url, WIDTH);
    assert.deepEqual(page.consoleErrors, [], 'no console errors');
    assert.deepEqual(page.exceptions, [], 'no exceptions');
    assert.deepEqual(page.requests, [url], 'the page loads nothing but itself');

    assert.equal(await page.evaluate('document.querySelectorAll("table.scenarios > tbody > tr").length'), 3);
    const names = await page.evaluate<string[]>('[...document.querySelectorAll("table.scenarios > tbody > tr > td:first-child")].map((td) => td.textContent)');
    assert.deepEqual(names, [
      'web stays available while one node is cut off from the network',
      'a sub-microsecond p99 latency is demanded while a node is isolated',
      'isolating a node takes its backend below the floor and the run halts within a second',
    ]);
    const plots = await page.evaluate<{ width: number; height: number }[]>(
      '[...document.querySelectorAll("figure.plot > svg")].map((svg) => { const r = svg.getBoundingClientRect(); return { width: r.width, height: r.height }; })',
    );
    assert.equal(plots.length, 1, 'one plot (the fixture has one timeline.svg)');
    assert.ok((plots[0] as { width: number }).width > 800 && (plots[0] as { height: number }).height > 100, `plot drawn at a readable size: ${JSON.stringify(plots)}`);
    assert.equal(await page.evaluate('document.querySelectorAll("p.no-plot").length'), 2);
    assert.equal(await page.evaluate('document.querySelectorAll(".delta.faster").length'), 4, 'two faster deltas, each in the table and the section');
    assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= WIDTH, 'no horizontal scrolling at 1280 px');

    const png = await page.screenshotPng();
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.equal(png.readUInt32BE(16), WIDTH, 'screenshot is 1280 px wide');
    assert.ok(png.readUInt32BE(20) > 1500, 'screenshot covers the whole page, not only the window');
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    writeFileSync(join(SCREENSHOT_DIR, 'screenshot.png'), png);
    cpSync(new URL(url), join(SCREENSHOT_DIR, 'index.html'));
  });

  it('keeps a hostile scenario name as text: no script runs, no element is created', async () => {
    const url = writePage('hostile', (summary) => {
      const copy = JSON.parse(JSON.stringify(summary.scenarios[1])) as ScenarioSummary;
      Object.assign(copy, { id: 'features/lab/hostile.feature:3', name: HOSTILE_NAME, reason: HOSTILE_NAME, tags: [HOSTILE_NAME] });
      summary.scenarios.push(copy);
    });
    const page = await openPage(browser as HeadlessChromium, url, WIDTH);
    assert.deepEqual([...page.consoleErrors, ...page.exceptions], []);
    assert.deepEqual(page.requests, [url], 'the img of the name was never requested');
    assert.equal(await page.evaluate('document.querySelectorAll("table.scenarios > tbody > tr").length'), 4);
    assert.equal(await page.evaluate('document.scripts.length'), 0, 'no script element');
    assert.equal(await page.evaluate('document.images.length'), 0, 'no img element');
    assert.equal(await page.evaluate('String(window.__pwned)'), 'undefined');
    assert.equal(await page.evaluate('document.querySelector("table.scenarios > tbody > tr:last-child > td:first-child").textContent'), HOSTILE_NAME);
    assert.equal(await page.evaluate('document.querySelector("#scenario-lab-hostile-3 h2").textContent'), `failed${HOSTILE_NAME}`);
  });
});

describe('HeadlessChromium start-up failures', () => {
  it('rejects at once, naming the problem, when the browser cannot start or exits before answering', async () => {
    const started = Date.now();
    await assert.rejects(HeadlessChromium.launch('/nonexistent/chromium'), /cannot start \/nonexistent\/chromium: .*ENOENT/);
    await assert.rejects(HeadlessChromium.launch('/bin/false'), /chromium exited before answering Browser\.getVersion/);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});
