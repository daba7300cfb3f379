/**
 * Experiment: the lifecycle of one scenario (DESIGN.md section 4) — probes, steady state, inject, observe,
 * revert, recover, verdict — with no Cucumber in sight. In plan mode every call validates and records what it
 * would do and touches nothing; in execute mode it acts. Faults are reverted on every path through finish().
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { withProgress } from './progress';
import { now, sleep, wallClockAt } from '../kernel/clock';
import { BadInput, ExperimentCompromised, HypothesisRefuted, NotSteady, SafetyHalt, errorMessage } from '../kernel/errors';
import { formatDuration } from '../kernel/duration';
import { HaltCondition, HaltCrossing, HaltWatch } from './halt-watch';
import { Injection } from './injection';
import type { RunContext } from './run-context';
import { Timeline } from './timeline';
import { round3, writeScenarioFiles } from './scenario-files';
import type { Fault } from './fault';
import { isNetworkFault } from '../kinds/hosts/network/network-fault';
import { isPlanCheckedFault, PlanCheckedFault } from '../kinds/hosts/node/node-fault';
import { isCephFault } from '../kinds/ceph/faults/context';
import { executorFor } from '../executors';
import { startLoad as startBuiltinLoad, LoadRun } from '../load/generator';
import { chooseLoadEngine, runK6Script } from '../load/k6';
import { evaluateSloOnLoadReport } from '../load/report-slo';
import type { LoadReport } from '../load/load-report';
import { CommandProbe } from '../probes/command-probe';
import { HttpProbe } from '../probes/http-probe';
import type { Probe } from '../probes/probe';
import type { Sample } from '../model/sample';
import { TcpProbe } from '../probes/tcp-probe';
import { PromqlProbe, PromqlSample } from '../prometheus/promql-probe';
import { evaluatePromqlSlo, parsePromqlSlo, promqlCondition } from '../prometheus/promql-slo';
import { evaluateSlo, observeSlo, samplesInWindow } from '../slo/evaluate';
import { formatSloValue, parseSlo, SloExpression } from '../slo/expression';
import { findRecovery } from '../slo/recovery';
import { interpolatedDetectMs, interpolatedRecoveryAt } from '../slo/outage';
import { resolveNode, resolveService } from '../environment/inventory';
import { parseSelector, resolveSelector } from '../kinds/hosts/selector';
import type { FaultRecord, HaltRecord, MeasuredEvent, Phase, RecoveryResult, ScenarioSummary, SloResult, Verdict } from '../model/summary';
import { expectedVerdictOf, verdictOf } from './verdict';

/** ExperimentExtension: the narrow view of a scenario that domain modules outside core use (see extension()). */
export interface ExperimentExtension {
  /** True in plan mode: record what would be done, touch nothing. */
  readonly planning: boolean;
  readonly timeline: Timeline;
  plan(action: string): void;
  say(line: string): void;
  hasProbe(name: string): boolean;
  /** addProbe: one probe whose samples carry any of `names` (the first name owns it); started at once when executing. */
  addProbe(names: readonly string[], rateHz: number, make: (onSample: (sample: Sample) => void) => Probe, what: string): void;
  /** faultWindow: monotonic start of the first fault, end of the last (revert, or recovery after a one-shot). */
  faultWindow(): { start: number | null; end: number | null; oneShot: boolean; planned: boolean };
  /** lastInjectedAt: when the latest fault was applied (monotonic), or null. */
  lastInjectedAt(): number | null;
  /** lastApplyStartedAt: when the latest applied fault's apply() began (its effects can start there), or null. */
  lastApplyStartedAt(): number | null;
  /** recordRecovery: adds a recovery result to the summary (and a "recovered" event at `recoveredAt`). */
  recordRecovery(result: RecoveryResult, recoveredAt: number | null): void;
  /** recordEvent: adds an event timed by the system's own stamp to the summary. */
  recordEvent(event: MeasuredEvent): void;
  /**
   * atScenarioEnd: `cleanup` runs when the scenario finishes, on every path (after the reverts and the probes'
   * stop), e.g. to remove test data a step wrote; a failing cleanup is said, not thrown.
   */
  atScenarioEnd(what: string, cleanup: () => Promise<void>): void;
  /** signal: aborted when the run is interrupted or the scenario halted. */
  signal(): AbortSignal;
  throwIfInterrupted(): void;
  readonly stabilizationMs: number;
}

export interface ScenarioMeta {
  /** "features/lab/x.feature:9" */
  id: string;
  name: string;
  feature: string;
  line: number;
  tags: string[];
}

/** How often waits look at the samples; also the granularity of progress-aware waiting. */
const POLL_MS = 100;

export class Experiment {
  readonly timeline = new Timeline();
  /** Probes by name; null in plan mode (planned, not started). */
  private readonly probes = new Map<string, Probe | null>();
  private readonly haltConditions: HaltCondition[] = [];
  private haltWatch: HaltWatch | null = null;
  private readonly loads: LoadRun[] = [];
  private readonly loadReports: LoadReport[] = [];
  /** Scripted loads (k6, or the built-in generator standing in for it) by service, settling to their report. */
  private readonly scriptedLoads = new Map<string, Promise<LoadReport>>();
  private halt: HaltRecord | null = null;
  /** Aborted by a halt: ends this scenario's waits (the run's interruption ends them too). */
  private readonly scenarioAbort = new AbortController();
  private readonly injections: Injection[] = [];
  private readonly slos: SloResult[] = [];
  private readonly recoveries: RecoveryResult[] = [];
  private readonly events: MeasuredEvent[] = [];
  private readonly cleanups: Array<{ what: string; cleanup: () => Promise<void> }> = [];
  private readonly startedAtWall = new Date().toISOString();
  private readonly startedAt = now();
  private steadyStart: number | null = null;
  private faultStart: number | null = null;
  private faultEnd: number | null = null;
  /** Set by one-shot faults: recovery is measured from the injection. */
  private oneShot = false;
  private plannedFault = false;

