/**
 * toVegaSpec: the Vega specification of a scenario's timeline plot, drawn from a PlotModel. Layout, top to
 * bottom: a strip of event labels (faults, first failure, recovered, halt), the rolling availability per probe
 * (0–100 %), and every sample's latency on a log axis (failed samples as crosses). Fault windows are shaded
 * bands (one-shot faults a vertical line) and markers are vertical lines through both panels; SLO thresholds
 * are dashed lines over the phase they were judged on. Pure data in, JSON out: no Vega code runs here.
 */
import type { Spec } from 'vega';
import type { PlotMarkerKind, PlotModel, PlotThreshold } from './plot-model';
import { NO_SAMPLES_NOTE } from './plot-model';

/** The picture's size in pixels; the SVG and the PNG (at scale 1) are exactly this big (autosize "fit"). */
export const PLOT_WIDTH = 1000;
export const PLOT_HEIGHT = 620;

/** Fonts: DejaVu Sans is what the PNG renderer loads (fonts.ts); SVG viewers without it use their sans-serif. */
export const PLOT_FONT = 'DejaVu Sans, sans-serif';

/** Probe colours: no red, green or orange, which mean fault, recovery and failure here. */
export const PROBE_COLOURS = ['#1f77b4', '#9467bd', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#393b79'];

const EVENT_COLOURS: Record<PlotMarkerKind | 'fault' | 'threshold', string> = {
  fault: '#ff7f0e',
  detected: '#c08a00',
  recovered: '#2ca02c',
  'not-recovered': '#d62728',
  halt: '#a50f15',
  'alert-firing': '#d95f02',
  'alert-resolved': '#1b9e77',
  remediation: '#7570b3',
  threshold: '#444444',
};
const EVENT_LEGEND: [string, string][] = [
  ['fault window', EVENT_COLOURS.fault],
  ['first failure', EVENT_COLOURS.detected],
  ['recovered', EVENT_COLOURS.recovered],
  ['not recovered / SLO missed', EVENT_COLOURS['not-recovered']],
  ['halt / halt floor', EVENT_COLOURS.halt],
  ['SLO threshold', EVENT_COLOURS.threshold],
  ['alert firing', EVENT_COLOURS['alert-firing']],
  ['alert resolved', EVENT_COLOURS['alert-resolved']],
  ['remediation', EVENT_COLOURS.remediation],
];

const LABEL_FONT_SIZE = 10;
const LABEL_ROW_HEIGHT = 13;
const MAX_LABEL_ROWS = 4;
/**
 * Width left for the plot beside the y axis and the legends, and the width of a DejaVu Sans character, to
 * place labels before Vega lays out (Vega itself, without a canvas, reckons 0.8 em a character).
 */
const ESTIMATED_PLOT_WIDTH = PLOT_WIDTH - 330;
const CHARACTER_WIDTH = LABEL_FONT_SIZE * 0.62;
const PANEL_GAP = 28;

/** EventLabel: a text in the strip above the panels, at time `t`, in row `row`, left- or right-aligned. */
export interface EventLabel {
  t: number;
  text: string;
  colour: string;
  row: number;
  align: 'left' | 'right';
}

export function toVegaSpec(model: PlotModel): Spec {
  const labels = eventLabels(model);
  const rows = Math.max(1, ...labels.map((l) => l.row + 1));
  const strip = rows * LABEL_ROW_HEIGHT + 4;
  const noSamples = model.notes.includes(NO_SAMPLES_NOTE);
  const subtitle = [...model.subtitle, ...model.notes.filter((n) => n !== NO_SAMPLES_NOTE)];
  const probes = model.probes.length > 0 ? model.probes : ['(no probe)'];

  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: model.title,
    width: PLOT_WIDTH,
    height: PLOT_HEIGHT,
    padding: 10,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'white',
    title: { text: model.title, subtitle, anchor: 'start', fontSize: 15, subtitleFontSize: 11, subtitleColor: '#555', offset: 8 },
    config: {
      title: { font: PLOT_FONT, subtitleFont: PLOT_FONT },
      axis: { labelFont: PLOT_FONT, titleFont: PLOT_FONT, labelFontSize: 10, titleFontSize: 11, gridColor: '#e6e6e6' },
      // Without a canvas Vega estimates text at 0.8 em a character, wider than DejaVu Sans: a generous limit
      // keeps legend labels from being cut short.
      legend: { labelFont: PLOT_FONT, titleFont: PLOT_FONT, labelFontSize: 10, titleFontSize: 11, labelLimit: 240 },
      text: { font: PLOT_FONT },
    },
    signals: [
      { name: 'stripHeight', value: strip },
      { name: 'availabilityTop', value: strip },
      { name: 'availabilityHeight', update: `floor((height - ${strip} - ${PANEL_GAP}) * 0.38)` },
      { name: 'latencyTop', update: `${strip} + availabilityHeight + ${PANEL_GAP}` },
      { name: 'latencyHeight', update: 'height - latencyTop' },
    ],
    data: [
      { name: 'availability', values: model.availability },
      { name: 'latency', values: model.latency },
      { name: 'thresholds', values: thresholdLabels(model) },
      { name: 'availabilityThresholds', source: 'thresholds', transform: [{ type: 'filter', expr: "datum.axis === 'availability'" }] },
      { name: 'latencyThresholds', source: 'thresholds', transform: [{ type: 'filter', expr: "datum.axis === 'latency'" }] },
      { name: 'faults', values: model.faults },
      { name: 'faultBands', source: 'faults', transform: [{ type: 'filter', expr: '!datum.oneShot' }] },
      { name: 'oneShotFaults', source: 'faults', transform: [{ type: 'filter', expr: 'datum.oneShot' }] },
      { name: 'markers', values: model.markers.map((m) => ({ ...m, colour: EVENT_COLOURS[m.kind] })) },
      { name: 'labels', values: labels },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: [0, model.xMax], range: [0, { signal: 'width' }], zero: true, nice: false },
      { name: 'availabilityY', type: 'linear', domain: [0, 1], range: [{ signal: 'availabilityHeight' }, 0] },
      { name: 'latencyY', type: 'log', domain: model.latencyDomain, range: [{ signal: 'latencyHeight' }, 0], nice: true },
      { name: 'colour', type: 'ordinal', domain: probes, range: PROBE_COLOURS },
      { name: 'events', type: 'ordinal', domain: EVENT_LEGEND.map(([name]) => name), range: EVENT_LEGEND.map(([, colour]) => colour) },
    ],
    legends: [
      { stroke: 'colour', title: 'probe', symbolType: 'stroke', symbolStrokeWidth: 2.5, orient: 'right' },
      { fill: 'events', title: 'events', symbolType: 'square', orient: 'right' },
    ],
    marks: [
      {
        type: 'group',
        name: 'eventStrip',
        // Clipped: Vega's wide text estimate would otherwise count labels as running past the plot and push
        // the legends out of the picture; eventLabels keeps the real text inside.
        clip: true,
        encode: { update: { x: { value: 0 }, y: { value: 0 }, width: { signal: 'width' }, height: { signal: 'stripHeight' } } },
        marks: [
          {
            type: 'text',
            from: { data: 'labels' },
            encode: {
              update: {
                x: { scale: 'x', field: 't' },
                dx: { signal: "datum.align === 'left' ? 3 : -3" },
                y: { signal: `datum.row * ${LABEL_ROW_HEIGHT} + ${LABEL_ROW_HEIGHT - 3}` },
                text: { field: 'text' },
                align: { field: 'align' },
                fill: { field: 'colour' },
                fontSize: { value: LABEL_FONT_SIZE },
              },
            },
          },
        ],
      },
      panel('availabilityPanel', 'availabilityTop', 'availabilityHeight', 'availabilityY', strip, noSamples, {
        axes: [
          { orient: 'bottom', scale: 'x', grid: true, gridScale: 'availabilityY', labelFlush: true },
          { orient: 'left', scale: 'availabilityY', format: '%', grid: true, gridScale: 'x', tickCount: 5, title: `availability (rolling ${model.availabilityWindowSeconds}s)` },
        ],
        series: {
          type: 'group',
          from: { facet: { name: 'probeAvailability', data: 'availability', groupby: 'probe' } },
          marks: [
            {
              type: 'line',
              from: { data: 'probeAvailability' },
              encode: {
                update: {
                  x: { scale: 'x', field: 't' },
                  y: { scale: 'availabilityY', field: 'availability' },
                  stroke: { scale: 'colour', field: 'probe' },
                  strokeWidth: { value: 1.8 },
                  interpolate: { value: 'step-after' },
                },
              },
            },
          ],
        },
        thresholds: 'availabilityThresholds',
      }),
      panel('latencyPanel', 'latencyTop', 'latencyHeight', 'latencyY', strip, noSamples, {
        axes: [
          { orient: 'bottom', scale: 'x', grid: true, gridScale: 'latencyY', labelFlush: true, title: 'seconds since scenario start' },
          { orient: 'left', scale: 'latencyY', grid: true, gridScale: 'x', title: 'latency (ms, log scale)', format: '~g', values: logTicks(model.latencyDomain) },
        ],
        series: {
          type: 'symbol',
          from: { data: 'latency' },
          encode: {
            update: {
              x: { scale: 'x', field: 't' },
              y: { scale: 'latencyY', field: 'latencyMs' },
              shape: { signal: "datum.ok ? 'circle' : 'cross'" },
              size: { signal: 'datum.ok ? 10 : 28' },
              fill: { scale: 'colour', field: 'probe' },
              fillOpacity: { value: 0.7 },
            },
          },
        },
        thresholds: 'latencyThresholds',
      }),
    ],
  };
}

