/**
 * Text into HTML. Everything a run records (scenario names, reasons, evidence, probe names, tags) is data, never
 * markup: it goes through `text` (element content) or `attr` (attribute values) on its way into the page.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * text: `value` as HTML text. Escapes & < > " ' (so the same string is also safe inside a quoted attribute),
 * and shows control characters other than tab and newline as "\u001b": a reason quoting a command's coloured
 * output stays readable, and HTML's parse errors for such characters never arise.
 */
export function text(value: string | number): string {
  return String(value)
    .replace(/\r\n/g, '\n')
    .replace(/[&<>"']/g, (c) => ENTITIES[c] as string)
    // eslint-disable-next-line no-control-regex -- finding control characters is this function's job
    .replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** attr: `value` for a double-quoted attribute; the same escaping as `text`. */
export function attr(value: string | number): string {
  return text(value);
}
