/** `scs-chaos lab up|down|status`: the built-in lab, built from the lab environment file. */
import { resolve } from 'node:path';
import { BadInput } from '../kernel/errors';
import { loadEnvironment } from '../environment/load';
import type { Environment } from '../model/environment';
import { labDown, labStatus, labUp, LabStatus } from '../../lab/lab';
import { DEFAULT_ENV, parseFlags } from './flags';

const USAGE = 'usage: scs-chaos lab up [--with ceph|kubernetes|openstack|alerting, comma-separated or repeated] | down | status [--json] [--env FILE]';
/** What `lab up --with` can add (comma-separated or repeated). */
const ADDITIONS = ['ceph', 'kubernetes', 'openstack', 'alerting'] as const;
type Addition = (typeof ADDITIONS)[number];

export async function labCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags(args, { env: { type: 'string' }, json: { type: 'boolean' }, with: { type: 'string', multiple: true } });
  const [action, ...extra] = positionals;
  if (extra.length) throw new BadInput(`unexpected argument "${extra[0]}"`, undefined, USAGE);
  const additions = labAdditions(values.with, action);
  const env = labEnvironment(values.env ?? DEFAULT_ENV);
  switch (action) {
    case 'up':
      await labUp(env, log, { withCeph: additions.has('ceph'), withKubernetes: additions.has('kubernetes'), withOpenstack: additions.has('openstack'), withAlerting: additions.has('alerting') });
      return 0;
    case 'down':
      await labDown(env, log);
      return 0;
    case 'status': {
      const status = await labStatus(env);
      process.stdout.write(values.json ? `${JSON.stringify(status, null, 2)}\n` : formatLabStatus(status));
      return status.up ? 0 : 1;
    }
    default:
      throw new BadInput(`unknown lab action "${action ?? ''}"`, undefined, USAGE);
  }
}

/** labAdditions: the `--with` values (repeated and/or comma-separated); only `lab up` takes them. */
function labAdditions(values: string | string[] | undefined, action: string | undefined): Set<Addition> {
  const words = (values === undefined ? [] : [values].flat()).flatMap((value) => value.split(',')).map((word) => word.trim());
  const hint = 'lab up takes --with ceph, --with kubernetes, --with openstack, --with alerting, or several (--with ceph,openstack); lab down always removes them';
  if (words.length > 0 && action !== 'up') throw new BadInput(`--with ${words.join(',')} is not known for lab ${action ?? ''}`, undefined, hint);
  for (const word of words) if (!(ADDITIONS as readonly string[]).includes(word)) throw new BadInput(`--with ${word} is not known`, undefined, hint);
  return new Set(words as Addition[]);
}

/** labEnvironment: an environment file that has a `lab:` block (only the lab can be built here). */
export function labEnvironment(path: string): Environment {
  const env = loadEnvironment(resolve(path));
  if (!env.lab) throw new BadInput(`environment ${env.name} has no "lab:" block, so it is not a lab that can be built`, { file: env.sourcePath }, `use --env ${DEFAULT_ENV}`);
  return env;
}

/** formatLabStatus: the lab's state for people; `--json` gives the full structure. */
function formatLabStatus(status: LabStatus): string {
  const lines = [status.up ? 'lab is up' : 'lab is NOT up'];
  for (const node of status.nodes) {
    const backend = node.runsService ? (node.backendPid ? `backend pid ${node.backendPid}` : 'backend not running') : 'no service';
    lines.push(`  ${node.node.padEnd(8)} ${node.namespacePresent ? 'namespace ok' : 'no namespace'}, ${node.supervisorRunning ? 'supervisor running' : 'no supervisor'}, ${backend}, haproxy: ${status.backends[node.node] ?? '?'}`);
  }
  lines.push(`  edge     ${status.edge.namespacePresent ? 'namespace ok' : 'no namespace'}, ${status.edge.haproxyRunning ? `haproxy pid ${status.edge.haproxyPid}` : 'haproxy not running'}`);
  if (status.ceph) {
    lines.push(`  ceph     ${status.ceph.daemons.map((d) => `${d.daemon} ${d.pid ? `pid ${d.pid}` : 'not running'}`).join(', ')}`);
    lines.push(`           ${status.ceph.summary ?? 'ceph status: no answer'}`);
  }
  const k8s = status.kubernetes;
  if (k8s) {
    const down = k8s.daemons.filter((d) => d.pid === null).map((d) => d.daemon);
    lines.push(`  kubernetes ${k8s.version} at ${k8s.server}: ${k8s.daemons.length - down.length}/${k8s.daemons.length} daemons running${down.length ? ` (not: ${down.join(', ')})` : ''}`);
    lines.push(`           nodes ${Object.entries(k8s.nodes).map(([node, ready]) => `${node} Ready=${ready}`).join(', ') || '?'}; web ${k8s.web ? `${k8s.web.available}/${k8s.web.replicas} available` : '?'}, ${k8s.edgeUrl} haproxy: ${Object.entries(k8s.edge).map(([node, state]) => `${node} ${state}`).join(', ') || '?'}`);
    lines.push(`           KUBECONFIG=${k8s.kubeconfig}`);
  }
  if (status.openstack) {
    const { programs, apis, cloudsYaml } = status.openstack;
    lines.push(`  openstack ${programs.map((p) => `${p.program} ${p.pid ? `pid ${p.pid}` : 'not running'}`).join(', ')}`);
    lines.push(`           APIs: ${apis.map((a) => `${a.service} ${a.status ?? 'no answer'}`).join(', ')}${cloudsYaml ? `; clouds.yaml: ${cloudsYaml}` : ''}`);
  }
  for (const problem of status.problems) lines.push(`  problem: ${problem}`);
  return `${lines.join('\n')}\n`;
}
