/**
 * buildPlotModel: what a scenario's timeline plot shows, in seconds since the scenario started — the probe
 * series, the SLO thresholds, the fault windows and the detect/recover/halt markers. Pure: the same inputs give
 * the same model, so the numbers are tested here and the drawing (vega-spec.ts) only places them.
 */
import { round3 } from '../../core/scenario-files';
import { parseSlo, type SloExpression } from '../../slo/expression';
import type { FaultRecord, Phase, RecoveryResult, ScenarioSummary } from '../../model/summary';
import type { SampleRow, TimelineFile } from './scenario-files-read';

/** PlotAvailabilityPoint: the share of good samples of one probe over the window ending at `t` (0..1). */
export interface PlotAvailabilityPoint {
  probe: string;
  t: number;
  availability: number;
}

export interface PlotLatencyPoint {
  probe: string;
  t: number;
  /** Shown on a log axis: never below LATENCY_FLOOR_MS. */
  latencyMs: number;
  ok: boolean;
}

/** PlotThreshold: an SLO (or halt floor) drawn as a horizontal line over the window it was judged on. */
export interface PlotThreshold {
  axis: 'availability' | 'latency';
  /** In the axis unit: ratio 0..1 (an error-rate SLO as 1 − rate) or milliseconds. */
  value: number;
  from: number;
  to: number;
  label: string;
  /** False when the SLO was not met; a halt floor is "met" until the halt. */
  met: boolean;
  kind: 'slo' | 'halt-floor';
}

/** PlotFault: a fault window from injection to revert; a one-shot fault (kill) is an instant (`to` = `from`). */
export interface PlotFault {
  label: string;
  from: number;
  to: number;
  oneShot: boolean;
  /** Reversible but no revert was recorded: the band runs to the end of the plot. */
  open: boolean;
}

export type PlotMarkerKind = 'detected' | 'recovered' | 'not-recovered' | 'halt' | 'alert-firing' | 'alert-resolved' | 'remediation';

export interface PlotMarker {
  kind: PlotMarkerKind;
  t: number;
  label: string;
}

export interface PlotModel {
  title: string;
  subtitle: string[];
  /** The x axis runs from 0 to xMax seconds. */
  xMax: number;
  probes: string[];
  availabilityWindowSeconds: number;
  availability: PlotAvailabilityPoint[];
  latency: PlotLatencyPoint[];
  /** Log-axis domain in ms covering every latency and latency threshold. */
  latencyDomain: [number, number];
  thresholds: PlotThreshold[];
  faults: PlotFault[];
  markers: PlotMarker[];
  /** Shown on the plot itself, e.g. that the scenario recorded no samples. */
  notes: string[];
}

export interface PlotModelOptions {
  /** Window of the rolling availability line; 1 s holds 10–20 samples at the lab's probe rates. */
  availabilityWindowSeconds?: number;
}

/** samples.csv keeps latency to 0.1 ms; a log axis cannot show 0, so faster answers are drawn at 0.1 ms. */
export const LATENCY_FLOOR_MS = 0.1;
export const NO_SAMPLES_NOTE = 'no probe samples were recorded in this scenario';

