/**
 * scrubRunDirectory: the last line of defence for secrets (src/kernel/secrets.ts) — every text file of a finished
 * run directory (summary, timeline, samples, journal, JUnit, compliance, Cucumber messages, Allure results, HTML)
 * is rewritten with its secrets redacted. Binary files (PNG plots) hold no text from the run. Returns the files
 * that held a secret, so the run can say where one nearly leaked.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { hasSecrets, redact } from '../kernel/secrets';

const BINARY_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.gif', '.webp', '.zip', '.gz']);

export function scrubRunDirectory(runDir: string): string[] {
  if (!hasSecrets()) return [];
  const scrubbed: string[] = [];
  for (const file of filesUnder(runDir)) {
    if (BINARY_EXTENSIONS.has(extname(file).toLowerCase())) continue;
    const text = readFileSync(file, 'utf8');
    const clean = redact(text);
    if (clean !== text) {
      writeFileSync(file, clean);
      scrubbed.push(relative(runDir, file));
    }
  }
  return scrubbed;
}

function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(path));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