  constructor(
    private readonly ctx: RunContext,
    readonly meta: ScenarioMeta,
  ) {
    if (this.executing) this.timeline.record('scenario-started', meta.name);
  }

  private get executing(): boolean {
    return this.ctx.mode === 'execute';
  }

  get env() {
    return this.ctx.env;
  }

  private plan(action: string): void {
    this.ctx.planned.push({ scenario: this.meta.id, action });
  }

  private say(line: string): void {
    this.ctx.log(`  ${line}`);
  }

  /**
   * extension: what domain modules outside core (src/kinds/ceph/probes/) need of this scenario — plan lines, log lines,
   * the timeline, probes under several names, the fault window, recovery results, the abort signal — without
   * reaching into its private state.
   */
  extension(): ExperimentExtension {
    return {
      planning: !this.executing,
      timeline: this.timeline,
      plan: (action) => this.plan(action),
      say: (line) => this.say(line),
      hasProbe: (name) => this.probes.has(name),
      addProbe: (names, rateHz, make, what) => {
        const [owner, ...others] = names;
        if (owner === undefined) throw new Error('extension.addProbe: no probe name');
        for (const name of others) if (this.probes.has(name)) throw new BadInput(`${name} is probed twice in one scenario`, undefined, 'remove the second probe step');
        this.addProbe(owner, rateHz, make, what);
        for (const name of others) this.probes.set(name, null);
      },
      faultWindow: () => ({ start: this.faultStart, end: this.faultEnd, oneShot: this.oneShot, planned: this.plannedFault }),
      lastInjectedAt: () => this.lastApplied()?.injectedAt ?? null,
      lastApplyStartedAt: () => this.lastApplied()?.applyStartedAt ?? null,
      recordRecovery: (result, recoveredAt) => {
        this.recoveries.push(result);
        if (recoveredAt !== null) {
          this.timeline.record('recovered', `${result.probe} recovered`, { ...result }, recoveredAt);
          if (this.oneShot) this.faultEnd ??= recoveredAt;
        }
      },
      recordEvent: (event) => {
        this.events.push(event);
      },
      atScenarioEnd: (what, cleanup) => {
        this.cleanups.push({ what, cleanup });
      },
      signal: () => AbortSignal.any([this.ctx.interruption.signal, this.scenarioAbort.signal]),
      throwIfInterrupted: () => this.throwIfInterrupted(),
      stabilizationMs: this.env.defaults.stabilizationMs,
    };
  }

  // ---- probes ---------------------------------------------------------------------------------------------

  /** probeService: samples the service's client endpoint over HTTP (in the lab: through haproxy). Probe name = service. */
  probeService(serviceName: string, rateHz: number, bodyIncludes?: string): string {
    const service = resolveService(this.env, serviceName);
    if (!service.endpoint) {
      throw new BadInput(`service ${service.name} has no endpoint to probe`, undefined, `add endpoint: http://... to service ${service.name} in ${this.env.sourcePath}`);
    }
    const url = service.endpoint;
    const timeoutMs = this.env.defaults.probeTimeoutMs;
    const what = bodyIncludes === undefined ? `GET ${url}` : `GET ${url} expecting "${bodyIncludes}" in the body`;
    this.addProbe(service.name, rateHz, (onSample) => new HttpProbe({ name: service.name, url, rateHz, timeoutMs, onSample, ...(bodyIncludes === undefined ? {} : { bodyIncludes }) }), what);
    return service.name;
  }

  /** probeBackend: samples one node's backend of a service directly over HTTP. Probe name = "service@node". */
  probeBackend(serviceName: string, nodeName: string, rateHz: number): string {
    const service = resolveService(this.env, serviceName);
    const node = resolveNode(this.env, nodeName);
    if (!service.backendUrl) {
      throw new BadInput(`service ${service.name} has no backendUrl`, undefined, `add backendUrl: http://{address}:${service.port}/ to service ${service.name} in ${this.env.sourcePath}`);
    }
    const url = service.backendUrl.replaceAll('{address}', node.address).replaceAll('{node}', node.name);
    const name = `${service.name}@${node.name}`;
    this.addProbe(name, rateHz, (onSample) => new HttpProbe({ name, url, rateHz, timeoutMs: this.env.defaults.probeTimeoutMs, onSample }), `GET ${url}`);
    return name;
  }

  /** probeTcp: TCP connects to a service's port on one node. Probe name = "service@node/tcp". */
  probeTcp(serviceName: string, nodeName: string, rateHz: number): string {
    const service = resolveService(this.env, serviceName);
    const node = resolveNode(this.env, nodeName);
    const name = `${service.name}@${node.name}/tcp`;
    this.addProbe(name, rateHz, (onSample) => new TcpProbe({ name, host: node.address, port: service.port, rateHz, timeoutMs: this.env.defaults.probeTimeoutMs, onSample }), `TCP ${node.address}:${service.port}`);
    return name;
  }

