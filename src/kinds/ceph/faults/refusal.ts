/**
 * expectRefusal: a scenario can state that the safety check refuses a set of OSDs ("stopping osd.0 and osd.1 at
 * once is refused"), so the refusal itself is tested in a normal run — a fault step that is refused ends the
 * whole run at plan time with exit 2 (docs/decisions/0002), which no expected-verdict tag can express. The
 * check runs with the same real reads as a fault's plan check; the OSD map epoch is read before and after to
 * show that nothing was touched. Passes when refused for the budget or by ok-to-stop; an allowance (or a lift
 * by @destructive) refutes the hypothesis.
 */
import { ExperimentCompromised, HypothesisRefuted } from '../../../kernel/errors';
import type { ScenarioHandle } from '../../../core/scenario-handle';
import { CephFaultContext, readSafety } from './context';

export async function expectRefusal(x: ScenarioHandle, context: CephFaultContext, osds: readonly number[]): Promise<string> {
  const names = osds.map((o) => `osd.${o}`).join(', ');
  if (x.planning) {
    x.plan(`judge: the safety check refuses stopping ${names} at once (real reads: status, osd tree, pool ls detail, crush rules, ok-to-stop; nothing is touched)`);
    return '';
  }
  const before = (await context.ceph.osdDump()).epoch;
  const verdict = await readSafety(context, osds);
  const after = (await context.ceph.osdDump()).epoch;
  if (after !== before) throw new ExperimentCompromised(`the OSD map changed from epoch ${before} to ${after} while only reading for the safety check of ${names}: something else acts on the cluster`);
  if (verdict.ok) throw new HypothesisRefuted(`the safety check allowed stopping ${names} at once: ${verdict.message}`, { osds: [...osds] });
  const lifted = context.destructive && (verdict.check === 'budget' || verdict.check === 'ok-to-stop');
  if (lifted) throw new HypothesisRefuted(`the safety check would refuse ${names}, but @destructive lifts the limit here: ${verdict.message}`, { osds: [...osds] });
  if (verdict.check !== 'budget' && verdict.check !== 'ok-to-stop') {
    throw new ExperimentCompromised(`the safety check refused ${names} for another reason than the budget (${verdict.check}): ${verdict.message}`);
  }
  x.timeline.record('note', `refused as expected: ${verdict.message}`, { check: verdict.check, osdMapEpoch: before, ...(verdict.pool ? { pool: verdict.pool } : {}) });
  x.say(`ok: refused (${verdict.check}), OSD map epoch ${before} unchanged: ${verdict.message}`);
  return verdict.message;
}