type GroupMark = NonNullable<Spec['marks']>[number];
type Axis = NonNullable<Spec['axes']>[number];

/** panel: one plot panel — fault bands, markers, the series, thresholds with labels, axes. */
function panel(
  name: string,
  top: string,
  height: string,
  yScale: string,
  strip: number,
  noSamples: boolean,
  parts: { axes: Axis[]; series: GroupMark; thresholds: string },
): GroupMark {
  const full = { y: { value: 0 }, y2: { signal: height } };
  return {
    type: 'group',
    name,
    encode: { update: { x: { value: 0 }, y: { signal: top }, width: { signal: 'width' }, height: { signal: height } } },
    axes: parts.axes,
    marks: [
      {
        type: 'rect',
        from: { data: 'faultBands' },
        encode: { update: { x: { scale: 'x', field: 'from' }, x2: { scale: 'x', field: 'to' }, ...full, fill: { value: EVENT_COLOURS.fault }, fillOpacity: { value: 0.16 } } },
      },
      {
        type: 'rule',
        from: { data: 'oneShotFaults' },
        encode: { update: { x: { scale: 'x', field: 'from' }, ...full, stroke: { value: EVENT_COLOURS.fault }, strokeWidth: { value: 2.5 } } },
      },
      parts.series,
      {
        type: 'rule',
        from: { data: 'markers' },
        encode: {
          update: {
            x: { scale: 'x', field: 't' },
            // Markers reach up into the label strip so that a label sits on its line.
            y: { value: name === 'availabilityPanel' ? -strip : -PANEL_GAP },
            y2: { signal: height },
            stroke: { field: 'colour' },
            strokeWidth: { value: 1.5 },
            strokeDash: { signal: "datum.kind === 'not-recovered' ? [4, 3] : []" },
          },
        },
      },
      {
        type: 'rule',
        from: { data: parts.thresholds },
        encode: {
          update: {
            x: { scale: 'x', field: 'from' },
            x2: { scale: 'x', field: 'to' },
            y: { scale: yScale, field: 'value' },
            stroke: { signal: `datum.kind === 'halt-floor' ? '${EVENT_COLOURS.halt}' : datum.met ? '${EVENT_COLOURS.threshold}' : '${EVENT_COLOURS['not-recovered']}'` },
            strokeWidth: { value: 1.5 },
            strokeDash: { value: [6, 4] },
          },
        },
      },
      {
        type: 'text',
        from: { data: parts.thresholds },
        encode: {
          update: {
            x: { scale: 'x', signal: "datum.labelAlign === 'left' ? datum.from : datum.to" },
            dx: { signal: "datum.labelAlign === 'left' ? 4 : -4" },
            align: { field: 'labelAlign' },
            y: { scale: yScale, field: 'value' },
            dy: { signal: 'datum.labelBelow ? 3 : -3' },
            text: { field: 'label' },
            fill: { signal: `datum.kind === 'halt-floor' ? '${EVENT_COLOURS.halt}' : datum.met ? '${EVENT_COLOURS.threshold}' : '${EVENT_COLOURS['not-recovered']}'` },
            fontSize: { value: LABEL_FONT_SIZE },
            baseline: { signal: "datum.labelBelow ? 'top' : 'bottom'" },
          },
        },
      },
      ...(noSamples
        ? [
            {
              type: 'text' as const,
              encode: {
                update: {
                  x: { signal: 'width / 2' },
                  y: { signal: `${height} / 2` },
                  text: { value: NO_SAMPLES_NOTE },
                  align: { value: 'center' as const },
                  fill: { value: '#777' },
                  fontSize: { value: 13 },
                },
              },
            },
          ]
        : []),
    ],
  };
}