  /** probeCommand: runs a shell command on a node through its executor; good when it exits 0. */
  probeCommand(name: string, nodeName: string, script: string, rateHz: number): string {
    const node = resolveNode(this.env, nodeName);
    const executor = executorFor(node.executor);
    // A command may legitimately take a while (a CLI starting up); it gets the whole period, at least 1 s.
    const timeoutMs = Math.max(1000, 1000 / rateHz);
    this.addProbe(name, rateHz, (onSample) => new CommandProbe({ name, executor, script, rateHz, timeoutMs, onSample }), `command "${script}" on ${node.name}`);
    return name;
  }

  /** lastApplied: the latest injection whose fault was applied. */
  private lastApplied(): Injection | undefined {
    return [...this.injections].reverse().find((i) => i.injectedAt !== null);
  }

  private addProbe(name: string, rateHz: number, make: (onSample: (sample: Sample) => void) => Probe, what: string): void {
    if (!(rateHz > 0 && rateHz <= 100)) {
      throw new BadInput(`probe rate ${rateHz} Hz is out of range`, undefined, 'use a rate between 0.1 and 100 Hz');
    }
    if (this.probes.has(name)) throw new BadInput(`${name} is probed twice in one scenario`, undefined, 'remove the second probe step');
    if (!this.executing) {
      this.probes.set(name, null);
      this.plan(`probe ${name}: ${what} at ${rateHz} Hz`);
      return;
    }
    const probe = make((sample) => this.timeline.addSample(sample));
    this.probes.set(name, probe);
    probe.start();
    this.timeline.record('probe-started', `${name}: ${probe.description}`, { probe: name, rateHz });
    if (this.steadyStart === null) this.steadyStart = now();
  }

  /**
   * watchPromql: samples a PromQL SLO ("promql(<query>) <op> <number>") once a second from the environment's
   * Prometheus, so it can be judged per phase later. Probe name = "promql:<query>".
   */
  watchPromql(sloText: string): string {
    const slo = parsePromqlSlo(sloText);
    const prometheus = this.env.prometheus;
    if (!prometheus) {
      throw new BadInput(`environment ${this.env.name} names no Prometheus to query`, undefined, `add prometheus: { url: http://... } to ${this.env.sourcePath}`);
    }
    const name = promqlProbeName(slo.query);
    this.addProbe(name, 1, (onSample) => new PromqlProbe({ name, baseUrl: prometheus.url, query: slo.query, condition: promqlCondition(slo), onSample }), `PromQL ${slo.query} on ${prometheus.url}`);
    return name;
  }

  /** assertPromql: judges a watched PromQL SLO over a phase: met when every sample of the phase met it. */
  async assertPromql(sloText: string, phase: Phase): Promise<void> {
    const slo = parsePromqlSlo(sloText);
    const name = promqlProbeName(slo.query);
    if (!this.probes.has(name)) {
      throw new BadInput(`the PromQL SLO is not watched in this scenario, so there are no samples to judge`, undefined, `add the step: Given Prometheus watches "${sloText}" (before the fault)`);
    }
    if (!this.executing) {
      this.plan(`judge: ${sloText} ${phase === 'before' ? 'in steady state' : `${phase} the fault`}`);
      return;
    }
    await this.settleInFlight();
    const [from, to] = this.phaseWindow(phase);
    const samples = samplesInWindow(this.timeline.samplesOf(name), from, to) as PromqlSample[];
    const result = evaluatePromqlSlo(slo, samples, phase, name);
    this.slos.push(result);
    this.timeline.record('slo', `${sloText} ${phase}: ${result.observedText}`, { ...result });
    this.say(`${result.met ? 'ok' : 'NOT MET'}: ${sloText} ${phase} the fault, worst ${result.observedText} (${result.samples} samples)`);
    if (!result.met) {
      throw new HypothesisRefuted(`Prometheus: "${sloText}" not met ${phase} the fault: worst value ${result.observedText} over ${result.samples} samples`, { ...result });
    }
  }

  /**
   * loadService: a constant arrival rate of GET requests on the service's endpoint, beside the probes, until
   * the scenario ends (bounded by `maxDurationMs` and the matching request count). Its samples are judged per
   * phase like a probe's, under the name "load:<service>". The built-in open-model generator is used; when a k6
   * binary is installed the run says that k6 scripts run with `k6` but per-phase judgement needs the built-in one.
   */
  async loadService(serviceName: string, ratePerSecond: number, maxDurationMs = 15 * 60_000): Promise<string> {
    const service = resolveService(this.env, serviceName);
    if (!service.endpoint) {
      throw new BadInput(`service ${service.name} has no endpoint to load`, undefined, `add endpoint: http://... to service ${service.name} in ${this.env.sourcePath}`);
    }
    if (!(ratePerSecond > 0 && ratePerSecond <= 5000)) {
      throw new BadInput(`a load of ${ratePerSecond} requests per second is out of range`, undefined, 'use a rate between 1 and 5000 requests per second');
    }
    const name = `load:${service.name}`;
    if (this.probes.has(name)) throw new BadInput(`${service.name} is loaded twice in one scenario`, undefined, 'remove the second load step');
    if (!this.executing) {
      this.probes.set(name, null);
      this.plan(`load ${service.name}: GET ${service.endpoint} at ${ratePerSecond}/s (built-in open-model generator, at most ${formatDuration(maxDurationMs)})`);
      return name;
    }
    const engine = await chooseLoadEngine();
    this.say(engine.engine === 'k6' ? `k6 found (${engine.k6Path}); per-phase SLOs need per-request samples, so this step uses the built-in generator` : engine.reason);
    const run = startBuiltinLoad({
      name,
      url: service.endpoint,
      ratePerSecond,
      maxRequests: Math.ceil((ratePerSecond * maxDurationMs) / 1000),
      maxDurationMs,
      timeoutMs: this.env.defaults.probeTimeoutMs,
      onSample: (sample) => this.timeline.addSample(sample),
    });
    this.loads.push(run);
    this.probes.set(name, null);
    this.timeline.record('probe-started', `${name}: ${ratePerSecond}/s on ${service.endpoint}`, { probe: name, ratePerSecond });
    if (this.steadyStart === null) this.steadyStart = now();
    return name;
  }

