/**
 * The part of GitHub Actions' expression language (`${{ ... }}`, `if:`) that the project's workflow uses, for
 * running it locally step by step (gha-local-runner.ts): context properties (`matrix.cloud`,
 * `steps.run.outputs.run-dir`), string literals, `==`, `!=`, `!`, `&&`, `||` (which yield an operand, as on GitHub),
 * parentheses and the status functions `always()`, `success()`, `failure()`, `cancelled()`. Anything else is an
 * error naming the expression, so the workflow cannot silently use what this runner does not understand.
 */

export interface ExpressionContext {
  /** Top-level contexts: matrix, inputs, env, steps, secrets, runner. */
  contexts: Record<string, unknown>;
  /** The job's status so far, for success() and failure(). */
  jobFailed: boolean;
}

const TOKEN = /\s*(?:(\|\||&&|==|!=|!|\(|\)|\.)|'((?:[^']|'')*)'|([A-Za-z_][A-Za-z0-9_-]*))/y;

type Token = { op: string } | { str: string } | { id: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < source.length) {
    if (/^\s*$/.test(source.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(source);
    if (!m) throw new Error(`expression "${source}": cannot read from "${source.slice(at)}"`);
    if (m[1] !== undefined) tokens.push({ op: m[1] });
    else if (m[2] !== undefined) tokens.push({ str: m[2].replace(/''/g, "'") });
    else tokens.push({ id: m[3] as string });
  }
  return tokens;
}

const truthy = (v: unknown): boolean => v !== null && v !== undefined && v !== false && v !== '' && v !== 0;
const loose = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v)).toLowerCase();

/** evaluate: the value of one expression (the text between `${{` and `}}`, or an `if:`). */
export function evaluate(source: string, ctx: ExpressionContext): unknown {
  const tokens = tokenize(source);
  let i = 0;
  const peekOp = (op: string): boolean => {
    const t = tokens[i];
    return t !== undefined && 'op' in t && t.op === op;
  };
  const expectOp = (op: string): void => {
    if (!peekOp(op)) throw new Error(`expression "${source}": expected "${op}"`);
    i++;
  };
  const primary = (): unknown => {
    const t = tokens[i++];
    if (!t) throw new Error(`expression "${source}" ends too early`);
    if ('str' in t) return t.str;
    if ('op' in t && t.op === '(') {
      const v = or();
      expectOp(')');
      return v;
    }
    if ('op' in t && t.op === '!') return !truthy(primary());
    if (!('id' in t)) throw new Error(`expression "${source}": unexpected "${t.op}"`);
    if (peekOp('(')) {
      expectOp('(');
      expectOp(')');
      switch (t.id) {
        case 'always':
          return true;
        case 'success':
          return !ctx.jobFailed;
        case 'failure':
          return ctx.jobFailed;
        case 'cancelled':
          return false;
        default:
          throw new Error(`expression "${source}": function ${t.id}() is not supported by the local runner`);
      }
    }
    if (t.id === 'true' || t.id === 'false') return t.id === 'true';
    if (t.id === 'null') return null;
    if (!(t.id in ctx.contexts)) throw new Error(`expression "${source}": unknown context "${t.id}"`);
    let value: unknown = ctx.contexts[t.id];
    while (peekOp('.')) {
      i++;
      const name = tokens[i++];
      if (!name || !('id' in name)) throw new Error(`expression "${source}": expected a property name after "."`);
      value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name.id] : undefined;
    }
    return value ?? '';
  };
  const comparison = (): unknown => {
    let left = primary();
    while (peekOp('==') || peekOp('!=')) {
      const equal = peekOp('==');
      i++;
      const right = primary();
      left = (loose(left) === loose(right)) === equal;
    }
    return left;
  };
  // `a && b` yields b when a is truthy, else a; `a || b` yields a when truthy, else b (GitHub's semantics).
  const chain = (op: '&&' | '||', operand: () => unknown): (() => unknown) => () => {
    let left = operand();
    while (peekOp(op)) {
      i++;
      const right = operand();
      left = truthy(left) === (op === '&&') ? right : left;
    }
    return left;
  };
  const and = chain('&&', comparison);
  const or = (): unknown => chain('||', and)();
  const value = or();
  if (i !== tokens.length) throw new Error(`expression "${source}": unexpected text after the expression`);
  return value;
}

/** interpolate: every `${{ ... }}` in `text` replaced by its value as a string. */
export function interpolate(text: string, ctx: ExpressionContext): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, expression: string) => {
    const value = evaluate(expression, ctx);
    return value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/** condition: an `if:` value (with or without `${{ }}`) as a boolean; no `if:` means success(). */
export function condition(ifValue: unknown, ctx: ExpressionContext): boolean {
  if (ifValue === undefined) return !ctx.jobFailed;
  if (typeof ifValue === 'boolean') return ifValue;
  const text = String(ifValue).trim();
  const inner = /^\$\{\{(.*)\}\}$/s.exec(text)?.[1] ?? text;
  // GitHub adds success() to a condition that calls no status function.
  const hasStatus = /\b(always|success|failure|cancelled)\s*\(/.test(inner);
  const value = truthy(evaluate(inner, ctx));
  return hasStatus ? value : value && !ctx.jobFailed;
}

export { truthy };
