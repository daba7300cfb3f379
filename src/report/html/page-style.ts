/**
 * The page's only style sheet, inlined in a <style> element: the page must open from file:// with no server and
 * no network, so there are no linked sheets, web fonts or CDNs. Laid out for a 1280 px wide window; tables
 * wrap long text rather than scroll. Verdict colours match the console summary's (green, red, yellow, magenta).
 */
export const PAGE_STYLE = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa;
  --passed: #1a7f37; --failed: #cf222e; --not-steady: #9a6700; --aborted: #8250df; --compromised: #bc4c00; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: #fff;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 20px 40px; }
h1 { font-size: 22px; margin: 0 0 12px; }
h1 .product { color: var(--muted); font-weight: normal; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-top: 12px; border-top: 2px solid var(--line); }
h3 { font-size: 14px; margin: 16px 0 6px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 12.5px; }
a { color: #0969da; text-decoration: none; }
a:hover { text-decoration: underline; }
.muted { color: var(--muted); }
.facts { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px 20px; margin: 0 0 14px; }
.facts div { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; min-width: 0; }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 0 0 12px; padding: 0; list-style: none; }
.counts li { border: 1px solid var(--line); border-radius: 14px; padding: 2px 12px; }
.counts li.zero { color: var(--muted); }
.verdict { display: inline-block; border-radius: 4px; padding: 1px 7px; color: #fff; font-weight: 600; font-size: 12.5px;
  white-space: nowrap; }
.verdict.passed { background: var(--passed); } .verdict.failed { background: var(--failed); }
.verdict.not-steady { background: var(--not-steady); } .verdict.aborted { background: var(--aborted); }
.verdict.compromised { background: var(--compromised); }
.counts .verdict { margin-right: 4px; }
.expectation { display: block; font-size: 12px; margin-top: 3px; }
.expectation.unexpected { color: var(--failed); font-weight: 600; }
.gate.passed { color: var(--passed); } .gate.failed { color: var(--failed); }
.note { background: var(--soft); border-left: 4px solid var(--line); padding: 6px 10px; margin: 8px 0; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 8px; }
th, td { border: 1px solid var(--line); padding: 5px 7px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
th { background: var(--soft); font-weight: 600; font-size: 13px; }
table.scenarios { table-layout: fixed; }
/* Column classes carry a c- prefix: a <col class="verdict"> would pick up the verdict label's inline-block style. */
table.scenarios col.c-name { width: 17%; } table.scenarios col.c-where { width: 12%; } table.scenarios col.c-tags { width: 11%; }
table.scenarios col.c-verdict { width: 9%; } table.scenarios col.c-expected { width: 7%; } table.scenarios col.c-reason { width: 18%; }
table.scenarios col.c-recovery { width: 26%; }
ul.recovery { list-style: none; margin: 0; padding: 0; font-size: 13px; }
ul.recovery li + li { margin-top: 6px; padding-top: 6px; border-top: 1px dotted var(--line); }
ul.recovery .delta { white-space: normal; }
td.num, th.num { text-align: right; white-space: nowrap; }
.reason { white-space: pre-wrap; }
.met { color: var(--passed); font-weight: 600; } .missed { color: var(--failed); font-weight: 600; }
.delta { white-space: nowrap; font-weight: 600; }
.delta.slower { color: var(--failed); } .delta.faster { color: var(--passed); } .delta.unchanged { color: var(--muted); }
.tag { display: inline-block; background: var(--soft); border: 1px solid var(--line); border-radius: 10px; padding: 0 6px;
  margin: 0 3px 3px 0; font-size: 12px; white-space: nowrap; }
section.scenario .subtitle { color: var(--muted); margin: 0 0 6px; }
section.scenario h2 .verdict { vertical-align: 2px; margin-right: 6px; }
.reason-box { border-left: 4px solid var(--line); background: var(--soft); padding: 6px 10px; white-space: pre-wrap; margin: 6px 0; }
.reason-box.failed { border-color: var(--failed); } .reason-box.not-steady { border-color: var(--not-steady); }
.reason-box.aborted { border-color: var(--aborted); } .reason-box.compromised { border-color: var(--compromised); }
dl.halt { display: grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 4px 0; }
dl.halt dt { color: var(--muted); } dl.halt dd { margin: 0; }
details { margin: 10px 0; }
details summary { cursor: pointer; font-weight: 600; }
details pre { background: var(--soft); border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap;
  overflow-wrap: anywhere; }
figure.plot { margin: 8px 0; padding: 8px; border: 1px solid var(--line); border-radius: 6px; }
figure.plot svg { display: block; max-width: 100%; height: auto; }
.no-plot { color: var(--muted); font-style: italic; border: 1px dashed var(--line); padding: 14px; text-align: center; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print { h2 { break-before: auto; } section.scenario { break-inside: avoid-page; } }
`;

/**
 * pageHead: the start of every scs-chaos page up to its <body>: UTF-8, the viewport, a Content-Security-Policy that
 * forbids loading anything but inline style and data: images (no network, ever), the title (already escaped) and
 * PAGE_STYLE followed by `extraStyle`.
 */
export function pageHead(titleHtml: string, extraStyle = ''): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${titleHtml}</title>`,
    `<style>${PAGE_STYLE}${extraStyle}</style>`,
    '</head>',
    '<body>',
  ];
}
