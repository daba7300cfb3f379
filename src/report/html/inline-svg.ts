/**
 * A timeline plot (scenarios/<slug>/timeline.svg, drawn by the plot writer) prepared to sit inside the page.
 * Inline rather than <img>, so its text can be selected and its <title> tooltips work. Two things make an SVG
 * file unfit to paste into HTML as it is, and both are handled here:
 *   1. an XML declaration or DOCTYPE before <svg> (not allowed in HTML): removed;
 *   2. ids (gradients, clip paths, markers) that would collide with another plot's on the same page: every id
 *      and every reference to it (url(#id), href="#id") gets a per-plot prefix.
 * The page must stay self-contained and inert, so a plot with a script, an event handler, a foreignObject or a
 * reference to anything outside the file is not embedded; the page says why instead.
 */

/** InlineSvg: the SVG markup to embed, or why the file was not embedded. */
export type InlineSvg = { svg: string } | { problem: string };

const UNSAFE: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /<script[\s>/]/i, what: 'a <script> element' },
  { pattern: /<[^>]*\son[a-z]+\s*=/i, what: 'an event handler attribute' },
  { pattern: /<foreignObject[\s>/]/i, what: 'a <foreignObject> element' },
  { pattern: /javascript:/i, what: 'a javascript: URL' },
  { pattern: /<[^>]*href\s*=\s*["']\s*(?!#)[^"']/i, what: 'a link to another resource' },
  { pattern: /url\(\s*(?!["']?#)/i, what: 'a url() to another resource' },
  { pattern: /@import/i, what: 'an @import' },
];

/** inlineSvg: `source` (a whole SVG file) as markup for an HTML page, its ids prefixed with `idPrefix`. */
export function inlineSvg(source: string, idPrefix: string): InlineSvg {
  const svg = source
    .replace(/^\uFEFF/, '')
    .replace(/^\s*<\?xml[^>]*\?>/i, '')
    .replace(/^(\s*<!--[\s\S]*?-->)*\s*<!DOCTYPE[^>[]*(\[[\s\S]*?\])?\s*>/i, '')
    .trim();
  if (!/^(<!--[\s\S]*?-->\s*)*<svg[\s>]/i.test(svg) || !/<\/svg>$/i.test(svg)) {
    return { problem: 'the file is not an SVG document (expected <svg …> … </svg>)' };
  }
  for (const { pattern, what } of UNSAFE) {
    if (pattern.test(svg)) return { problem: `the plot contains ${what}; the page embeds only self-contained, script-free SVG` };
  }
  return { svg: prefixIds(svg, idPrefix) };
}

function prefixIds(svg: string, prefix: string): string {
  const ids = new Set([...svg.matchAll(/\sid\s*=\s*(["'])(.*?)\1/g)].map((m) => m[2] as string));
  if (ids.size === 0) return svg;
  return svg
    .replace(/(\sid\s*=\s*)(["'])(.*?)\2/g, (_whole, before: string, quote: string, id: string) => `${before}${quote}${prefix}${id}${quote}`)
    .replace(/url\(\s*(["']?)#([^)"'\s]+)\1\s*\)/g, (whole, quote: string, id: string) =>
      ids.has(id) ? `url(${quote}#${prefix}${id}${quote})` : whole,
    )
    .replace(/(href\s*=\s*)(["'])#(.*?)\2/g, (whole, before: string, quote: string, id: string) =>
      ids.has(id) ? `${before}${quote}#${prefix}${id}${quote}` : whole,
    );
}