  /**
   * loadWithScript: runs a k6 script (experiments/load/*.ts) against the service for `durationMs` at `rate`,
   * in the background, when a k6 binary is installed; without one the run says so and the built-in generator
   * offers the same load. Either way the whole run's report is judged with assertLoadSummary.
   */
  async loadWithScript(script: string, serviceName: string, rate: number, durationMs: number): Promise<void> {
    const service = resolveService(this.env, serviceName);
    const scriptPath = resolvePath(script);
    if (!existsSync(scriptPath)) throw new BadInput(`k6 script ${script} does not exist`, undefined, 'name a script under experiments/load/, e.g. "experiments/load/web-constant-rate.ts"');
    if (!service.endpoint) throw new BadInput(`service ${service.name} has no endpoint to load`, undefined, `add endpoint: http://... to service ${service.name} in ${this.env.sourcePath}`);
    if (this.scriptedLoads.has(service.name)) throw new BadInput(`${service.name} gets a scripted load twice in one scenario`, undefined, 'remove the second load step');
    if (!this.executing) {
      this.scriptedLoads.set(service.name, Promise.resolve(null as unknown as LoadReport));
      this.plan(`load ${service.name}: ${script} at ${rate}/s for ${formatDuration(durationMs)} (k6 when installed, else the built-in generator)`);
      return;
    }
    const engine = await chooseLoadEngine();
    const endpoint = service.endpoint;
    let report: Promise<LoadReport>;
    if (engine.engine === 'k6') {
      this.say(`k6: ${script} at ${rate}/s for ${formatDuration(durationMs)} (${engine.k6Path})`);
      report = runK6Script({
        script: scriptPath,
        env: { TARGET_URL: endpoint, RATE: String(rate), DURATION: `${Math.ceil(durationMs / 1000)}s`, TIMEOUT_MS: String(this.env.defaults.probeTimeoutMs) },
        summaryPath: resolvePath(this.ctx.runDir, `k6-${service.name}-${Date.now()}.json`),
        timeoutMs: durationMs + 60_000,
        k6Path: engine.k6Path,
      });
    } else {
      this.say(`${engine.reason}: ${rate}/s on ${service.name} for ${formatDuration(durationMs)} instead of ${script}`);
      report = startBuiltinLoad({ name: `k6:${service.name}`, url: endpoint, ratePerSecond: rate, maxRequests: Math.ceil((rate * durationMs) / 1000), maxDurationMs: durationMs, timeoutMs: this.env.defaults.probeTimeoutMs }).done;
    }
    // Recorded once, whenever it settles; a failure shows when the summary is judged.
    report.then((r) => this.loadReports.push(r), () => undefined);
    this.scriptedLoads.set(service.name, report);
  }

  /** assertLoadSummary: waits for the scripted load on the service to finish and judges an SLO on its summary. */
  async assertLoadSummary(serviceName: string, sloText: string): Promise<void> {
    const slo = parseSlo(sloText);
    const pending = this.scriptedLoads.get(serviceName);
    if (!pending) throw new BadInput(`no scripted load runs on ${serviceName} in this scenario`, undefined, `add first: Given the k6 script "experiments/load/web-constant-rate.ts" loads ${serviceName} at 50 requests per second for 30s`);
    if (!this.executing) {
      this.plan(`judge: the load summary of ${serviceName} meets ${sloText}`);
      return;
    }
    this.say(`waiting for the load on ${serviceName} to finish`);
    const report = await pending;
    const result = evaluateSloOnLoadReport(slo, report, `${report.engine}:${serviceName}`);
    result.expression = sloText;
    this.slos.push(result);
    this.say(`${result.met ? 'ok' : 'NOT MET'}: load on ${serviceName} (${report.engine}) ${sloText} over the whole run, observed ${result.observedText} (${report.sent} requests)`);
    if (!result.met) throw new HypothesisRefuted(`load on ${serviceName} (${report.engine}): "${sloText}" not met over the whole run: observed ${result.observedText}`, { ...result });
  }

  /**
   * haltWhen: a hard floor — while any fault is active, if `sloText` over the last `windowMs` of the probe's
   * samples fails, every fault is reverted at once and the scenario ends "aborted".
   */
  haltWhen(probeName: string, sloText: string, windowMs: number): void {
    this.requireProbe(probeName);
    const slo = parseSlo(sloText);
    if (this.faultStart !== null || this.plannedFault) {
      throw new BadInput('a halt condition is declared after a fault was injected', undefined, 'declare halt conditions before the first fault');
    }
    if (!this.executing) {
      this.plan(`halt if ${probeName} ${sloText} fails over ${formatDuration(windowMs)} (reverts at once)`);
      return;
    }
    this.haltConditions.push({ probe: probeName, text: sloText, slo, windowMs });
  }

  private requireProbe(name: string): void {
    if (!this.probes.has(name)) {
      const [service, node] = name.split('@');
      throw new BadInput(
        `${name} is not probed in this scenario, so there is nothing to judge`,
        undefined,
        node ? `add "Given ${service} on ${node} is probed over HTTP at 10 Hz" before this step` : `add "Given ${name} is probed over HTTP at 10 Hz" before this step`,
      );
    }
  }

