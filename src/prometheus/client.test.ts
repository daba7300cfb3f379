import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadInput } from '../kernel/errors';
import {
  ActiveTarget,
  parseApiResponse,
  parseInstantData,
  parseMatrixData,
  parseSampleValue,
  parseTargetsData,
  PrometheusUnavailable,
  targetProblems,
} from './client';
import { judgeResult, worstValue } from './promql-probe';

const URL = 'http://127.0.0.1:19090';

// Bodies below are what Prometheus 2.42 answers (captured from the Debian package).
const UP_BODY =
  '{"status":"success","data":{"resultType":"vector","result":[' +
  '{"metric":{"__name__":"up","instance":"127.0.0.1:19090","job":"prometheus"},"value":[1795806239.968,"1"]},' +
  '{"metric":{"__name__":"up","instance":"127.0.0.1:19100","job":"node","node":"n1"},"value":[1795806239.968,"0"]}]}}';
const BAD_DATA_BODY =
  '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:12: parse error: missing unit character in duration"}';
const EXECUTION_BODY = '{"status":"error","errorType":"execution","error":"found duplicate series for the match group {}"}';

describe('parseApiResponse', () => {
  it('returns the data of a success', () => {
    const data = parseApiResponse(URL, 200, UP_BODY, 'up') as { resultType: string };
    assert.equal(data.resultType, 'vector');
  });

  it('turns bad PromQL (400 bad_data) into BadInput naming the query and Prometheus\' reason', () => {
    assert.throws(
      () => parseApiResponse(URL, 400, BAD_DATA_BODY, 'sum(rate(x['),
      (error: unknown) =>
        error instanceof BadInput &&
        /rejects the PromQL query "sum\(rate\(x\["/.test(error.message) &&
        /missing unit character in duration/.test(error.message) &&
        /promtool/.test(error.hint ?? ''),
    );
  });

  it('turns every other error into PrometheusUnavailable naming the URL and the reason', () => {
    assert.throws(
      () => parseApiResponse(URL, 422, EXECUTION_BODY, 'a + on() b'),
      (error: unknown) =>
        error instanceof PrometheusUnavailable &&
        error.url === URL &&
        error.message.startsWith(`Prometheus at ${URL} is unavailable: HTTP 422, execution: found duplicate series`) &&
        error.message.includes('(query "a + on() b")'),
    );
    assert.throws(() => parseApiResponse(URL, 503, '{"status":"error","errorType":"unavailable","error":"TSDB not ready"}', 'up'), PrometheusUnavailable);
  });

  it('says when the answer is not the Prometheus API at all', () => {
    assert.throws(
      () => parseApiResponse(URL, 404, '<html><body>Not Found</body></html>', 'up'),
      (error: unknown) => error instanceof PrometheusUnavailable && /HTTP 404 .*not Prometheus API JSON \(is http:\/\/127\.0\.0\.1:19090 a Prometheus\?\)/.test(error.message),
    );
    assert.throws(() => parseApiResponse(URL, 200, '', 'up'), /\(empty\)/);
  });
});

describe('result parsing', () => {
  it('reads an instant vector with labels, values and times', () => {
    const data = parseApiResponse(URL, 200, UP_BODY, 'up');
    assert.deepEqual(parseInstantData(data, 'up'), {
      resultType: 'vector',
      vector: [
        { metric: { __name__: 'up', instance: '127.0.0.1:19090', job: 'prometheus' }, value: 1, t: 1795806239.968 },
        { metric: { __name__: 'up', instance: '127.0.0.1:19100', job: 'node', node: 'n1' }, value: 0, t: 1795806239.968 },
      ],
    });
  });

  it('reads a scalar, +Inf included', () => {
    assert.deepEqual(parseInstantData({ resultType: 'scalar', result: [1795806240.02, '+Inf'] }, '1/0'), {
      resultType: 'scalar',
      value: Infinity,
      t: 1795806240.02,
    });
  });

  it('refuses a string result: there is nothing numeric to judge', () => {
    assert.throws(() => parseInstantData({ resultType: 'string', result: [1, 'abc'] }, '"abc"'), BadInput);
  });

  it('reads a matrix', () => {
    const data = { resultType: 'matrix', result: [{ metric: { job: 'node' }, values: [[10, '1'], [11, '0']] }] };
    assert.deepEqual(parseMatrixData(data, 'up'), [{ metric: { job: 'node' }, values: [{ t: 10, value: 1 }, { t: 11, value: 0 }] }]);
    assert.throws(() => parseMatrixData({ resultType: 'vector', result: [] }, 'up'), /expected matrix/);
  });

  it('reads sample values as Prometheus writes them', () => {
    assert.equal(parseSampleValue('0.25'), 0.25);
    assert.equal(parseSampleValue('1e+06'), 1e6);
    assert.equal(parseSampleValue('-Inf'), -Infinity);
    assert.ok(Number.isNaN(parseSampleValue('NaN')));
    assert.throws(() => parseSampleValue(''), /unexpected sample value/);
    assert.throws(() => parseSampleValue(1), /unexpected sample value/);
  });
});

