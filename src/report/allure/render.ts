/**
 * renderAllureReport: reports/<run-id>/allure-report/ from reports/<run-id>/allure-results/, with Allure 3 from
 * npm (`allure generate`, its Awesome report; no Java). Trends come from Allure 3's history file, a JSON line
 * per rendered run, kept beside the run directories (reports/history.jsonl by default): each render reads it
 * for the trend charts and appends this run.
 *
 * The report is ONE self-contained index.html (the Awesome plugin's singleFile mode): browsers refuse the
 * multi-file report's data requests from file:// (CORS), so only a single file opens by double-click, from a CI
 * artefact or an e-mail. Allure 3.18's Awesome template always adds Google Analytics (a script from
 * googletagmanager.com, no option turns it off); a report about a sovereign cloud calls nobody, so that block
 * is cut out of the page after generation (withoutAnalytics).
 *
 * The configuration is written to reports/<run-id>/allurerc.json (absolute paths), so the same report can be
 * rebuilt by hand: `npx allure generate <run>/allure-results --config <run>/allurerc.json`.
 * Rendering the same run again replaces its history line (matched by report name) instead of adding one.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALLURE_RESULTS } from './enrich';

export const ALLURE_REPORT = 'allure-report';

export interface RenderOptions {
  runDir: string;
  /** Allure 3 history file (JSON lines), shared by the runs whose trends should show together. */
  historyPath: string;
  /** Report title, also the key of this run's history line: "scs-chaos <run-id> (<environment>)". */
  reportName: string;
  /** Bound on `allure generate` (default 5 minutes). */
  timeoutMs?: number;
}

export interface RenderedReport {
  /** The report's entry page. */
  indexHtml: string;
  /** History lines after this render (this run included). */
  historyEntries: number;
}

export async function renderAllureReport(options: RenderOptions): Promise<RenderedReport> {
  const resultsDir = join(options.runDir, ALLURE_RESULTS);
  const output = join(options.runDir, ALLURE_REPORT);
  const configPath = join(options.runDir, 'allurerc.json');
  const config = {
    name: options.reportName,
    output,
    historyPath: options.historyPath,
    plugins: {
      awesome: {
        options: {
          reportName: options.reportName,
          // The tree people browse: layer, then feature file (labels written by enrich.ts and allure-cucumberjs).
          groupBy: ['layer', 'feature'],
          singleFile: true,
        },
      },
    },
  };
  writeFileSync(configPath, `${JSON.stringify(config, null, 2)}\n`);
  dropHistoryOf(options.historyPath, options.reportName);
  rmSync(output, { recursive: true, force: true });

  const { code, output: printed } = await runAllureCli(['generate', resultsDir, '--config', configPath, '--cwd', options.runDir], options.timeoutMs ?? 5 * 60_000);
  const indexHtml = join(output, 'index.html');
  if (code !== 0 || !existsSync(indexHtml)) {
    throw new Error(
      `allure generate ${code === 0 ? `wrote no ${indexHtml}` : `exited ${code}`}: ${printed.trim().split('\n').slice(-8).join(' | ') || 'no output'}. ` +
        `Check that npm ci installed the "allure" package, then retry: npx allure generate ${resultsDir} --config ${configPath}`,
    );
  }
  writeFileSync(indexHtml, withoutAnalytics(readFileSync(indexHtml, 'utf8')));
  return { indexHtml, historyEntries: historyLines(options.historyPath).length };
}

const ANALYTICS = /\s*<script async src="https:\/\/www\.googletagmanager\.com\/gtag\/js\?id=[^"]*"><\/script>\s*<script>\s*window\.dataLayer[\s\S]*?<\/script>/g;

/** withoutAnalytics: the page without the Google Analytics loader and its configuration script. */
export function withoutAnalytics(html: string): string {
  const cleaned = html.replace(ANALYTICS, '\n');
  if (cleaned.includes('googletagmanager')) {
    throw new Error('the Allure report still loads googletagmanager.com after cleaning: the "allure" package changed its page template; update ANALYTICS in src/report/allure/render.ts');
  }
  return cleaned;
}

/** The Allure 3 command line of the installed "allure" package, run with this Node. */
function runAllureCli(args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  const cli = require.resolve('allure');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs} ms)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

function historyLines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim());
}

/** dropHistoryOf: removes the history lines of an earlier render of the same report, so a run counts once. */
export function dropHistoryOf(path: string, reportName: string): void {
  const lines = historyLines(path);
  const kept = lines.filter((line) => {
    try {
      return (JSON.parse(line) as { name?: unknown }).name !== reportName;
    } catch {
      return true; // not ours to judge; Allure reports a broken line itself
    }
  });
  if (kept.length !== lines.length) writeFileSync(path, kept.map((line) => `${line}\n`).join(''));
}
