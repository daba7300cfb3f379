import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ExperimentCompromised } from '../kernel/errors';
import type { FaultObservation } from '../model/summary';
import type { Fault } from './fault';
import { Injection } from './injection';
import { Journal } from './journal';

/** A one-shot fault (no revert channel involved) whose verifyActive answers as given. */
function fault(verify: () => Promise<string | FaultObservation>): Fault {
  return {
    kind: 'test-fault',
    reversible: false,
    harms: [],
    describe: () => 'a test fault on nothing',
    prepare: async () => ({ kind: 'test-fault', target: 'nothing', reversible: false, preState: {}, revert: null, apply: async () => undefined, verifyActive: verify, verifyReverted: async () => undefined }),
  };
}

describe('Injection.verify: observed, or compromised with "not observed"', () => {
  const dir = mkdtempSync(join(tmpdir(), 'scs-verify-'));
  const journal = new Journal(join(dir, 'journal.jsonl'));
  after(() => {
    journal.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a failed check is "not observed: <fault>: <why>", never "observed"', async () => {
    const injection = new Injection(fault(async () => Promise.reject(new Error('the data plane does not show it: from node-1: NOT MET'))), null, journal, 's');
    await injection.inject();
    await assert.rejects(injection.verify(), (e: unknown) => e instanceof ExperimentCompromised && /^not observed: a test fault on nothing: the data plane does not show it/.test(e.message));
    assert.equal(injection.observedAt, null);
    assert.equal(injection.observation, null);
    assert.match(readFileSync(join(dir, 'journal.jsonl'), 'utf8'), /"type":"injected"/);
  });

  it('keeps the observation for the fault record: a line is a "state" proof, an observation is kept as it is', async () => {
    const line = new Injection(fault(async () => 'process 42 is stopped (T)'), null, journal, 's');
    await line.inject();
    assert.equal(await line.verify(), 'process 42 is stopped (T)');
    assert.deepEqual(line.observation, { evidence: 'process 42 is stopped (T)', proof: 'state' });
    const proof: FaultObservation = { evidence: 'data plane: ok', proof: 'data-plane', checks: [{ from: 'node-2', traffic: 'tcp connect to 198.18.0.11:9', expect: 'silence', observed: 'timeout', ok: true }] };
    const proven = new Injection(fault(async () => proof), null, journal, 's');
    await proven.inject();
    assert.equal(await proven.verify(), 'data plane: ok');
    assert.deepEqual(proven.observation, proof);
  });
});