  // ---- steady state ----------------------------------------------------------------------------------------

  /** steadyState: lets the probes sample for `windowMs`, then requires the SLO to hold; otherwise NotSteady. */
  async steadyState(probeName: string, sloText: string, windowMs: number): Promise<void> {
    this.requireProbe(probeName);
    const slo = parseSlo(sloText);
    if (this.faultStart !== null || this.plannedFault) {
      throw new BadInput('the steady state is checked after a fault was injected', undefined, 'put steady-state steps before the first fault');
    }
    if (!this.executing) {
      this.plan(`steady state: ${sloText} on ${probeName} for ${formatDuration(windowMs)}`);
      return;
    }
    const windowStart = now();
    this.say(`steady state: ${probeName} must hold ${sloText} for ${formatDuration(windowMs)}`);
    this.timeline.record('phase', 'steady state', { phase: 'before' });
    await withProgress(this.ctx.progress, 'steady state', `${probeName} to hold ${sloText}`, now() + windowMs, () => this.wait(windowMs));
    await this.settleInFlight();
    const result = evaluateSlo(slo, samplesInWindow(this.timeline.samplesOf(probeName), windowStart, now()), 'before', probeName);
    result.expression = sloText;
    this.slos.push(result);
    this.say(`${result.met ? 'ok' : 'NOT MET'}: ${probeName} ${sloText} before the fault, observed ${result.observedText} (${result.samples} samples)`);
    if (!result.met) {
      throw new NotSteady(`steady state not reached: ${probeName} ${sloText} did not hold before any fault (observed ${result.observedText} over ${result.samples} samples); nothing was injected`, { ...result });
    }
  }

  // ---- faults ----------------------------------------------------------------------------------------------

  /** injectFor: injects a reversible fault, verifies it, keeps it for `durationMs` while probes sample, reverts. */
  async injectFor(fault: Fault, durationMs: number, ttlMs: number | undefined): Promise<void> {
    const ttl = ttlMs ?? durationMs + this.env.defaults.faultTtlGraceMs;
    if (ttl < durationMs) {
      throw new BadInput(`the TTL ${formatDuration(ttl)} is shorter than the fault's duration ${formatDuration(durationMs)}`, undefined, 'give a TTL longer than the duration, or leave it out (default: duration + faultTtlGrace)');
    }
    this.checkBlastRadius(fault);
    if (!this.executing) {
      this.plannedFault = true;
      await this.planCheckKernel(fault);
      this.plan(`inject: ${fault.describe()} for ${formatDuration(durationMs)} (on-node expiry after ${formatDuration(ttl)})`);
      return;
    }
    const injection = await this.inject(fault, ttl);
    this.say(`observing for ${formatDuration(durationMs)}`);
    try {
      await withProgress(this.ctx.progress, 'fault active', fault.describe(), now() + durationMs, () => this.wait(durationMs));
    } finally {
      await this.revert(injection, 'fault duration over');
    }
  }

  /**
   * injectForEach: one reversible fault on each of several nodes, all at once, kept for `durationMs`, then all
   * reverted. The caller resolved the nodes with a selector, which enforced scope and the blast radius.
   */
  async injectForEach(faults: Fault[], durationMs: number): Promise<void> {
    const ttl = durationMs + this.env.defaults.faultTtlGraceMs;
    for (const fault of faults) this.checkBlastRadius(fault);
    if (!this.executing) {
      this.plannedFault = true;
      for (const fault of faults) await this.planCheckKernel(fault);
      this.plan(`inject at once: ${faults.map((f) => f.describe()).join('; ')} for ${formatDuration(durationMs)} (on-node expiry after ${formatDuration(ttl)})`);
      return;
    }
    const injected = await Promise.allSettled(faults.map((fault) => this.inject(fault, ttl)));
    const failed = injected.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const injections = injected.filter((r): r is PromiseFulfilledResult<Injection> => r.status === 'fulfilled').map((r) => r.value);
    try {
      if (failed) throw failed.reason;
      this.say(`observing for ${formatDuration(durationMs)}`);
      await withProgress(this.ctx.progress, 'fault active', `${faults.length} faults`, now() + durationMs, () => this.wait(durationMs));
    } finally {
      await Promise.all(injections.map((injection) => this.revert(injection, 'fault duration over')));
    }
  }

  /** selectNodes: resolves a node selector with the run's seed, logging the choice so a run can be repeated. */
  selectNodes(text: string): string[] {
    const selection = resolveSelector(this.env, parseSelector(text), this.ctx.seed);
    if (this.executing) this.say(`selected ${selection.description}`);
    else this.plan(`select ${selection.description}`);
    return selection.nodes.map((node) => node.name);
  }

  /** injectOneShot: a fault with nothing to revert (kill); recovery is measured from the injection. */
  async injectOneShot(fault: Fault): Promise<void> {
    this.checkBlastRadius(fault);
    if (!this.executing) {
      this.plannedFault = true;
      this.oneShot = true;
      await this.planCheckKernel(fault);
      this.plan(`inject: ${fault.describe()}`);
      return;
    }
    this.oneShot = true;
    await this.inject(fault, null);
  }

