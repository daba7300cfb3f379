/**
 * Measurements: what samples one scenario — its probes and loads by name — and the load reports that end up in
 * its summary. The Experiment starts them through its ScenarioHandle and stops them all when the scenario ends.
 * In plan mode names are reserved (so a second probe of the same name is refused) but nothing starts.
 */
import { now } from '../kernel/clock';
import { BadInput } from '../kernel/errors';
import type { LoadReport } from '../model/load';
import type { Sample } from '../model/sample';
import type { Probe } from '../probes/probe';
import type { StoppableLoad } from './scenario-handle';
import type { Timeline } from './timeline';

export class Measurements {
  /** Probes by name; null in plan mode, for loads, and for names that ride on another probe. */
  private readonly probes = new Map<string, Probe | null>();
  private readonly loads: StoppableLoad[] = [];
  private readonly pendingReports: Promise<unknown>[] = [];
  readonly loadReports: LoadReport[] = [];
  /** When the first probe or load started: the steady-state window cannot begin earlier. */
  firstStartedAt: number | null = null;

  constructor(
    private readonly timeline: Timeline,
    private readonly executing: boolean,
    private readonly plan: (action: string) => void,
  ) {}

  has(name: string): boolean {
    return this.probes.has(name);
  }

  /** require: BadInput naming the step to add when nothing samples `name`. */
  require(name: string): void {
    if (this.probes.has(name)) return;
    const [service, node] = name.split('@');
    throw new BadInput(
      `${name} is not probed in this scenario, so there is nothing to judge`,
      undefined,
      node ? `add "Given ${service} on ${node} is probed over HTTP at 10 Hz" before this step` : `add "Given ${name} is probed over HTTP at 10 Hz" before this step`,
    );
  }

  /** addProbe: one probe whose samples carry any of `names` (the first name owns it), started at once when executing. */
  addProbe(names: readonly string[], rateHz: number, make: (onSample: (sample: Sample) => void) => Probe, what: string): void {
    const [owner, ...others] = names;
    if (owner === undefined) throw new Error('addProbe: no probe name');
    if (!(rateHz > 0 && rateHz <= 100)) throw new BadInput(`probe rate ${rateHz} Hz is out of range`, undefined, 'use a rate between 0.1 and 100 Hz');
    for (const name of names) if (this.probes.has(name)) throw new BadInput(`${name} is probed twice in one scenario`, undefined, 'remove the second probe step');
    for (const name of others) this.probes.set(name, null);
    if (!this.executing) {
      this.probes.set(owner, null);
      this.plan(`probe ${owner}: ${what} at ${rateHz} Hz`);
      return;
    }
    const probe = make((sample) => this.timeline.addSample(sample));
    this.probes.set(owner, probe);
    probe.start();
    this.timeline.record('probe-started', `${owner}: ${probe.description}`, { probe: owner, rateHz });
    this.firstStartedAt ??= now();
  }

  /** addLoad: a load judged like a probe under `name`, stopped when the scenario ends. */
  addLoad(name: string, what: string, start: (onSample: (sample: Sample) => void) => StoppableLoad): void {
    if (this.probes.has(name)) throw new BadInput(`${name} runs twice in one scenario`, undefined, 'remove the second load step');
    this.probes.set(name, null);
    if (!this.executing) {
      this.plan(what);
      return;
    }
    this.loads.push(start((sample) => this.timeline.addSample(sample)));
    this.timeline.record('probe-started', `${name}: ${what}`, { probe: name });
    this.firstStartedAt ??= now();
  }

  /** addLoadReport: recorded once, whenever it settles; a failure shows where the report is judged. */
  addLoadReport(report: Promise<LoadReport>): void {
    this.pendingReports.push(report.then((r) => this.loadReports.push(r), () => undefined));
  }

  /** stopAll: stops every probe and load and waits for background loads (no k6 process outlives the scenario). */
  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.probes.values()].map((probe) => probe?.stop()));
    for (const load of this.loads) this.loadReports.push(await load.stop());
    await Promise.allSettled(this.pendingReports);
  }
}
