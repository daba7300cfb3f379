/**
 * Scanner: a cursor over SLO text that builds BadInput errors pointing at a column — shared by the SLO
 * language (src/slo/expression.ts) and PromQL SLOs (src/prometheus/promql-slo.ts), so both report mistakes
 * the same way: "PROBLEM at column N[; ADVICE]", the text, and a caret line under the offending characters.
 */
import { BadInput, SourceLocation } from '../kernel/errors';
import type { SloOperator } from './expression';

export class Scanner {
  pos = 0;
  constructor(
    readonly text: string,
    private readonly location: SourceLocation | undefined,
    /** The hint every error carries: the forms the parser accepts. */
    private readonly validForms: string,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (!this.atEnd() && /\s/.test(this.text[this.pos] as string)) this.pos += 1;
  }

  /** Consumes and returns the match of a sticky regular expression at the cursor, or null. */
  take(sticky: RegExp): string | null {
    sticky.lastIndex = this.pos;
    const match = sticky.exec(this.text);
    if (!match) return null;
    this.pos += match[0].length;
    return match[0];
  }

  /**
   * A BadInput "PROBLEM at column N[; ADVICE]" naming the 1-based column of `index` (like Gherkin and YAML
   * positions), followed by the text and a caret line under `length` characters.
   */
  fail(problem: string, index: number, length: number, advice?: string): BadInput {
    const shown = this.text.replace(/[\t\r\n\v\f]/g, ' ');
    const caret = `${' '.repeat(index)}${'^'.repeat(Math.max(1, length))}`;
    const location =
      this.location && this.location.column !== undefined ? { ...this.location, column: this.location.column + index } : this.location;
    const headline = `${problem} at column ${index + 1}${advice ? `; ${advice}` : ''}`;
    return new BadInput(`${headline}\n    ${shown}\n    ${caret}`, location, this.validForms);
  }
}

/** Comparison operators, longest first so "<=" is not read as "<". */
const OPERATORS: readonly SloOperator[] = ['<=', '>=', '==', '<', '>'];

/**
 * parseOperator: reads a comparison operator at the cursor; "=" and "!=" get their own advice. `after` names
 * what came before it in the error (", after the PromQL expression").
 */
export function parseOperator(scan: Scanner, after = ''): SloOperator {
  const start = scan.pos;
  for (const op of OPERATORS) {
    if (scan.text.startsWith(op, start)) {
      scan.pos += op.length;
      return op;
    }
  }
  if (scan.text.startsWith('!=', start)) throw scan.fail('"!=" is not supported', start, 2, 'use <, <=, >, >= or ==');
  if (scan.text.startsWith('=', start)) throw scan.fail('"=" is no operator', start, 1, 'write "=="');
  const what = scan.atEnd() ? 'end of expression' : `"${scan.text[start]}"`;
  throw scan.fail(`expected an operator (<, <=, >, >=, ==)${after} but found ${what}`, start, 1);
}
