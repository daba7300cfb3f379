/**
 * Unit tests of the lab's pure parts (no root, nothing touched): layout derived from lab.yaml, address checks,
 * generated haproxy and supervisord configs, and parsing haproxy's `show stat`.
 */
import '../src/kinds';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { describe, it } from 'node:test';
import { loadEnvironment } from '../src/environment/load';
import type { Environment } from '../src/model/environment';
import { haproxyConfigText } from './haproxy';
import { serverStates } from './haproxy-state';
import { addressAfter, cidrContains, parseCidr } from './ipv4';
import { labLayout, vethName } from './layout';
import { supervisorConfigText } from './supervisor';

const env = loadEnvironment(resolve(__dirname, '../experiments/environments/lab.yaml'));

function withLab(change: (copy: Environment) => void): Environment {
  const copy = structuredClone(env);
  change(copy);
  return copy;
}

describe('lab layout', () => {
  it('derives names and paths from lab.yaml', () => {
    const layout = labLayout(env);
    assert.equal(layout.prefixLength, 24);
    assert.deepEqual(layout.nodes.map((n) => [n.name, n.namespace, n.veth, n.runsService]), [
      ['node-1', 'scs-lab-node-1', 'scs-l-node-1', true],
      ['node-2', 'scs-lab-node-2', 'scs-l-node-2', true],
      ['node-3', 'scs-lab-node-3', 'scs-l-node-3', true],
    ]);
    assert.equal(layout.nodes[0]?.supervisorConfig, '/run/scs-chaos-lab/node-1/supervisord.conf');
    assert.equal(layout.edge.statsSocket, '/run/scs-chaos-lab/haproxy.sock');
    assert.equal(layout.service.marker, 'scs-lab-web-backend');
  });

  it('keeps veth names within 15 characters', () => {
    assert.equal(vethName('a-very-long-node-name').length, 15);
    assert.notEqual(vethName('a-very-long-node-name-1'), vethName('a-very-long-node-name-2'));
  });

  it('refuses addresses outside the subnet, a subnet outside the range, and a shallow runDir', () => {
    assert.throws(() => labLayout(withLab((e) => ((e.nodes[0] as { address: string }).address = '198.18.1.11'))), /outside lab subnet/);
    assert.throws(() => labLayout(withLab((e) => e.lab && (e.lab.unreachableRange = '10.0.0.0/8'))), /inside lab unreachableRange/);
    assert.throws(() => labLayout(withLab((e) => e.lab && (e.lab.runDir = '/run'))), /runDir/);
    assert.throws(() => labLayout(withLab((e) => ((e.nodes[1] as { address: string }).address = '198.18.0.11'))), /used twice/);
    assert.throws(() => labLayout(withLab((e) => delete e.lab)), /no lab block/);
  });

  it('computes addresses in the range but outside the subnet', () => {
    const outside = addressAfter(parseCidr('198.18.0.0/24'), 1);
    assert.equal(outside, '198.18.1.1');
    assert.equal(cidrContains(parseCidr('198.18.0.0/15'), outside), true);
    assert.equal(cidrContains(parseCidr('198.18.0.0/24'), outside), false);
  });
});

describe('lab configs', () => {
  it('haproxy balances over every web node with sub-second checks and serves metrics', () => {
    const text = haproxyConfigText(labLayout(env));
    for (const line of [
      'bind 198.18.0.10:80',
      'balance roundrobin',
      'option httpchk GET /healthz',
      'default-server inter 200ms fastinter 100ms downinter 200ms fall 2 rise 2',
      'server node-1 198.18.0.11:8080 check',
      'server node-3 198.18.0.13:8080 check',
      'stats socket /run/scs-chaos-lab/haproxy.sock mode 600 level admin',
      'bind 198.18.0.10:8404',
      'http-request use-service prometheus-exporter if { path /metrics }',
      'timeout connect 300ms',
      'option redispatch 1',
    ]) {
      assert.ok(text.includes(line), `haproxy.cfg lacks "${line}"`);
    }
  });

  it('supervisord restarts programs at once and quotes their arguments', () => {
    const node = labLayout(env).nodes[0];
    assert.ok(node);
    const text = supervisorConfigText(node, [{ name: 'web', argv: ['/usr/bin/node', '/srv/my lab/web-backend.js', '50%'], logFile: '/tmp/web.log' }]);
    assert.match(text, /^\[program:web\]$/m);
    assert.match(text, /^command=\/usr\/bin\/node '\/srv\/my lab\/web-backend.js' 50%%$/m);
    for (const line of ['autorestart=true', 'startsecs=0', 'stopsignal=TERM', 'stopasgroup=true', 'killasgroup=true', 'file=/run/scs-chaos-lab/node-1/supervisor.sock']) {
      assert.match(text, new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`, 'm'));
    }
  });

  it('reads server states of one backend from show stat', () => {
    const csv = [
      '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight',
      'web,FRONTEND,,,0,1,262,5,0,0,0,0,0,,,,,OPEN,',
      'web,node-1,0,0,0,1,,2,0,0,,0,,0,0,0,0,UP,1',
      'web,node-2,0,0,0,1,,2,0,0,,0,,0,0,0,0,DOWN 1/2,1',
      'web,BACKEND,0,0,0,1,26,5,0,0,0,0,,0,0,0,0,UP,2',
      'other,node-9,0,0,0,1,,2,0,0,,0,,0,0,0,0,MAINT,1',
      '',
    ].join('\n');
    assert.deepEqual(serverStates(csv, 'web'), { 'node-1': 'UP', 'node-2': 'DOWN 1/2' });
    assert.throws(() => serverStates('Unknown command', 'web'), /no CSV header/);
  });
});
