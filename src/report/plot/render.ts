/**
 * Rendering a scenario's timeline plot without a browser or a native canvas: Vega draws the specification to
 * SVG headless (its "none" renderer plus toSVG), resvg turns the SVG into a PNG with DejaVu Sans loaded from
 * disk. See docs/decisions/0080-timeline-plots-with-vega-and-resvg.md.
 */
import { Resvg } from '@resvg/resvg-js';
import type { Spec } from 'vega';
import type { ScenarioSummary } from '../../model/summary';
import { importEsm } from './esm-import';
import { PLOT_FONT_FAMILY, plotFontFiles } from './fonts';
import { buildPlotModel, type PlotModelOptions } from './plot-model';
import type { SampleRow, TimelineFile } from './scenario-files-read';
import { toVegaSpec } from './vega-spec';

type VegaModule = typeof import('vega');

export interface RenderedPlot {
  svg: string;
  png: Buffer;
}

export interface RenderOptions extends PlotModelOptions {
  /** PNG pixels per SVG pixel; 1 gives PLOT_WIDTH × PLOT_HEIGHT. */
  pngScale?: number;
}

let vegaModule: Promise<VegaModule> | undefined;

/** loadVega: vega is an ES module; loaded once per process (see esm-import.ts for why not require). */
function loadVega(): Promise<VegaModule> {
  vegaModule ??= importEsm<VegaModule>('vega');
  return vegaModule;
}

/** scenarioPlotSpec: the Vega specification of one scenario's timeline plot. Pure. */
export function scenarioPlotSpec(scenario: ScenarioSummary, timeline: TimelineFile, samples: readonly SampleRow[], options: PlotModelOptions = {}): Spec {
  return toVegaSpec(buildPlotModel(scenario, timeline, samples, options));
}

/** renderScenarioPlot: one scenario's timeline plot as SVG text and PNG bytes. */
export async function renderScenarioPlot(scenario: ScenarioSummary, timeline: TimelineFile, samples: readonly SampleRow[], options: RenderOptions = {}): Promise<RenderedPlot> {
  const svg = await specToSvg(scenarioPlotSpec(scenario, timeline, samples, options));
  return { svg, png: svgToPng(svg, options.pngScale ?? 1) };
}

/** specToSvg: Vega's SVG of a specification, rendered headless (no DOM, no canvas). */
export async function specToSvg(spec: Spec): Promise<string> {
  const vega = await loadVega();
  const view = new vega.View(vega.parse(spec), { renderer: 'none', logLevel: vega.Warn });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** svgToPng: rasterizes an SVG with resvg, on white, with DejaVu Sans for every sans-serif text. */
export function svgToPng(svg: string, scale = 1): Buffer {
  const resvg = new Resvg(svg, {
    font: { fontFiles: plotFontFiles(), loadSystemFonts: false, defaultFontFamily: PLOT_FONT_FAMILY, sansSerifFamily: PLOT_FONT_FAMILY },
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    logLevel: 'off',
  });
  return resvg.render().asPng();
}