describe('targets', () => {
  const data = {
    activeTargets: [
      {
        discoveredLabels: {},
        labels: { instance: '127.0.0.1:19100', job: 'node', node: 'n1' },
        scrapePool: 'node',
        scrapeUrl: 'http://127.0.0.1:19100/metrics',
        lastError: 'Get "http://127.0.0.1:19100/metrics": dial tcp 127.0.0.1:19100: connect: connection refused',
        lastScrape: '2026-11-27T19:04:00.1Z',
        health: 'down',
      },
      { labels: { instance: '127.0.0.1:19090', job: 'prometheus' }, scrapeUrl: 'http://127.0.0.1:19090/metrics', lastError: '', lastScrape: '', health: 'up' },
    ],
    droppedTargets: [],
  };

  it('reads active targets with their health', () => {
    const [node, self] = parseTargetsData(data) as [ActiveTarget, ActiveTarget];
    assert.equal(node.job, 'node');
    assert.equal(node.instance, '127.0.0.1:19100');
    assert.equal(node.health, 'down');
    assert.equal(node.labels.node, 'n1');
    assert.equal(self.health, 'up');
  });

  it('lists every expected target that is missing or not up, with its last error', () => {
    const active = parseTargetsData(data);
    assert.deepEqual(
      targetProblems(active, [
        { job: 'prometheus', instance: '127.0.0.1:19090' },
        { job: 'node', instance: '127.0.0.1:19100' },
        { job: 'haproxy', instance: '127.0.0.1:19404' },
      ]),
      [
        'node/127.0.0.1:19100: down (Get "http://127.0.0.1:19100/metrics": dial tcp 127.0.0.1:19100: connect: connection refused)',
        'haproxy/127.0.0.1:19404: not among the active targets (yet)',
      ],
    );
    assert.deepEqual(targetProblems(active, [{ job: 'prometheus', instance: '127.0.0.1:19090' }]), []);
  });
});

describe('judgeResult (PromqlProbe)', () => {
  const vector = (...values: number[]) => ({
    resultType: 'vector' as const,
    vector: values.map((value, i) => ({ metric: { instance: `n${i}` }, value, t: 1 })),
  });

  it('is ok when every series meets the condition, with the worst value', () => {
    assert.deepEqual(judgeResult(vector(1, 1, 1), { op: '==', threshold: 1 }), { ok: true, value: 1, series: 3 });
    assert.deepEqual(judgeResult(vector(1, 0, 1), { op: '==', threshold: 1 }), { ok: false, value: 0, series: 3, error: 'condition' });
    assert.deepEqual(judgeResult(vector(3, 2), { op: '>=', threshold: 3 }), { ok: false, value: 2, series: 2, error: 'condition' });
  });

  it('judges a scalar', () => {
    assert.deepEqual(judgeResult({ resultType: 'scalar', value: 0.05, t: 1 }, { op: '<', threshold: 0.1 }), { ok: true, value: 0.05, series: 1 });
  });

  it('counts an empty vector as bad unless absent is fine', () => {
    assert.deepEqual(judgeResult(vector(), { op: '==', threshold: 1 }), {
      ok: false,
      value: null,
      series: 0,
      error: 'absent',
      detail: 'the query returned no series',
    });
    assert.deepEqual(judgeResult(vector(), { op: '==', threshold: 1, absentIsOk: true }), { ok: true, value: null, series: 0 });
  });

  it('counts NaN as bad, without a value', () => {
    assert.deepEqual(judgeResult(vector(1, NaN), { op: '>', threshold: 0 }), { ok: false, value: null, series: 2, error: 'nan', detail: 'the query returned NaN' });
  });

  it('picks the worst value per operator', () => {
    assert.equal(worstValue([1, 5, 3], '<', 4), 5);
    assert.equal(worstValue([1, 5, 3], '<=', 4), 5);
    assert.equal(worstValue([1, 5, 3], '>', 4), 1);
    assert.equal(worstValue([1, 5, 3], '>=', 4), 1);
    assert.equal(worstValue([4, 5, 1], '==', 4), 1);
    assert.equal(worstValue([], '==', 4), null);
  });
});