/**
 * eventLabels: the fault and marker labels, each given a row of the strip so that labels do not overlap
 * (widths estimated from the text length; a label that would run past the right edge is right-aligned).
 */
export function eventLabels(model: PlotModel): EventLabel[] {
  const items = [
    ...model.faults.map((f) => ({ t: f.from, text: f.oneShot ? `${f.label} (one-shot)` : f.label, colour: '#b35900' })),
    ...model.markers.map((m) => ({ t: m.t, text: m.label, colour: EVENT_COLOURS[m.kind] })),
  ].sort((a, b) => a.t - b.t);
  const taken: [number, number][][] = Array.from({ length: MAX_LABEL_ROWS }, () => []);
  return items.map((item) => {
    const x = (item.t / model.xMax) * ESTIMATED_PLOT_WIDTH;
    const width = item.text.length * CHARACTER_WIDTH + 8;
    const align: 'left' | 'right' = x + width > ESTIMATED_PLOT_WIDTH ? 'right' : 'left';
    const span: [number, number] = align === 'left' ? [x, x + width] : [x - width, x];
    let row = taken.findIndex((intervals) => intervals.every(([a, b]) => span[1] <= a || span[0] >= b));
    if (row < 0) row = MAX_LABEL_ROWS - 1;
    (taken[row] as [number, number][]).push(span);
    return { ...item, row, align };
  });
}

