/**
 * What a lab run leaves for people and CI (issue 5): plots, the one-page summary (rendered in headless Chromium,
 * screenshot saved under reports/), Allure results and the Allure HTML of `scs-chaos report`, junit.xml valid
 * against schemas/junit.xsd, summary.json valid against schemas/summary.schema.json, compliance lines, metrics
 * queryable from a real Pushgateway — and no secret of the environment in any of it, nor in the run's output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { labDown, labUp } from '../../lab/lab';
import { HeadlessChromium, openPage } from '../../src/report/html/headless-chromium';
import type { RunSummary } from '../../src/model/summary';
import { startPushgateway, RunningPushgateway } from '../support/pushgateway';
import { CLI, labEnv, REPO, startCli } from './helpers';

const lab = labEnv();
const quiet = (): void => undefined;
/** Seeded secrets: a web password and a Prometheus token, passed through environment variables. */
const WEB_PASSWORD = 'web-pw-7Hq2xZ';
const PROM_TOKEN = 'prom-tok-K9s4mW';

/** filesUnder: every file below `dir`. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

describe('reports of a lab run', () => {
  const work = mkdtempSync(join(tmpdir(), 'scs-chaos-reports-'));
  const reports = join(work, 'reports');
  let gateway: RunningPushgateway | undefined;
  let stdout = '';
  let stderr = '';
  let runDir = '';

  before(async () => {
    await labUp(lab, quiet);
    gateway = await startPushgateway(work);
    // The lab environment with credentials in its URLs, taken from environment variables (the lab ignores them).
    const text = readFileSync(join(REPO, 'experiments', 'environments', 'lab.yaml'), 'utf8')
      .replace('endpoint: http://198.18.0.10:80/', 'endpoint: http://chaos:${env:SCS_CHAOS_TEST_WEB_PASSWORD}@198.18.0.10:80/')
      .replace('url: http://198.18.0.10:9090', 'url: http://metrics:${env:SCS_CHAOS_TEST_PROM_TOKEN}@198.18.0.10:9090');
    assert.ok(text.includes('SCS_CHAOS_TEST_WEB_PASSWORD') && text.includes('SCS_CHAOS_TEST_PROM_TOKEN'), 'the lab file still has the URLs the test rewrites');
    const envPath = join(work, 'lab-with-secrets.yaml');
    writeFileSync(envPath, text);
    const features = ['features/lab/isolate-node.feature', 'features/lab/unattainable-slo.feature'];
    const run = startCli(['run', '--env', envPath, '--reports', reports, '--pushgateway', gateway.url, '--cloud', 'lab-test', ...features], {
      SCS_CHAOS_TEST_WEB_PASSWORD: WEB_PASSWORD,
      SCS_CHAOS_TEST_PROM_TOKEN: PROM_TOKEN,
    });
    const finished = await run.finished;
    stdout = finished.stdout;
    stderr = finished.stderr;
    assert.equal(finished.code, 0, `run exit 0 expected\n${stderr}`);
    runDir = join(reports, 'latest');
  });
  after(async () => {
    await gateway?.stop();
    await labDown(lab, quiet);
    rmSync(work, { recursive: true, force: true });
  });

  it('writes a plot per scenario, the summary page, compliance lines and Allure results', () => {
    const summary = JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8')) as RunSummary;
    assert.equal(summary.scenarios.length, 2);
    for (const slug of ['lab-isolate-node-7', 'lab-unattainable-slo-7']) {
      assert.ok(readFileSync(join(runDir, 'scenarios', slug, 'timeline.svg'), 'utf8').includes('<svg'), `${slug}: SVG plot`);
      assert.deepEqual([...readFileSync(join(runDir, 'scenarios', slug, 'timeline.png')).subarray(1, 4)], [0x50, 0x4e, 0x47], `${slug}: PNG plot`);
    }
    assert.deepEqual(readFileSync(join(runDir, 'compliance.txt'), 'utf8').trim().split('\n'), [
      'features/lab/isolate-node.feature:7: PASS',
      'features/lab/unattainable-slo.feature:7: PASS',
    ]);
    assert.ok(existsSync(join(runDir, 'compliance.yaml')));
    const results = readdirSync(join(runDir, 'allure-results')).filter((f) => f.endsWith('-result.json'));
    assert.equal(results.length, 2, 'one Allure result per scenario');
  });

  it('junit.xml passes the JUnit schema and summary.json its JSON schema', () => {
    const xmllint = spawnSync('xmllint', ['--noout', '--schema', join(REPO, 'schemas', 'junit.xsd'), join(runDir, 'junit.xml')], { encoding: 'utf8' });
    assert.equal(xmllint.status, 0, xmllint.stderr);
    const schema = JSON.parse(readFileSync(join(REPO, 'schemas', 'summary.schema.json'), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema);
    assert.equal(validate(JSON.parse(readFileSync(join(runDir, 'summary.json'), 'utf8'))), true, JSON.stringify(validate.errors));
  });

  it('pushes the run to the Pushgateway, queryable per job and cloud', async () => {
    const response = await fetch(`${gateway?.url}/api/v1/metrics`);
    const body = (await response.json()) as { data: Array<{ labels: Record<string, string> } & Record<string, unknown>> };
    const group = body.data.find((g) => g.labels.job === 'scs-chaos' && g.labels.cloud === 'lab-test');
    assert.ok(group, `a group job=scs-chaos cloud=lab-test: ${JSON.stringify(body.data.map((g) => g.labels))}`);
    const score = group.scs_chaos_resilience_score as { metrics: Array<{ value: string }> } | undefined;
    assert.equal(Number(score?.metrics[0]?.value), 1);
    const verdicts = group.scs_chaos_scenario_verdict as { metrics: Array<{ labels: Record<string, string>; value: string }> } | undefined;
    const failed = verdicts?.metrics.find((m) => m.labels.scenario === 'features/lab/unattainable-slo.feature:7' && m.labels.verdict === 'failed');
    assert.equal(Number(failed?.value), 1);
  });

  it('the summary page renders in headless Chromium without errors (screenshot under reports/)', { skip: existsSync('/usr/bin/chromium') || process.env.CI === 'true' ? false : 'chromium is not installed' }, async () => {
    const browser = await HeadlessChromium.launch();
    try {
      const page = await openPage(browser, `file://${join(runDir, 'index.html')}`, 1280);
      assert.deepEqual(page.consoleErrors, []);
      assert.deepEqual(page.exceptions, []);
      assert.equal(await page.evaluate<number>('document.querySelectorAll("svg").length >= 2 ? 2 : 0'), 2, 'both plots inlined');
      const screenshots = join(REPO, 'reports', 'lab-run-summary');
      mkdirSync(screenshots, { recursive: true });
      writeFileSync(join(screenshots, 'screenshot.png'), await page.screenshotPng());
    } finally {
      await browser.close();
    }
  });

  it('scs-chaos report renders the Allure HTML report, which opens in headless Chromium', async () => {
    const report = spawnSync(process.execPath, [CLI, 'report', runDir, '--history', join(reports, 'history.jsonl')], { cwd: REPO, encoding: 'utf8', timeout: 240_000 });
    assert.equal(report.status, 0, report.stderr);
    const allureHtml = join(runDir, 'allure-report', 'index.html');
    assert.ok(readFileSync(allureHtml, 'utf8').length > 10_000, 'a real Allure page');
    if (!existsSync('/usr/bin/chromium') && process.env.CI !== 'true') return;
    const browser = await HeadlessChromium.launch();
    try {
      const page = await openPage(browser, `file://${allureHtml}`, 1280);
      assert.deepEqual(page.exceptions, [], 'no exception in the Allure page');
      assert.deepEqual(page.consoleErrors, [], 'no console error in the Allure page');
    } finally {
      await browser.close();
    }
  });

  it('no secret appears in any report file, attachment or log', () => {
    for (const file of filesUnder(reports)) {
      const text = readFileSync(file).toString('latin1');
      for (const secret of [WEB_PASSWORD, PROM_TOKEN]) assert.ok(!text.includes(secret), `${secret} found in ${file}`);
    }
    for (const [name, text] of [['stdout', stdout], ['stderr', stderr]] as const) {
      for (const secret of [WEB_PASSWORD, PROM_TOKEN]) assert.ok(!text.includes(secret), `${secret} found in the run's ${name}`);
    }
    // The URLs did travel through the outputs: only redacted.
    assert.ok(filesUnder(reports).some((file) => readFileSync(file, 'utf8').includes('chaos:***@198.18.0.10')), 'the web URL appears, redacted');
  });
});
