/**
 * Verdicts from errors (DESIGN.md section 2): the error a scenario ended with decides its verdict, so "the
 * system missed its SLO" (failed) never looks like "we could not run the experiment" (compromised).
 */
import { HypothesisRefuted, NotSteady, SafetyHalt } from '../kernel/errors';
import { VERDICTS, type Verdict } from '../model/summary';

export function verdictOf(error: unknown): Verdict {
  if (!error) return 'passed';
  if (error instanceof HypothesisRefuted) return 'failed';
  if (error instanceof NotSteady) return 'not-steady';
  if (error instanceof SafetyHalt) return 'aborted';
  return 'compromised';
}

/** expectedVerdictOf: the verdict an `@expect-<verdict>` tag announces (e.g. @expect-failed), if any. */
export function expectedVerdictOf(tags: readonly string[]): Verdict | undefined {
  for (const tag of tags) {
    const wanted = /^@expect-(.+)$/.exec(tag)?.[1];
    if (wanted && (VERDICTS as readonly string[]).includes(wanted)) return wanted as Verdict;
  }
  return undefined;
}

/** exitCodeOf: the run's exit code (DESIGN.md section 10) from verdicts that were not as expected. */
export function exitCodeOf(unexpected: readonly Verdict[]): number {
  if (unexpected.includes('aborted')) return 4;
  if (unexpected.includes('compromised')) return 3;
  if (unexpected.length > 0) return 1;
  return 0;
}
