/**
 * Experiment: the lifecycle of one scenario (DESIGN.md section 4) — phases, injections, fault windows, halts and
 * the verdict — with no Cucumber in sight. Everything else plugs in through its ScenarioHandle (probes, loads,
 * judgements, the kinds' observers). In plan mode every call validates and records what it would do and touches
 * nothing; in execute mode it acts. Faults are reverted on every path through finish().
 */
import { now, sleep } from '../kernel/clock';
import { BadInput, ExperimentCompromised, SafetyHalt, errorMessage } from '../kernel/errors';
import { formatDuration } from '../kernel/duration';
import type { Environment } from '../model/environment';
import type { AlertRecord, HaltRecord, MeasuredEvent, Phase, RecoveryResult, ScenarioSummary, SloResult } from '../model/summary';
import type { ScenarioMeta } from '../model/scenario';
import { parseSlo } from '../slo/expression';
import type { Fault } from './fault';
import { completeHaltRecord, HaltCondition, HaltCrossing, haltRecord, HaltWatch } from './halt-watch';
import { Injection } from './injection';
import { withProgress } from './progress';
import type { RunContext } from './run-context';
import type { ScenarioHandle } from './scenario-handle';
import { Measurements } from './measurements';
import { writeScenarioFiles } from './scenario-files';
import { endingOf, scenarioSummary } from './scenario-summary';
import { checkFaultTime, checkHarms, checkObserveTime } from './scope';
import { Timeline } from './timeline';

export type { ScenarioMeta } from '../model/scenario';

