/**
 * Timeline: every event and sample of one scenario, stamped on the monotonic clock. Reports and plots are
 * drawn from it; SLOs and recovery are computed from its samples.
 */
import type { Sample } from '../model/sample';
import { now } from '../kernel/clock';

export type TimelineEventKind =
  | 'scenario-started'
  | 'phase'
  | 'probe-started'
  | 'injected'
  | 'observed'
  | 'reverted'
  | 'revert-failed'
  | 'breach'
  | 'recovered'
  | 'slo'
  | 'halt'
  | 'note';

export interface TimelineEvent {
  t: number;
  kind: TimelineEventKind;
  message: string;
  data?: Record<string, unknown>;
}

export class Timeline {
  readonly events: TimelineEvent[] = [];
  readonly samples: Sample[] = [];
  private readonly listeners: ((event: TimelineEvent) => void)[] = [];

  /** record: adds an event at the current monotonic time (or at `t`) and tells the listeners. */
  record(kind: TimelineEventKind, message: string, data?: Record<string, unknown>, t: number = now()): TimelineEvent {
    const event: TimelineEvent = { t, kind, message, ...(data ? { data } : {}) };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  addSample(sample: Sample): void {
    this.samples.push(sample);
  }

  /** samplesOf: the samples of one probe, in the order they were started. */
  samplesOf(probe: string): Sample[] {
    return this.samples.filter((s) => s.probe === probe).sort((a, b) => a.t - b.t);
  }

  onEvent(listener: (event: TimelineEvent) => void): void {
    this.listeners.push(listener);
  }
}
