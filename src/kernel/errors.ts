/**
 * The error types of an experiment. Each maps to one verdict and one exit code (DESIGN.md section 10), so
 * "the system missed its SLO" never looks like "we could not run the experiment".
 */

/** Where a piece of bad input came from, so the message can name the file and line to fix. */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(location: SourceLocation | undefined): string {
  if (!location) return '';
  return `${location.file}${location.line !== undefined ? `:${location.line}` : ''}${
    location.column !== undefined ? `:${location.column}` : ''
  }`;
}

/** BadInput: a feature file, environment file or flag is wrong. Nothing was touched. Exit code 2. */
export class BadInput extends Error {
  override readonly name = 'BadInput';
  constructor(
    message: string,
    readonly location?: SourceLocation,
    readonly hint?: string,
  ) {
    // The fix is part of the message, so it survives wherever only the message travels (Cucumber results).
    super(hint ? `${message}\n  fix: ${hint}` : message);
  }

  /** The whole message as a person reads it: "file:line: message" and the fix on the next line. */
  describe(): string {
    const where = formatLocation(this.location);
    return `${where ? `${where}: ` : ''}${this.message}`;
  }
}

/** HypothesisRefuted: the system missed an SLO; `evidence` holds the observed figures. Verdict "failed". */
export class HypothesisRefuted extends Error {
  override readonly name = 'HypothesisRefuted';
  constructor(
    message: string,
    readonly evidence: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** NotSteady: the SLOs did not hold before any fault, so nothing was injected. Verdict "not-steady". */
export class NotSteady extends Error {
  override readonly name = 'NotSteady';
  constructor(
    message: string,
    readonly evidence: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** ExperimentCompromised: we could not inject, observe, measure or revert. Verdict "compromised". */
export class ExperimentCompromised extends Error {
  override readonly name = 'ExperimentCompromised';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** SafetyHalt: a halt condition or an interruption stopped the scenario; faults were reverted. Verdict "aborted". */
export class SafetyHalt extends Error {
  override readonly name = 'SafetyHalt';
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