  /** observe: keeps the probes sampling for `durationMs` while the fault (if any) is active. */
  async observe(durationMs: number): Promise<void> {
    if (!this.executing) {
      this.plan(`observe for ${formatDuration(durationMs)}`);
      return;
    }
    this.say(`observing for ${formatDuration(durationMs)}`);
    await withProgress(this.ctx.progress, 'observing', 'the probes', now() + durationMs, () => this.wait(durationMs));
    if (this.oneShot) this.faultEnd = now();
  }

  /**
   * planCheckKernel: a fault that needs a kernel feature (sch_netem) asks the node at plan time — read-only —
   * and a node without it refuses the scenario as bad input before anything is touched.
   */
  private async planCheckKernel(fault: Fault): Promise<void> {
    // Network faults ask only when they need sch_netem; node and service faults always check (read-only).
    if (isNetworkFault(fault) ? !fault.requiresNetem : !isPlanCheckedFault(fault)) return;
    try {
      this.plan(`check: ${await (fault as PlanCheckedFault).planCheck()}`);
    } catch (error) {
      if (error instanceof BadInput) throw error;
      this.plan(`check: could not ask ${fault.target.node.name} before the run (${errorMessage(error)}); the injection will verify it`);
    }
  }

  private checkBlastRadius(fault: Fault): void {
    // Faults in this scenario run one after another (injectFor reverts before returning), so the nodes
    // harmed at once are the fault's own; the check guards the environment's limit for multi-node faults.
    if (this.env.scope.maxNodesAtOnce < 1) {
      throw new BadInput(`environment ${this.env.name} allows no node to be harmed (scope.maxNodesAtOnce)`, undefined, `raise scope.maxNodesAtOnce in ${this.env.sourcePath}`);
    }
    // Ceph faults name the OSD hosts they harm (none for cluster flags); their target is where the undo runs.
    const harmed = isCephFault(fault) ? fault.harmedNodes : [fault.target.node.name];
    for (const node of harmed) {
      if (!this.env.scope.nodes.includes(node)) throw new BadInput(`node ${node} is out of scope`, undefined, `add it to scope.nodes in ${this.env.sourcePath}`);
    }
  }

  private async inject(fault: Fault, ttlMs: number | null): Promise<Injection> {
    this.throwIfInterrupted();
    const journal = this.ctx.journal;
    if (!journal) throw new ExperimentCompromised('no journal: refusing to inject without a record to roll back from');
    const injection = new Injection(fault, ttlMs, journal, this.meta.id);
    this.injections.push(injection);
    this.say(`inject: ${fault.describe()}${ttlMs !== null ? ` (on-node expiry after ${formatDuration(ttlMs)})` : ''}`);
    await injection.inject();
    this.faultStart ??= injection.injectedAt;
    this.timeline.record('injected', fault.describe(), { injectionId: injection.id, kind: fault.kind }, injection.injectedAt ?? now());
    this.timeline.record('phase', 'fault active', { phase: 'during' }, injection.injectedAt ?? now());
    this.startHaltWatch();
    const evidence = await injection.verify();
    this.timeline.record('observed', evidence, { injectionId: injection.id });
    this.say(`observed after ${formatDuration((injection.observedAt ?? now()) - (injection.injectedAt ?? now()))}: ${evidence}`);
    return injection;
  }

  private startHaltWatch(): void {
    if (this.haltWatch || this.haltConditions.length === 0) return;
    this.haltWatch = new HaltWatch(this.haltConditions, (probe) => this.timeline.samplesOf(probe), (crossing) => void this.onHalt(crossing));
    this.haltWatch.start();
  }

  /** onHalt: a floor was crossed — revert every fault now, then end the scenario's waits with SafetyHalt. */
  private async onHalt(crossing: HaltCrossing): Promise<void> {
    this.timeline.record('halt', crossing.message, { probe: crossing.condition.probe, observed: crossing.observed }, crossing.at);
    this.say(crossing.message);
    this.halt = {
      probe: crossing.condition.probe,
      expression: crossing.condition.text,
      windowSeconds: round3(crossing.condition.windowMs / 1000),
      crossedAt: wallClockAt(crossing.at),
      revertedAt: null,
      haltSeconds: null,
    };
    const results = await Promise.allSettled(this.injections.map((injection) => this.revert(injection, 'halt condition')));
    const revertedAt = now();
    if (results.every((r) => r.status === 'fulfilled')) {
      this.halt.revertedAt = wallClockAt(revertedAt);
      this.halt.haltSeconds = round3((revertedAt - crossing.at) / 1000);
      this.say(`halted: every fault reverted ${formatDuration(revertedAt - crossing.at)} after the floor was crossed`);
    }
    this.scenarioAbort.abort(new SafetyHalt(crossing.message));
  }

  private async revert(injection: Injection, reason: string): Promise<void> {
    if (!injection.fault.reversible || injection.reverted) return;
    const started = now();
    try {
      await injection.revert(reason);
    } catch (error) {
      this.timeline.record('revert-failed', errorMessage(error), { injectionId: injection.id });
      throw error;
    }
    this.faultEnd = injection.revertedAt;
    this.timeline.record('reverted', injection.fault.describe(), { injectionId: injection.id }, injection.revertedAt ?? now());
    this.timeline.record('phase', 'recovery', { phase: 'after' }, injection.revertedAt ?? now());
    this.say(`reverted in ${formatDuration(now() - started)}: ${injection.fault.describe()}`);
  }

  // ---- judging ---------------------------------------------------------------------------------------------

