/**
 * Scanner: a cursor over SLO text that builds BadInput errors pointing at a column — shared by the SLO
 * language (src/slo/expression.ts) and PromQL SLOs (src/prometheus/promql-slo.ts), so both report mistakes
 * the same way: "PROBLEM at column N[; ADVICE]", the text, and a caret line under the offending characters.
 */
import { BadInput, SourceLocation } from '../core/errors';

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