export function buildPlotModel(scenario: ScenarioSummary, timeline: TimelineFile, samples: readonly SampleRow[], options: PlotModelOptions = {}): PlotModel {
  const windowSeconds = options.availabilityWindowSeconds ?? 1;
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const probes = [...new Set(sorted.map((s) => s.probe))];
  const lastEvent = Math.max(0, ...timeline.events.map((e) => e.t));
  const lastSample = sorted.length === 0 ? 0 : (sorted[sorted.length - 1] as SampleRow).t;
  const xMax = round3(Math.max(scenario.durationSeconds, lastEvent, lastSample, 1));
  const clock = new ScenarioClock(timeline, scenario);

  const faults = scenario.faults.map((fault) => faultWindow(fault, clock, xMax));
  const faultStart = faults.length === 0 ? null : Math.min(...faults.map((f) => f.from));
  const reverts = faults.filter((f) => !f.oneShot && !f.open).map((f) => f.to);
  const recoveredEvents = timeline.events.filter((e) => e.kind === 'recovered').map((e) => e.t);
  // As in Experiment: the fault ends at the last revert; after a one-shot fault, when the probe recovered.
  const faultEnd = reverts.length > 0 ? Math.max(...reverts) : recoveredEvents.length > 0 ? Math.min(...recoveredEvents) : null;
  const steadyStart = timeline.events.find((e) => e.kind === 'phase' && e.data?.phase === 'before')?.t ?? 0;
  const phases: Record<Phase | 'run', [number, number]> = {
    before: [steadyStart, faultStart ?? xMax],
    during: [faultStart ?? xMax, faultEnd ?? xMax],
    after: [faultEnd ?? xMax, xMax],
    run: [0, xMax],
  };

  const notes: string[] = [];
  if (sorted.length === 0) notes.push(NO_SAMPLES_NOTE);
  const thresholds: PlotThreshold[] = [];
  const notDrawn: string[] = [];
  for (const slo of scenario.slos) {
    const parsed = tryParseSlo(slo.expression);
    if (parsed === null) {
      notDrawn.push(slo.expression);
      continue;
    }
    const [from, to] = phases[slo.phase];
    addThreshold(thresholds, { ...onAxis(parsed), from, to, label: `${slo.probe} ${slo.expression} (${slo.phase}${slo.met ? '' : ', NOT MET'})`, met: slo.met, kind: 'slo' }, slo.probe);
  }
  const markers = recoveryMarkers(scenario.recovery, faultStart, faultEnd);
  if (scenario.halt) {
    const halt = scenario.halt;
    const haltEvent = timeline.events.find((e) => e.kind === 'halt');
    const t = haltEvent?.t ?? clock.secondsAt(halt.crossedAt);
    if (t !== null) markers.push({ kind: 'halt', t, label: `halt: ${halt.probe} ${halt.expression} over ${halt.windowSeconds}s` });
    const floor = tryParseSlo(halt.expression);
    if (floor !== null) {
      thresholds.push({ ...onAxis(floor), from: faultStart ?? 0, to: xMax, label: `halt floor: ${halt.probe} ${halt.expression}`, met: false, kind: 'halt-floor' });
    }
  }
  markers.push(...alertMarkers(scenario, clock));
  if (notDrawn.length > 0) notes.push(`not drawn (no axis for their unit): ${notDrawn.join('; ')}`);

  const latency = sorted
    .filter((s) => s.latencyMs !== undefined)
    .map((s) => ({ probe: s.probe, t: s.t, latencyMs: Math.max(LATENCY_FLOOR_MS, s.latencyMs as number), ok: s.ok }));
  const verdict = scenario.expectedVerdict !== undefined && scenario.asExpected && scenario.verdict !== 'passed' ? `${scenario.verdict} (as expected)` : scenario.verdict;
  return {
    title: `${scenario.name} — ${verdict}`,
    subtitle: [scenario.id, ...(scenario.reason ? [truncate(scenario.reason, 140)] : [])],
    xMax,
    probes,
    availabilityWindowSeconds: windowSeconds,
    availability: rollingAvailability(sorted, probes, windowSeconds),
    latency,
    latencyDomain: latencyDomain(latency, thresholds),
    thresholds,
    faults,
    markers: markers.sort((a, b) => a.t - b.t),
    notes,
  };
}

/** ScenarioClock: seconds since the scenario started, from timeline events or, failing those, wall-clock times. */
class ScenarioClock {
  private readonly originMs: number;

  constructor(private readonly timeline: TimelineFile, scenario: ScenarioSummary) {
    this.originMs = Date.parse(timeline.startedAt || scenario.startedAt);
  }

  /** eventSeconds: `t` of the first event of `kind` for the injection, else the wall time converted. */
  eventSeconds(kind: 'injected' | 'reverted', injectionId: string, wall: string | undefined): number | null {
    const event = this.timeline.events.find((e) => e.kind === kind && e.data?.injectionId === injectionId);
    return event ? event.t : wall === undefined ? null : this.secondsAt(wall);
  }

  secondsAt(wall: string): number | null {
    const ms = Date.parse(wall);
    return Number.isNaN(ms) || Number.isNaN(this.originMs) ? null : round3((ms - this.originMs) / 1000);
  }
}

function faultWindow(fault: FaultRecord, clock: ScenarioClock, xMax: number): PlotFault {
  const label = `${fault.kind} ${fault.target}`;
  const from = clock.eventSeconds('injected', fault.injectionId, fault.injectedAt) ?? 0;
  if (!fault.reversible) return { label, from, to: from, oneShot: true, open: false };
  const to = clock.eventSeconds('reverted', fault.injectionId, fault.revertedAt);
  if (to === null) return { label: `${label} (no revert recorded)`, from, to: xMax, oneShot: false, open: true };
  return { label, from, to, oneShot: false, open: false };
}

