/**
 * The lab's DNS: a server on the edge (lab/services/dns-server.js, edge supervisord program "dns") that answers for
 * the lab's names only — `<service>.lab` (the edge, where haproxy serves), `edge.lab`, `<node>.lab`, `ctl.lab` — and
 * forwards nothing; and a resolv.conf for every lab namespace in /etc/netns/<namespace>/, which `ip netns exec`
 * mounts over /etc/resolv.conf, so every lookup from a lab node goes to the lab's server, never to the host's
 * resolver (no lab lookup leaves the machine), and the DNS-failure fault has a real resolver to cut off.
 * `lab down` removes the files (and /etc/netns when it is left empty); the leftover check lists them.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, rmdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabLayout } from './layout';
import { allNamespaces } from './layout';
import type { SupervisedProgram } from './supervisor';

export const LAB_DNS_PROGRAM = 'dns';
export const LAB_DNS_MARKER = 'scs-lab-dns';
export const LAB_DNS_SCRIPT = 'dns-server.js';
export const LAB_ZONE = 'lab';
export const DNS_PORT = 53;
/** Where `ip netns exec` looks for per-namespace /etc files (ip-netns(8)). */
export const NETNS_ETC = '/etc/netns';

/** labDnsRecords: name → address of every lab name the server answers for. */
export function labDnsRecords(layout: LabLayout): Array<[string, string]> {
  return [
    [`${layout.service.spec.name}.${LAB_ZONE}`, layout.edge.address],
    [`edge.${LAB_ZONE}`, layout.edge.address],
    ...layout.nodes.map((node): [string, string] => [`${node.name}.${LAB_ZONE}`, node.address]),
    ...(layout.control ? [[`ctl.${LAB_ZONE}`, layout.control.address] as [string, string]] : []),
  ];
}

/** labDnsProgram: the server as a program of the edge's supervisord (its pid file ties it to the lab's run directory). */
export function labDnsProgram(layout: LabLayout): SupervisedProgram {
  const records = labDnsRecords(layout).flatMap(([name, address]) => ['--record', `${name}=${address}`]);
  return {
    name: LAB_DNS_PROGRAM,
    argv: [process.execPath, join(__dirname, 'services', LAB_DNS_SCRIPT), LAB_DNS_MARKER, '--listen', layout.edge.address, '--port', String(DNS_PORT), '--pid-file', join(layout.edge.dir, 'dns.pid'), ...records],
    logFile: join(layout.edge.dir, 'dns.log'),
  };
}

export function resolvConfPath(namespace: string): string {
  return join(NETNS_ETC, namespace, 'resolv.conf');
}

/** resolvConfText: the lab's server only, short timeouts (a dropped query fails after a second, not 5 × 2). */
export function resolvConfText(layout: LabLayout): string {
  return `# scs-chaos lab (${layout.spec.runDir}): written by lab up, removed by lab down\nnameserver ${layout.edge.address}\nsearch ${LAB_ZONE}\noptions timeout:1 attempts:1\n`;
}

/** ensureResolvConfs: writes the lab's resolv.conf for every lab namespace (before any process starts in one). */
export async function ensureResolvConfs(layout: LabLayout): Promise<void> {
  for (const target of allNamespaces(layout)) {
    await mkdir(join(NETNS_ETC, target.namespace), { recursive: true, mode: 0o755 });
    await writeFile(resolvConfPath(target.namespace), resolvConfText(layout), { mode: 0o644 });
  }
}

/** removeResolvConfs: removes the lab's files and directories under /etc/netns, and /etc/netns itself if left empty. */
export async function removeResolvConfs(layout: LabLayout): Promise<void> {
  for (const target of allNamespaces(layout)) {
    await rm(resolvConfPath(target.namespace), { force: true });
    await rmdir(join(NETNS_ETC, target.namespace)).catch(() => undefined); // kept if someone else put files there
  }
  if (existsSync(NETNS_ETC) && (await readdir(NETNS_ETC)).length === 0) await rmdir(NETNS_ETC).catch(() => undefined);
}

/** resolvConfLeftovers: the lab's /etc/netns files that still exist. */
export function resolvConfLeftovers(layout: LabLayout): string[] {
  return allNamespaces(layout)
    .map((target) => resolvConfPath(target.namespace))
    .filter((path) => existsSync(path))
    .map((path) => `file ${path}`);
}
