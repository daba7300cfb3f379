import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SaxesParser } from 'saxes';
import { fixtureScenario, HALT, ISOLATE } from './fixture-run';
import { buildPlotModel } from './plot-model';
import { countPixels, nearColour, PNG_SIGNATURE, readPng } from './png-read';
import { renderScenarioPlot } from './render';
import { PLOT_HEIGHT, PLOT_WIDTH, PROBE_COLOURS } from './vega-spec';

/** svgText: every text node of the SVG, parsed by a strict XML parser (throws on malformed XML). */
function svgText(svg: string): { root: string; texts: string[] } {
  const parser = new SaxesParser({ xmlns: true });
  let root = '';
  const texts: string[] = [];
  parser.on('opentag', (tag) => {
    root ||= tag.name;
  });
  parser.on('text', (text) => {
    if (text.trim() !== '') texts.push(text);
  });
  parser.write(svg).close();
  return { root, texts };
}

describe('renderScenarioPlot on the isolation fixture', async () => {
  const { scenario, timeline, samples } = fixtureScenario(ISOLATE);
  const { svg, png } = await renderScenarioPlot(scenario, timeline, samples);

  it('writes well-formed SVG naming the probes and the thresholds', () => {
    const { root, texts } = svgText(svg);
    assert.equal(root, 'svg');
    assert.ok(texts.includes('web@node-1'), 'probe name in the legend');
    assert.ok(texts.includes('web p(95) < 800ms (during)'), 'latency threshold label');
    assert.ok(texts.includes('web stays available while one node is cut off from the network — passed'), 'title');
    assert.ok(texts.includes('seconds since scenario start'));
  });

  it('writes a PNG of the plot size with the probe series and the title text in it', () => {
    assert.ok(png.subarray(0, 8).equals(PNG_SIGNATURE));
    const image = readPng(png);
    assert.deepEqual([image.width, image.height], [PLOT_WIDTH, PLOT_HEIGHT]);
    const probes = buildPlotModel(scenario, timeline, samples).probes;
    const node1Colour = PROBE_COLOURS[probes.indexOf('web@node-1')] as string;
    // The rolling-availability line of the cut-off backend runs from 100 % to 0 and back: hundreds of pixels.
    assert.ok(countPixels(image, nearColour(node1Colour)) > 300, `pixels of ${node1Colour}`);
    // Text needs a font (resvg draws no text without one): the bold title is near-black at the top left.
    const titleInk = countPixels(image, (r, g, b) => r < 60 && g < 60 && b < 60, { x: 0, y: 0, width: 700, height: 30 });
    assert.ok(titleInk > 500, `title pixels: ${titleInk}`);
    const white = countPixels(image, (r, g, b) => r === 255 && g === 255 && b === 255);
    assert.ok(white > image.width * image.height * 0.4 && white < image.width * image.height * 0.97, `white share ${white}`);
  });
});

describe('renderScenarioPlot on the halt fixture', async () => {
  const { scenario, timeline, samples } = fixtureScenario(HALT);
  const { svg, png } = await renderScenarioPlot(scenario, timeline, samples, { pngScale: 2 });

  it('shows the halt marker and the floor, and scales the PNG', () => {
    const { texts } = svgText(svg);
    assert.ok(texts.includes('halt: web@node-1 availability >= 50% over 1s'));
    assert.ok(texts.includes('halt floor: web@node-1 availability >= 50%'));
    const image = readPng(png);
    assert.deepEqual([image.width, image.height], [PLOT_WIDTH * 2, PLOT_HEIGHT * 2]);
    assert.ok(countPixels(image, nearColour('#a50f15')) > 200, 'halt colour');
  });
});