export class Experiment {
  readonly timeline = new Timeline();
  /** The handle everything outside the lifecycle plugs in through. */
  readonly handle: ScenarioHandle;
  private readonly measurements: Measurements;
  private readonly haltConditions: HaltCondition[] = [];
  private haltWatch: HaltWatch | null = null;
  private halt: HaltRecord | null = null;
  private haltMessage: string | null = null;
  /** Aborted by a halt: ends this scenario's waits (the run's interruption ends them too). */
  private readonly scenarioAbort = new AbortController();
  private readonly injections: Injection[] = [];
  private readonly slos: SloResult[] = [];
  private readonly recoveries: RecoveryResult[] = [];
  private readonly events: MeasuredEvent[] = [];
  /** Alert records by key (issue 15): a later judgement of the same alert replaces the earlier record. */
  private readonly alerts = new Map<string, AlertRecord>();
  /** Fault companions (issue 15: a silence injected with each fault), asked in registration order. */
  private readonly companions: Array<(fault: Fault, ttlMs: number | null) => Fault | undefined> = [];
  /** Injections of companions: they neither open nor close the fault window. */
  private readonly companionInjections = new Set<Injection>();
  /** Per-scenario state of domain modules (ScenarioHandle.scenarioState). */
  private readonly state = new Map<string, unknown>();
  private readonly cleanups: Array<{ what: string; cleanup: () => Promise<void> }> = [];
  private readonly startedAtWall = new Date().toISOString();
  private readonly startedAt = now();
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
    this.measurements = new Measurements(this.timeline, this.executing, (action) => this.plan(action));
    this.handle = this.makeHandle();
  }

  private get executing(): boolean {
    return this.ctx.mode === 'execute';
  }
  get env(): Environment {
    return this.ctx.env;
  }
  private plan(action: string): void {
    this.ctx.planned.push({ scenario: this.meta.id, action });
  }
  private say(line: string): void {
    this.ctx.log(`  ${line}`);
  }

  private makeHandle(): ScenarioHandle {
    const interrupted = (): AbortSignal => AbortSignal.any([this.ctx.interruption.signal, this.scenarioAbort.signal]);
    return {
      env: this.ctx.env,
      meta: this.meta,
      planning: !this.executing,
      timeline: this.timeline,
      runDir: this.ctx.runDir,
      seed: this.ctx.seed,
      stabilizationMs: this.ctx.env.defaults.stabilizationMs,
      progress: this.ctx.progress,
      plan: (action) => this.plan(action),
      say: (line) => this.say(line),
      step: async (planLine, act) => {
        if (!this.executing) {
          this.plan(planLine);
          return undefined;
        }
        return act();
      },
      hasProbe: (name) => this.measurements.has(name),
      requireProbe: (name) => this.measurements.require(name),
      addProbe: (names, rateHz, make, what) => this.measurements.addProbe(names, rateHz, make, what),
      addLoad: (name, what, start) => this.measurements.addLoad(name, what, start),
      addLoadReport: (report) => this.measurements.addLoadReport(report),
      faultWindow: () => ({ start: this.faultStart, end: this.faultEnd, oneShot: this.oneShot, planned: this.plannedFault }),
      phaseWindow: (phase) => this.phaseWindow(phase),
      lastInjectedAt: () => this.lastApplied()?.injectedAt ?? null,
      lastApplyStartedAt: () => this.lastApplied()?.applyStartedAt ?? null,
      recordSlo: (result) => void this.slos.push(result),
      beginSteadyState: () => this.beginSteadyState(),
      recordRecovery: (result, recoveredAt) => {
        this.recoveries.push(result);
        if (recoveredAt === null) return;
        this.timeline.record('recovered', `${result.probe} recovered`, { ...result }, recoveredAt);
        if (this.oneShot) this.faultEnd ??= recoveredAt;
      },
      recordEvent: (event) => void this.events.push(event),
      recordAlert: (key, record) => void this.alerts.set(key, record),
      addFaultCompanion: (companion) => void this.companions.push(companion),
      atScenarioEnd: (what, cleanup) => void this.cleanups.push({ what, cleanup }),
      wait: (ms) => this.wait(ms),
      settleInFlight: () => this.wait(Math.min(this.env.defaults.probeTimeoutMs, 2000) + 20),
      scenarioState: <T>(key: string, init: () => T): T => {
        if (!this.state.has(key)) this.state.set(key, init());
        return this.state.get(key) as T;
      },
      signal: interrupted,
      throwIfInterrupted: () => this.throwIfInterrupted(),
    };
  }

  /** lastApplied: the latest injection whose fault was applied. */
  private lastApplied(): Injection | undefined {
    return [...this.injections].reverse().find((i) => i.injectedAt !== null && !this.companionInjections.has(i));
  }

  /** beginSteadyState: marks the steady-state window's start; refuses it after a fault. */
  private beginSteadyState(): void {
    if (this.faultStart !== null || this.plannedFault) {
      throw new BadInput('the steady state is checked after a fault was injected', undefined, 'put steady-state steps before the first fault');
    }
    if (this.executing) this.timeline.record('phase', 'steady state', { phase: 'before' });
  }

  /** The [from, to) window of a phase on the monotonic clock. */
  private phaseWindow(phase: Phase): [number, number] {
    const faultStart = this.faultStart ?? now();
    const faultEnd = this.faultEnd ?? now();
    switch (phase) {
      case 'before':
        return [this.measurements.firstStartedAt ?? this.startedAt, faultStart];
      case 'during':
        return [faultStart, faultEnd];
      case 'after':
        return [faultEnd, now()];
    }
  }

  /**
   * haltWhen: a hard floor — while any fault is active, if `sloText` over the last `windowMs` of the probe's
   * samples fails, every fault is reverted at once and the scenario ends "aborted".
   */
  haltWhen(probeName: string, sloText: string, windowMs: number): void {
    this.measurements.require(probeName);
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

  /** injectFor: injects a reversible fault, verifies it, keeps it for `durationMs` while probes sample, reverts. */
  async injectFor(fault: Fault, durationMs: number, ttlMs?: number): Promise<void> {
    await this.injectForEach([fault], durationMs, ttlMs);
  }

  /**
   * injectForEach: one reversible fault on each of several targets, all at once, kept for `durationMs`, then all
   * reverted. Scope and blast radius are checked over all of them together.
   */
  async injectForEach(faults: readonly Fault[], durationMs: number, ttlMs?: number): Promise<void> {
    const ttl = ttlMs ?? durationMs + this.env.defaults.faultTtlGraceMs;
    const what = faults.map((f) => f.describe()).join('; ');
    checkFaultTime(this.env, durationMs, ttl, faults.length === 1 ? what : `${faults.length} faults at once`);
    checkHarms(this.env, faults.flatMap((f) => f.harms), faults.length === 1 ? what : `${faults.length} faults at once`);
    if (!this.executing) {
      this.plannedFault = true;
      for (const fault of faults) await this.planCheck(fault);
      this.plan(`inject${faults.length > 1 ? ' at once' : ''}: ${what} for ${formatDuration(durationMs)} (expiry after ${formatDuration(ttl)})`);
      this.planCompanions(faults, ttl);
      return;
    }
    const companions = await this.injectCompanions(faults, ttl);
    const injected = [...companions, ...(await Promise.allSettled(faults.map((fault) => this.inject(fault, ttl))))];
    const failed = injected.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const injections = injected.filter((r): r is PromiseFulfilledResult<Injection> => r.status === 'fulfilled').map((r) => r.value);
    try {
      if (failed) throw failed.reason;
      this.say(`observing for ${formatDuration(durationMs)}`);
      await withProgress(this.ctx.progress, 'fault active', faults.length === 1 ? what : `${faults.length} faults`, now() + durationMs, () => this.wait(durationMs));
    } finally {
      await Promise.all(injections.map((injection) => this.revert(injection, 'fault duration over')));
    }
  }

  /** injectOneShot: a fault with nothing to revert (kill); recovery is measured from the injection. */
  async injectOneShot(fault: Fault): Promise<void> {
    checkHarms(this.env, fault.harms, fault.describe());
    this.oneShot = true;
    if (!this.executing) {
      this.plannedFault = true;
      await this.planCheck(fault);
      this.plan(`inject: ${fault.describe()}`);
      this.planCompanions([fault], null);
      return;
    }
    const companions = await this.injectCompanions([fault], null);
    const failed = companions.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    await this.inject(fault, null);
  }

  /** companionsOf: the companion faults (silences) the registered companions give for `faults`. */
  private companionsOf(faults: readonly Fault[], ttlMs: number | null): Fault[] {
    return faults.flatMap((fault) => this.companions.map((companion) => companion(fault, ttlMs)).filter((c): c is Fault => c !== undefined));
  }

  private planCompanions(faults: readonly Fault[], ttlMs: number | null): void {
    for (const companion of this.companionsOf(faults, ttlMs)) this.plan(`with it: ${companion.describe()}`);
  }

  /** injectCompanions: injects each companion before the faults; they are reverted with them (and at the end). */
  private async injectCompanions(faults: readonly Fault[], ttlMs: number | null): Promise<PromiseSettledResult<Injection>[]> {
    const results: PromiseSettledResult<Injection>[] = [];
    for (const companion of this.companionsOf(faults, ttlMs)) {
      try {
        results.push({ status: 'fulfilled', value: await this.inject(companion, ttlMs, true) });
      } catch (error) {
        results.push({ status: 'rejected', reason: error });
      }
    }
    return results;
  }

  /** observe: keeps the probes sampling for `durationMs` while the fault (if any) is active. */
  async observe(durationMs: number): Promise<void> {
    checkObserveTime(this.env, durationMs);
    if (!this.executing) {
      this.plan(`observe for ${formatDuration(durationMs)}`);
      return;
    }
    this.say(`observing for ${formatDuration(durationMs)}`);
    await withProgress(this.ctx.progress, 'observing', 'the probes', now() + durationMs, () => this.wait(durationMs));
    if (this.oneShot) this.faultEnd = now();
  }

  /** planCheck: a fault with the plan-time ability checks its target, read-only; a refusal is BadInput (exit 2). */
  private async planCheck(fault: Fault): Promise<void> {
    if (!fault.planCheck) return;
    try {
      this.plan(`check: ${await fault.planCheck()}`);
    } catch (error) {
      if (error instanceof BadInput) throw error;
      this.plan(`check: could not ask before the run (${errorMessage(error)}); the injection will verify it`);
    }
  }

  private async inject(fault: Fault, ttlMs: number | null, companion = false): Promise<Injection> {
    this.throwIfInterrupted();
    const journal = this.ctx.journal;
    if (!journal) throw new ExperimentCompromised('no journal: refusing to inject without a record to roll back from');
    const injection = new Injection(fault, ttlMs, journal, this.meta.id);
    this.injections.push(injection);
    if (companion) this.companionInjections.add(injection);
    this.say(`inject: ${fault.describe()}${ttlMs !== null ? ` (expiry after ${formatDuration(ttlMs)})` : ''}`);
    await injection.inject();
    if (companion) {
      this.timeline.record('note', `with the fault: ${fault.describe()}`, { injectionId: injection.id, kind: fault.kind }, injection.injectedAt ?? now());
      await injection.verify();
      return injection;
    }
    this.faultStart ??= injection.injectedAt;
    this.timeline.record('injected', fault.describe(), { injectionId: injection.id, kind: fault.kind }, injection.injectedAt ?? now());
    this.timeline.record('phase', 'fault active', { phase: 'during' }, injection.injectedAt ?? now());
    this.startHaltWatch();
    // A halt that reverts the fault while it is being verified ends the scenario as aborted, not "not observed".
    const evidence = await injection.verify().catch((error: unknown) => {
      throw this.haltMessage === null ? error : new SafetyHalt(this.haltMessage);
    });
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
    this.halt = haltRecord(crossing);
    this.haltMessage = crossing.message;
    const results = await Promise.allSettled(this.injections.map((injection) => this.revert(injection, 'halt condition')));
    if (results.every((r) => r.status === 'fulfilled')) this.say(`halted: every fault reverted ${formatDuration(completeHaltRecord(this.halt, crossing, now()))} after the floor was crossed`);
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
    if (this.companionInjections.has(injection)) {
      this.timeline.record('note', `removed: ${injection.fault.describe()}`, { injectionId: injection.id }, injection.revertedAt ?? now());
      return;
    }
    this.faultEnd = injection.revertedAt;
    this.timeline.record('reverted', injection.fault.describe(), { injectionId: injection.id }, injection.revertedAt ?? now());
    this.timeline.record('phase', 'recovery', { phase: 'after' }, injection.revertedAt ?? now());
    this.say(`reverted in ${formatDuration(now() - started)}: ${injection.fault.describe()}`);
  }

  /** wait: sleeps, but ends at once with SafetyHalt when the run is interrupted. */
  private async wait(ms: number): Promise<void> {
    this.throwIfInterrupted();
    try {
      await sleep(ms, AbortSignal.any([this.ctx.interruption.signal, this.scenarioAbort.signal]));
    } catch {
      this.throwIfInterrupted();
    }
  }

  private throwIfInterrupted(): void {
    if (this.scenarioAbort.signal.aborted) throw this.scenarioAbort.signal.reason as SafetyHalt;
    const signal = this.ctx.interruption.signal;
    if (signal.aborted) throw new SafetyHalt(`interrupted (${String(signal.reason)}): faults reverted, scenario aborted`);
  }

  /**
   * finish: always called (Cucumber After hook): reverts every fault on a fresh deadline, stops the probes and
   * loads, runs the cleanups, decides the verdict from the error the scenario ended with, writes the scenario's
   * files, returns its summary.
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
    await this.measurements.stopAll();
    for (const { what, cleanup } of this.cleanups.splice(0)) {
      await cleanup().then(
        () => this.say(`cleaned up: ${what}`),
        (error: unknown) => this.say(`cleanup FAILED: ${what}: ${errorMessage(error)}`),
      );
    }
    const summary = scenarioSummary({
      meta: this.meta,
      ending: endingOf(scenarioError, revertProblem),
      injections: this.injections,
      slos: this.slos,
      recoveries: this.recoveries,
      events: this.events,
      loads: this.measurements.loadReports,
      alerts: [...this.alerts.values()],
      halt: this.halt,
      startedAtWall: this.startedAtWall,
      durationMs: now() - this.startedAt,
    });
    writeScenarioFiles(this.ctx.runDir, this.meta.id, this.startedAtWall, this.startedAt, this.timeline);
    return summary;
  }
}

