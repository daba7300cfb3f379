import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inlineSvg } from './inline-svg';

const FIXTURE = join(__dirname, 'fixtures', 'sample-run', 'scenarios', 'lab-isolate-node-7', 'timeline.svg');

describe('inlineSvg', () => {
  it('drops the XML declaration, comments before it and a DOCTYPE', () => {
    const source = '\uFEFF<?xml version="1.0"?>\n<!-- drawn by x -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n';
    assert.deepEqual(inlineSvg(source, 'p0-'), { svg: '<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>' });
  });

  it('prefixes every id and the references to it, and leaves other references alone', () => {
    const source =
      '<svg><defs><clipPath id="area"><rect/></clipPath><linearGradient id=\'fade\'/></defs>' +
      '<g clip-path="url(#area)" fill="url(\'#fade\')"><use href="#area"/><use xlink:href="#fade"/><use href="#elsewhere"/></g></svg>';
    const result = inlineSvg(source, 'p3-');
    assert.ok('svg' in result, JSON.stringify(result));
    assert.equal(
      result.svg,
      '<svg><defs><clipPath id="p3-area"><rect/></clipPath><linearGradient id=\'p3-fade\'/></defs>' +
        '<g clip-path="url(#p3-area)" fill="url(\'#p3-fade\')"><use href="#p3-area"/><use xlink:href="#p3-fade"/><use href="#elsewhere"/></g></svg>',
    );
  });

  it('embeds the fixture plot with its clip path renamed', () => {
    const result = inlineSvg(readFileSync(FIXTURE, 'utf8'), 'p0-');
    assert.ok('svg' in result, JSON.stringify(result));
    assert.match(result.svg, /^<!--[\s\S]*?-->\s*<svg /);
    assert.match(result.svg, /id="p0-plot-area"/);
    assert.match(result.svg, /clip-path="url\(#p0-plot-area\)"/);
    assert.doesNotMatch(result.svg, /<\?xml/);
  });

  it('refuses scripts, handlers, foreign objects and outside references, saying which', () => {
    const cases: [string, RegExp][] = [
      ['<svg><script>alert(1)</script></svg>', /<script> element/],
      ['<svg><rect onclick="alert(1)"/></svg>', /event handler/],
      ['<svg><foreignObject><div/></foreignObject></svg>', /foreignObject/],
      ['<svg><a href="javascript:alert(1)"><rect/></a></svg>', /javascript: URL|link to another resource/],
      ['<svg><image href="https://example.org/x.png"/></svg>', /link to another resource/],
      ['<svg><rect fill="url(https://example.org/p.svg#g)"/></svg>', /url\(\) to another resource/],
      ['<svg><style>@import "x.css";</style></svg>', /@import/],
    ];
    for (const [source, reason] of cases) {
      const result = inlineSvg(source, 'p0-');
      assert.ok('problem' in result, `${source} must be refused`);
      assert.match(result.problem, reason);
    }
  });

  it('lets text that merely mentions "on" or an equals sign through', () => {
    const result = inlineSvg('<svg><text x="1">only = 1 while on=off</text></svg>', 'p0-');
    assert.ok('svg' in result, JSON.stringify(result));
  });

  it('refuses what is not an SVG document', () => {
    for (const source of ['', '<html><body/></html>', '<svg><rect/>', 'PNG\x89']) {
      const result = inlineSvg(source, 'p0-');
      assert.ok('problem' in result && /not an SVG document/.test(result.problem), JSON.stringify(source));
    }
  });
});