  /** assertSlo: judges an SLO over one phase's samples; HypothesisRefuted with the evidence when it fails. */
  async assertSlo(probeName: string, sloText: string, phase: Phase): Promise<void> {
    this.requireProbe(probeName);
    const slo: SloExpression = parseSlo(sloText);
    if (phase !== 'before' && !this.faultStart && !this.plannedFault) {
      throw new BadInput(`"${phase} the fault" needs a fault earlier in the scenario`, undefined, 'add a When step that injects a fault before this step');
    }
    if (!this.executing) {
      this.plan(`judge: ${probeName} ${sloText} ${phase === 'before' ? 'in steady state' : `${phase} the fault`}`);
      return;
    }
    await this.settleInFlight();
    const [from, to] = this.phaseWindow(phase);
    const samples = this.timeline.samplesOf(probeName);
    const result = evaluateSlo(slo, samplesInWindow(samples, from, to), phase, probeName);
    result.expression = sloText;
    if (phase !== 'before') this.addBaseline(result, slo, samples);
    this.slos.push(result);
    this.timeline.record('slo', `${probeName} ${sloText} ${phase}: ${result.observedText}`, { ...result });
    this.say(`${result.met ? 'ok' : 'NOT MET'}: ${probeName} ${sloText} ${phase} the fault, observed ${result.observedText} (${result.samples} samples)`);
    if (!result.met) {
      throw new HypothesisRefuted(
        `${probeName}: SLO "${sloText}" not met ${phase} the fault: observed ${result.observedText} over ${result.samples} samples`,
        { ...result },
      );
    }
  }

  /** addBaseline: the same metric over the steady-state window, and how far the phase moved from it. */
  private addBaseline(result: SloResult, slo: SloExpression, samples: readonly Sample[]): void {
    const [from, to] = this.phaseWindow('before');
    const baseline = observeSlo(slo, samplesInWindow(samples, from, to)).value;
    if (baseline === null || result.observed === null) return;
    const change = result.observed - baseline;
    result.baseline = {
      observed: baseline,
      observedText: formatSloValue(slo, baseline),
      change,
      changePercent: baseline === 0 ? null : round3((change / baseline) * 100),
    };
  }

  /** recoversWithin: waits until the probe's samples stay good for the stabilization window; judges the bound. */
  async recoversWithin(probeName: string, boundMs: number): Promise<void> {
    this.requireProbe(probeName);
    if (!this.executing) {
      if (!this.plannedFault) throw new BadInput('"recovers within" needs a fault earlier in the scenario', undefined, 'add a When step that injects a fault before this step');
      this.plan(`judge: ${probeName} recovers within ${formatDuration(boundMs)}`);
      return;
    }
    const injected = this.faultStart;
    if (injected === null) throw new ExperimentCompromised('no fault was injected, so recovery cannot be measured');
    const from = this.oneShot ? injected : this.faultEnd;
    if (from === null) throw new ExperimentCompromised('the fault is not reverted yet, so recovery cannot be measured');
    const stabilizationMs = this.env.defaults.stabilizationMs;
    const timeoutMs = this.env.defaults.probeTimeoutMs;
    // Judged once every sample started before the deadline has completed: bound + stabilization + one timeout.
    const giveUpAt = from + boundMs + stabilizationMs + timeoutMs;
    this.say(`waiting for ${probeName} to recover (bound ${formatDuration(boundMs)} from ${this.oneShot ? 'injection' : 'revert'}, stable for ${formatDuration(stabilizationMs)})`);
    let finding = findRecovery(this.timeline.samplesOf(probeName), { from, stabilizationMs, until: now() - timeoutMs });
    let lastProgress = now();
    const doneWaiting = this.ctx.progress?.waiting('recovery', `${probeName} to recover`, giveUpAt);
    try {
      while (finding.recoveredAt === null && now() < giveUpAt) {
        await this.wait(POLL_MS);
        finding = findRecovery(this.timeline.samplesOf(probeName), { from, stabilizationMs, until: now() - timeoutMs });
        if (now() - lastProgress >= 5000) {
          lastProgress = now();
          this.say(`still waiting for ${probeName}: ${formatDuration(now() - from)} since ${this.oneShot ? 'injection' : 'revert'}` + (finding.lastBadAt !== null ? `, last failure ${formatDuration(now() - finding.lastBadAt)} ago` : ''));
        }
      }
    } finally {
      doneWaiting?.();
    }
    // Edges are interpolated between neighbouring samples: unbiased, off by at most half a sampling period
    // (docs/decisions/0021-interpolated-outage-edges.md); the raw sample times are always late.
    const samples = this.timeline.samplesOf(probeName);
    const detectMs = interpolatedDetectMs(samples, injected);
    const recoveredAt = interpolatedRecoveryAt(finding, from);
    const recoverMs = recoveredAt === null ? null : recoveredAt - from;
    const met = recoverMs !== null && recoverMs <= boundMs;
    const result: RecoveryResult = {
      probe: probeName,
      detectSeconds: detectMs === null ? null : round3(detectMs / 1000),
      recoverSeconds: recoverMs === null ? null : round3(recoverMs / 1000),
      boundSeconds: round3(boundMs / 1000),
      met,
      from: this.oneShot ? 'injection' : 'revert',
    };
    this.recoveries.push(result);
    if (recoveredAt !== null) {
      this.timeline.record('recovered', `${probeName} recovered`, { ...result }, recoveredAt);
      if (this.oneShot) this.faultEnd ??= recoveredAt;
    }
    this.say(
      `${met ? 'ok' : 'NOT MET'}: ${probeName} ` +
        (recoverMs === null ? `did not recover within ${formatDuration(boundMs)}` : `recovered after ${formatDuration(recoverMs)} (bound ${formatDuration(boundMs)})`) +
        (detectMs === null ? ', no failure seen' : `, first failure ${formatDuration(detectMs)} after injection`),
    );
    if (!met) {
      throw new HypothesisRefuted(
        recoverMs === null
          ? `${probeName} did not recover within ${formatDuration(boundMs)}: still failing or not yet stable for ${formatDuration(stabilizationMs)}` +
              (finding.lastBadAt !== null ? ` (last failure ${formatDuration(finding.lastBadAt - from)} after ${result.from})` : '')
          : `${probeName} recovered after ${formatDuration(recoverMs)}, beyond the bound of ${formatDuration(boundMs)}`,
        { ...result },
      );
    }
  }

