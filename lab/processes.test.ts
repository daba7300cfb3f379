/** labProcesses: which processes belong to this lab — and not to a second lab on the same machine. */
import '../src/kinds';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { loadEnvironment } from '../src/environment/load';
import { labLayout } from './layout';
import { labProcesses, ProcessInfo } from './processes';

const layout = labLayout(loadEnvironment(resolve(__dirname, '../experiments/environments/lab.yaml')));
const run = layout.spec.runDir;
const backend = (pid: number, node: string, dataDir?: string): ProcessInfo => ({ pid, argv: ['/usr/bin/node', '/x/lab/services/web-backend.js', 'scs-lab-web-backend', '--node', node, '--port', '8080', ...(dataDir ? ['--data-dir', dataDir] : [])] });

describe('labProcesses', () => {
  it('finds this lab\'s daemons by their run directory and its backends by node and data directory', () => {
    const processes: ProcessInfo[] = [
      { pid: 10, argv: ['/usr/bin/python3', '/usr/bin/supervisord', '-c', `${run}/node-1/supervisord.conf`] },
      { pid: 11, argv: ['/usr/bin/node', '/x/lab/services/dns-server.js', 'scs-lab-dns', '--listen', '198.18.0.10', '--pid-file', `${run}/edge/dns.pid`] },
      backend(12, 'node-1', `${run}/node-1/data`),
      backend(13, 'node-2'), // a stray backend of a half-built lab: no data directory yet
      // a second lab on the machine: same script and marker, other nodes or run directory
      { pid: 20, argv: ['/usr/bin/python3', '/usr/bin/supervisord', '-c', '/run/scs-mm-lab/mm-1/supervisord.conf'] },
      backend(21, 'mm-1', '/run/scs-mm-lab/mm-1/data'),
      backend(22, 'node-1', '/run/other-lab/node-1/data'),
      // merely mentioning the names
      { pid: 30, argv: ['vim', `${run}/node-1/supervisord.conf`] },
      { pid: 31, argv: ['grep', 'scs-lab-web-backend'] },
    ];
    assert.deepEqual(labProcesses(layout, processes).map((p) => p.pid), [10, 11, 12, 13]);
  });
});