/**
 * thresholdLabels: thresholds with where their label goes: at the start, or right-aligned at the end when it
 * would run out of the plot; above the line, or below it near the top of the axis, where the label would
 * otherwise sit on a healthy series (100 %) or in the label strip.
 */
function thresholdLabels(model: PlotModel): (PlotThreshold & { labelAlign: 'left' | 'right'; labelBelow: boolean })[] {
  const [low, high] = model.latencyDomain;
  return model.thresholds.map((t) => {
    const end = (t.from / model.xMax) * ESTIMATED_PLOT_WIDTH + t.label.length * CHARACTER_WIDTH + 8;
    const height = t.axis === 'availability' ? t.value : Math.log(t.value / low) / Math.log(high / low);
    return { ...t, labelAlign: end > ESTIMATED_PLOT_WIDTH ? 'right' : 'left', labelBelow: height >= 0.85 };
  });
}

/**
 * logTicks: ticks of a log axis over the domain widened to whole decades (as Vega's "nice" does): 1, 10, 100 …,
 * with 2 and 5 in between when at most four decades are shown; Vega's own log ticks put a grid line at every
 * 1–9 multiple, which buries the data.
 */
export function logTicks([low, high]: [number, number]): number[] {
  const first = Math.floor(Math.log10(low));
  const last = Math.ceil(Math.log10(high));
  const steps = last - first <= 4 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let decade = first; decade <= last; decade++) {
    for (const step of steps) {
      const value = Number((step * 10 ** decade).toPrecision(12));
      if (value <= 10 ** last) ticks.push(value);
    }
  }
  return ticks;
}