  /** The [from, to) window of a phase on the monotonic clock. */
  private phaseWindow(phase: Phase): [number, number] {
    const faultStart = this.faultStart ?? now();
    const faultEnd = this.faultEnd ?? now();
    switch (phase) {
      case 'before':
        return [this.steadyStart ?? this.startedAt, faultStart];
      case 'during':
        return [faultStart, faultEnd];
      case 'after':
        return [faultEnd, now()];
    }
  }

  // ---- waiting ---------------------------------------------------------------------------------------------

  /** wait: sleeps, but ends at once with SafetyHalt when the run is interrupted. */
  private async wait(ms: number): Promise<void> {
    this.throwIfInterrupted();
    try {
      await sleep(ms, AbortSignal.any([this.ctx.interruption.signal, this.scenarioAbort.signal]));
    } catch {
      this.throwIfInterrupted();
    }
  }

  /** settleInFlight: waits until requests started so far have completed, so a window's samples are all in. */
  private async settleInFlight(): Promise<void> {
    await this.wait(Math.min(this.env.defaults.probeTimeoutMs, 2000) + 20);
  }

  private throwIfInterrupted(): void {
    if (this.scenarioAbort.signal.aborted) throw this.scenarioAbort.signal.reason as SafetyHalt;
    const signal = this.ctx.interruption.signal;
    if (signal.aborted) throw new SafetyHalt(`interrupted (${String(signal.reason)}): faults reverted, scenario aborted`);
  }

  // ---- the end ---------------------------------------------------------------------------------------------

  /**
   * finish: always called (Cucumber After hook): reverts every fault on a fresh deadline, stops the probes,
   * decides the verdict from the error the scenario ended with, writes the scenario's files, returns its summary.
   */
  async finish(scenarioError: unknown): Promise<ScenarioSummary | null> {
    if (!this.executing) return null;
    this.haltWatch?.stop();
    let revertProblem: unknown = null;
    for (const injection of this.injections) {
      try {
        await this.revert(injection, scenarioError ? 'scenario ended early' : 'scenario end');
      } catch (error) {
        revertProblem ??= error;
      }
    }
    await Promise.allSettled([...this.probes.values()].map((probe) => probe?.stop()));
    for (const load of this.loads) this.loadReports.push(await load.stop());
    // Scripted loads are bounded by their own duration; wait for them so no k6 process outlives the scenario.
    await Promise.allSettled([...this.scriptedLoads.values()]);
    for (const { what, cleanup } of this.cleanups.splice(0)) {
      await cleanup().then(
        () => this.say(`cleaned up: ${what}`),
        (error: unknown) => this.say(`cleanup FAILED: ${what}: ${error instanceof Error ? error.message : String(error)}`),
      );
    }
    const ending = revertProblem ?? scenarioError;
    const verdict: Verdict = verdictOf(ending);
    const expectedVerdict = expectedVerdictOf(this.meta.tags);
    const finished = now();
    const summary: ScenarioSummary = {
      ...this.meta,
      verdict,
      asExpected: verdict === (expectedVerdict ?? 'passed'),
      faults: this.injections.map((i) => faultRecord(i)),
      slos: this.slos,
      recovery: this.recoveries,
      ...(this.events.length ? { events: this.events } : {}),
      startedAt: this.startedAtWall,
      finishedAt: new Date().toISOString(),
      durationSeconds: round3((finished - this.startedAt) / 1000),
    };
    if (expectedVerdict) summary.expectedVerdict = expectedVerdict;
    if (this.halt) summary.halt = this.halt;
    if (this.loadReports.length) summary.load = this.loadReports;
    if (ending) {
      summary.reason = errorMessage(ending);
      const evidence = (ending as { evidence?: Record<string, unknown> }).evidence;
      if (evidence) summary.evidence = evidence;
    }
    writeScenarioFiles(this.ctx.runDir, this.meta.id, this.startedAtWall, this.startedAt, this.timeline);
    return summary;
  }
}

/** promqlProbeName: the probe name of a watched PromQL query. */
function promqlProbeName(query: string): string {
  return `promql:${query}`;
}

function faultRecord(injection: Injection): FaultRecord {
  const record: FaultRecord = {
    injectionId: injection.id,
    kind: injection.fault.kind,
    target: injection.prepared?.target ?? injection.fault.target.node.name,
    reversible: injection.fault.reversible,
    ttlSeconds: injection.fault.reversible && injection.ttlMs !== null ? round3(injection.ttlMs / 1000) : null,
    injectedAt: injection.injectedAt !== null ? wallClockAt(injection.injectedAt) : '',
  };
  if (injection.observedAt !== null) record.observedAt = wallClockAt(injection.observedAt);
  if (injection.revertedAt !== null) record.revertedAt = wallClockAt(injection.revertedAt);
  if (injection.revertError !== null) record.revertError = injection.revertError;
  return record;
}