/** recoveryMarkers: RecoveryResult times made absolute — detect from the first injection, recover per `from`. */
/** alertMarkers: alert fired and resolved (the alerting system's stamps) and remediation ends (audit log), issue 15. */
function alertMarkers(scenario: ScenarioSummary, clock: ScenarioClock): PlotMarker[] {
  const markers: PlotMarker[] = [];
  const at = (iso: string | null | undefined): number | null => (iso ? clock.secondsAt(iso) : null);
  for (const a of scenario.alerts ?? []) {
    const who = `${a.alert}${a.node ? ` ${a.node}` : ''}`;
    const fired = at(a.firedAt);
    if (fired !== null) markers.push({ kind: 'alert-firing', t: fired, label: a.falseAlarm ? `false alarm: ${who}` : `${who} firing +${a.alertSeconds}s` });
    const resolved = at(a.resolvedAt);
    if (resolved !== null) markers.push({ kind: 'alert-resolved', t: resolved, label: `${who} resolved` });
    const remediated = at(a.remediation?.finishedAt);
    if (remediated !== null) markers.push({ kind: 'remediation', t: remediated, label: `${a.remediation?.name ?? 'remediation'} on ${a.remediation?.node ?? '?'}: ${a.remediation?.result ?? '?'}` });
  }
  return markers;
}

function recoveryMarkers(recovery: readonly RecoveryResult[], faultStart: number | null, faultEnd: number | null): PlotMarker[] {
  const markers: PlotMarker[] = [];
  if (faultStart === null) return markers;
  for (const r of recovery) {
    if (r.detectSeconds !== null) {
      markers.push({ kind: 'detected', t: round3(faultStart + r.detectSeconds), label: `${r.probe} first failure +${r.detectSeconds}s` });
    }
    const base = r.from === 'injection' ? faultStart : faultEnd;
    if (base === null) continue;
    if (r.recoverSeconds !== null) {
      markers.push({ kind: 'recovered', t: round3(base + r.recoverSeconds), label: `${r.probe} recovered +${r.recoverSeconds}s after ${r.from} (bound ${r.boundSeconds}s)` });
    } else {
      markers.push({ kind: 'not-recovered', t: round3(base + r.boundSeconds), label: `${r.probe} not recovered ${r.boundSeconds}s after ${r.from}` });
    }
  }
  return markers;
}

function tryParseSlo(text: string): SloExpression | null {
  try {
    return parseSlo(text);
  } catch {
    return null; // e.g. a PromQL SLO ("promql(...) >= 2"): its values are not in samples.csv.
  }
}

/** onAxis: where an SLO's threshold is drawn; an error-rate limit becomes the availability it allows. */
function onAxis(slo: SloExpression): Pick<PlotThreshold, 'axis' | 'value'> {
  if (slo.unit === 'ms') return { axis: 'latency', value: slo.threshold };
  return { axis: 'availability', value: slo.metric.kind === 'errorRate' ? 1 - slo.threshold : slo.threshold };
}

/** addThreshold: one line per (axis, value, window); the same SLO of several probes shares a line and a label. */
function addThreshold(into: PlotThreshold[], threshold: PlotThreshold, probe: string): void {
  const same = into.find((t) => t.kind === threshold.kind && t.axis === threshold.axis && t.value === threshold.value && t.from === threshold.from && t.to === threshold.to);
  if (!same) {
    into.push(threshold);
    return;
  }
  const rest = threshold.label.slice(probe.length);
  same.label = same.label.endsWith(rest) ? `${same.label.slice(0, -rest.length)}, ${probe}${rest}` : `${same.label}; ${threshold.label}`;
  same.met = same.met && threshold.met;
}

/**
 * rollingAvailability: per probe and sample, the share of ok samples among the probe's samples in
 * (t − window, t]; samples with a measurement problem are left out, as in the SLO math.
 */
export function rollingAvailability(sorted: readonly SampleRow[], probes: readonly string[], windowSeconds: number): PlotAvailabilityPoint[] {
  const points: PlotAvailabilityPoint[] = [];
  for (const probe of probes) {
    const own = sorted.filter((s) => s.probe === probe && !s.measurementProblem);
    let start = 0;
    let good = 0;
    for (let end = 0; end < own.length; end++) {
      const sample = own[end] as SampleRow;
      if (sample.ok) good++;
      while ((own[start] as SampleRow).t <= sample.t - windowSeconds) {
        if ((own[start] as SampleRow).ok) good--;
        start++;
      }
      points.push({ probe, t: sample.t, availability: good / (end - start + 1) });
    }
  }
  return points;
}

function latencyDomain(latency: readonly PlotLatencyPoint[], thresholds: readonly PlotThreshold[]): [number, number] {
  const values = [...latency.map((p) => p.latencyMs), ...thresholds.filter((t) => t.axis === 'latency' && t.value > 0).map((t) => t.value)];
  if (values.length === 0) return [1, 1000];
  let low = values[0] as number;
  let high = low;
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return high / low < 10 ? [low / 3, high * 3] : [low, high];
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
