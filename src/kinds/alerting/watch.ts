/**
 * AlertWatch: what Alertmanager held during one scenario, read every `pollInterval` from the moment the scenario
 * starts watching until it ends. For each alert (by fingerprint) it keeps Alertmanager's own startsAt, the labels,
 * the silences that held it, and the wall-clock reading at which Alertmanager first stopped listing it (an upper
 * bound of its resolution; the exact instant comes from Prometheus's ALERTS series, judge-alerts.ts).
 * A failed reading is kept as a measurement problem, never as "no alert".
 */
import { now, wallClockAt } from '../../kernel/clock';
import { errorMessage } from '../../kernel/errors';
import type { ScenarioHandle } from '../../core/scenario-handle';
import { alertmanagerAlerts, AmAlert, auditEntries } from './api';
import type { AlertingSpec } from './environment';

/** SeenAlert: one alert as the watch saw it; times in wall-clock ms. */
export interface SeenAlert {
  fingerprint: string;
  name: string;
  labels: Record<string, string>;
  /** Alertmanager's startsAt. */
  startsAtMs: number;
  firstSeenMs: number;
  lastSeenMs: number;
  /** The first reading after lastSeen that no longer listed it; null while it is listed. */
  goneAtMs: number | null;
  silencedBy: Set<string>;
}

export class AlertWatch {
  readonly seen = new Map<string, SeenAlert>();
  /** Readings that failed, with their reason (the last few). */
  readonly problems: string[] = [];
  /** The audit log's last entry number when the watch started: the scenario's entries come after it. */
  auditBaseline = 0;
  private timer: NodeJS.Timeout | null = null;
  private reading: Promise<void> = Promise.resolve();
  private readings = 0;

  constructor(
    readonly spec: AlertingSpec,
    private readonly scenario: ScenarioHandle,
  ) {}

  /** start: one reading now (it must succeed: an unreachable Alertmanager cannot be watched), then every interval. */
  async start(): Promise<void> {
    await this.read(true);
    this.auditBaseline = (await auditEntries(this.spec)).at(-1)?.seq ?? 0;
    this.timer = setInterval(() => {
      this.reading = this.reading.then(() => this.read(false));
    }, this.spec.pollIntervalMs);
  }

  /** settle: one more reading, after the ones in flight; what a judgement calls before it looks. */
  async settle(): Promise<void> {
    this.reading = this.reading.then(() => this.read(false));
    await this.reading;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.reading;
  }

  get readingCount(): number {
    return this.readings;
  }

  private async read(mustSucceed: boolean): Promise<void> {
    let alerts: AmAlert[];
    const at = Date.now();
    try {
      alerts = await alertmanagerAlerts(this.spec);
    } catch (error) {
      if (mustSucceed) throw error;
      this.problems.push(`${new Date(at).toISOString()}: ${errorMessage(error)}`);
      if (this.problems.length > 5) this.problems.shift();
      return;
    }
    this.readings += 1;
    const listed = new Set<string>();
    for (const alert of alerts) {
      listed.add(alert.fingerprint);
      const known = this.seen.get(alert.fingerprint);
      const startsAtMs = Date.parse(alert.startsAt);
      if (known && known.startsAtMs === startsAtMs) {
        known.lastSeenMs = at;
        known.goneAtMs = null;
        for (const id of alert.status.silencedBy) known.silencedBy.add(id);
        continue;
      }
      const seen: SeenAlert = { fingerprint: alert.fingerprint, name: alert.labels.alertname ?? '', labels: alert.labels, startsAtMs, firstSeenMs: at, lastSeenMs: at, goneAtMs: null, silencedBy: new Set(alert.status.silencedBy) };
      this.seen.set(alert.fingerprint, seen);
      this.scenario.timeline.record('note', `alert ${seen.name}${seen.labels.node ? ` for ${seen.labels.node}` : ''} firing (Alertmanager startsAt ${alert.startsAt})`, { alerting: 'firing', alert: seen.name, node: seen.labels.node ?? null, fingerprint: seen.fingerprint }, monotonicAt(startsAtMs));
    }
    for (const seen of this.seen.values()) if (!listed.has(seen.fingerprint) && seen.goneAtMs === null) seen.goneAtMs = at;
  }
}

/** monotonicAt: the monotonic stamp of a wall-clock time (for timeline events stamped by another system). */
export function monotonicAt(wallMs: number): number {
  return now() + (wallMs - Date.now());
}

/** wallMsAt: the wall-clock ms of a monotonic stamp. */
export function wallMsAt(t: number): number {
  return Date.parse(wallClockAt(t));
}

const WATCH_KEY = 'alerting/watch';

/** watchOf: the scenario's running watch, or undefined. */
export function watchOf(scenario: ScenarioHandle): AlertWatch | undefined {
  return scenario.scenarioState<{ watch?: AlertWatch }>(WATCH_KEY, () => ({})).watch;
}

/** setWatch: remembers the scenario's watch. */
export function setWatch(scenario: ScenarioHandle, watch: AlertWatch): void {
  scenario.scenarioState<{ watch?: AlertWatch }>(WATCH_KEY, () => ({})).watch = watch;
}
