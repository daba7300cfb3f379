/**
 * Secrets: values that must never reach a report, an attachment or a log — passwords in URLs and values taken
 * from environment variables (`${env:NAME}` in an environment file). The environment loader registers them; every
 * way out (the console log, the console summary, the files of a run directory) passes through `redact`.
 *
 * Why a process-wide registry: a secret travels inside URLs and error messages through code that cannot know it
 * is one (an HTTP error, a Prometheus "unavailable at <url>"), so it is removed where text leaves the process.
 */

/** REDACTED: what a secret is replaced by. */
export const REDACTED = '***';

/** Values shorter than this are not registered: replacing "a" or "1" everywhere would garble every report. */
const MIN_SECRET_LENGTH = 4;

const secrets = new Set<string>();

/** URL userinfo with a password, e.g. "https://user:pass@host": the password is removed even if never registered. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)([^@\s/]+)@/gi;

/** registerSecret: `value` (and its URL-encoded form) is redacted from now on; too-short values are refused. */
export function registerSecret(value: string): void {
  if (value.length < MIN_SECRET_LENGTH) {
    throw new Error(`a secret must have at least ${MIN_SECRET_LENGTH} characters to be redacted safely`);
  }
  secrets.add(value);
  const encoded = encodeURIComponent(value);
  if (encoded !== value) secrets.add(encoded);
}

/** redact: `text` with every registered secret and every URL password replaced by REDACTED. */
export function redact(text: string): string {
  let result = text.replace(URL_PASSWORD, `$1${REDACTED}@`);
  // Longest first: a secret that contains another is removed whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) result = result.split(secret).join(REDACTED);
  return result;
}

/** hasSecrets: whether any secret is registered (lets a caller skip scanning files when there is nothing to find). */
export function hasSecrets(): boolean {
  return secrets.size > 0;
}

/** forgetSecretsForTests: empties the registry (tests only). */
export function forgetSecretsForTests(): void {
  secrets.clear();
}
