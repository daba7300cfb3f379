/**
 * The lab's Kubernetes, carried out: `labKubernetesPlanOf` checks and plans before anything is touched, `ensureKubernetesBuilt` builds the
 * binaries when the cache lacks them, `upLabKubernetes` brings the cluster up (or repairs it) once the lab's
 * namespaces exist, `downLabKubernetes` removes every trace of it before the lab's namespaces go. Starting and
 * stopping the daemons is the Kubernetes supervisords' job (lab/kubernetes/supervisors.ts).
 *
 * `lab up --with kubernetes`, in order: PKI and kubeconfigs (once) → configs → cgroup roots, forwarding and
 * pod-range routes → the supervisords (control plane and every node at once) → images into each node's
 * containerd as soon as it answers (then the scs-chaos image, when cached, meanwhile) → API server ready → every
 * node Ready → the web workload applied → the Deployment available and haproxy sees the NodePort UP on every node →
 * the scs-chaos image imported → cluster.json.
 */
import { forgetRecipesOf } from '../../src/kinds/kubernetes/leftovers';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { now, sleep } from '../../src/kernel/clock';
import { formatDuration } from '../../src/kernel/duration';
import { runCommand } from '../../src/executors/command';
import { haproxyCommand } from '../haproxy-state';
import type { LabLayout } from '../layout';
import { isAlive, listProcesses, signal, waitForExit } from '../processes';
import { stopSupervisord } from '../supervisor';
import { Deployment, labApi, LabApi, NodeList, nodeReady } from './api';
import { writeClusterInfo } from './cluster-info';
import { kubernetesBackendStates } from './haproxy';
import { cleanSharedHostPaths, ensureCgroupRoot, recordPreexisting, removeCgroupRoot, shimSockets, unmountUnder } from './host';
import { ensurePki, writeKubeconfig } from './pki';
import { KubernetesNodePlan, kubeconfigUsers, kubernetesDirOf, labKubernetesPlan, LabKubernetesPlan } from './plan';
import { kubernetesPids } from './processes';
import { ensurePodRoutes, removePodRoutes } from './routes';
import { BUILD_SCRIPT, CLUSTER_API_CRDS, KUBERNETES_BINARIES, KUBERNETES_IMAGES, kubernetesVersions, WEB_NAME, WEB_NAMESPACE } from './settings';
import { applyClusterApi, clusterApiCrdDir } from './cluster-api';
import { ensureKubernetesSupervisor, writeSupervisorFiles } from './supervisors';
import { kubernetesToolPath, requireKubernetesTools } from './tools';
import { importChaosImage } from './chaos-image';
import { importMissing, nodeCtr, type NodeImage } from './node-images';
import { nodePodNamespace, objectPath, webWorkload } from './workload';

/** How long `lab up` waits for the cluster (API server, nodes, workload, haproxy) once the daemons run. */
const READY_TIMEOUT_MS = 90_000;
/** A progress line at most this often while waiting. */
const PROGRESS_EVERY_MS = 10_000;

/** labKubernetesPresent: whether the lab runs (or ran, and `lab down` has not cleaned up) a Kubernetes cluster. */
export function labKubernetesPresent(layout: LabLayout): boolean {
  return existsSync(kubernetesDirOf(layout));
}

/** labKubernetesPlanOf: the plan with the installed containerd; throws before anything is touched when a tool or setting is missing. */
export function labKubernetesPlanOf(layout: LabLayout): LabKubernetesPlan {
  requireKubernetesTools();
  return labKubernetesPlan(layout, { versions: kubernetesVersions(), containerd: kubernetesToolPath('containerd') });
}

/** missingFromCache: the binaries and images build.sh has not (yet) put into the cache. */
export function missingFromCache(plan: LabKubernetesPlan): string[] {
  return [
    ...KUBERNETES_BINARIES.map((name) => join(plan.cache.bin, name)),
    ...KUBERNETES_IMAGES.map((name) => join(plan.cache.images, `${name}.tar`)),
    ...CLUSTER_API_CRDS.map((file) => join(clusterApiCrdDir(plan), file)),
  ].filter((path) => !existsSync(path));
}

/**
 * ensureKubernetesBuilt runs lab/kubernetes/build.sh when the cache lacks anything (cold: many minutes on two
 * cores; it prints its progress, passed on to `log`); a no-op with the cache complete.
 */
export async function ensureKubernetesBuilt(plan: LabKubernetesPlan, log: (line: string) => void): Promise<void> {
  const missing = missingFromCache(plan);
  if (missing.length === 0) return;
  log(`kubernetes: ${missing.length} binaries or images missing from ${plan.cache.dir}; building them (bash ${BUILD_SCRIPT})`);
  const child = spawn('bash', [BUILD_SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const forward = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
    for (const line of chunk.toString('utf8').split('\n')) if (line.startsWith('kubernetes build:')) log(line);
  };
  child.stdout.on('data', forward);
  child.stderr.on('data', forward);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`bash ${BUILD_SCRIPT} failed (exit ${code}):\n${tail}`);
  const still = missingFromCache(plan);
  if (still.length > 0) throw new Error(`bash ${BUILD_SCRIPT} finished but left out ${still.join(', ')}`);
}

/** upLabKubernetes brings the cluster up or repairs it; the lab's namespaces, bridge and edge exist already. */
export async function upLabKubernetes(layout: LabLayout, plan: LabKubernetesPlan, log: (line: string) => void, statsSocket: string): Promise<void> {
  const started = now();
  await mkdir(plan.dir, { recursive: true, mode: 0o755 });
  await recordPreexisting(plan.preexistingRecord);
  if ((await ensurePki(plan.pki)) === 'created') log(`kubernetes: certificates in ${plan.pki.dir} (${formatDuration(now() - started)})`);
  await Promise.all([
    writeKubeconfig(plan.pki, 'admin', plan.apiServerUrl, plan.clusterName, plan.adminKubeconfig),
    ...kubeconfigUsers(plan).map((user) => writeKubeconfig(plan.pki, user, plan.apiServerUrl, plan.clusterName, join(plan.pki.dir, `${user}.kubeconfig`))),
  ]);
  const supervisors = [plan.control, ...plan.nodes.map((n) => n.supervisor)];
  const changed = await Promise.all(supervisors.map((s) => writeSupervisorFiles(s)));
  for (const node of plan.nodes) await ensureCgroupRoot(node.cgroupRoot);
  await ensurePodRoutes(layout, plan);
  await Promise.all(supervisors.map(async (s, i) => log(`kubernetes: ${await ensureKubernetesSupervisor(s, changed[i] ?? true)}`)));

  const deadline = started + READY_TIMEOUT_MS;
  const imported = Promise.all(plan.nodes.map((node) => importImages(plan, node, deadline)));
  imported.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile
  // the scs-chaos image (when cached) after the lab's own, meanwhile; awaited last
  const chaosImported = importChaosImage(plan, imported, log);
  chaosImported.catch(() => undefined);
  const api = labApi(plan);
  await waitUntil(deadline, 'the API server to be ready', async () => {
    const answer = await api.call('GET', '/readyz', { timeoutMs: 2000 }).catch((error: Error) => error);
    return answer instanceof Error ? answer.message : answer.status === 200 ? undefined : `/readyz answered ${answer.status}: ${answer.body.slice(-200)}`;
  }, log);
  log(`kubernetes: API server ${plan.apiServerUrl} ready after ${formatDuration(now() - started)}`);
  await imported;
  await waitUntil(deadline, `${plan.nodes.length} nodes to be Ready`, async () => notReadyNodes(api, plan), log);
  log(`kubernetes: nodes ${plan.nodes.map((n) => n.node.name).join(', ')} Ready after ${formatDuration(now() - started)}`);

  for (const object of [nodePodNamespace(), ...webWorkload(plan.versions.busyboxImage, plan.nodes.length)]) {
    const answer = await api.call('PATCH', `${objectPath(object)}?fieldManager=scs-chaos-lab&force=true`, { body: JSON.stringify(object), contentType: 'application/apply-patch+yaml' });
    if (answer.status !== 200 && answer.status !== 201) throw new Error(`applying ${object.kind} ${object.metadata.name} answered ${answer.status}: ${answer.body.slice(0, 500)}`);
  }
  await applyClusterApi(api, plan, (what, check) => waitUntil(deadline, what, check, log));
  await waitUntil(deadline, `Deployment ${WEB_NAME} to be available`, async () => deploymentNotAvailable(api, plan.nodes.length), log);
  await waitUntil(deadline, `haproxy to see ${WEB_NAME} UP on every node's NodePort`, async () => {
    const states = kubernetesBackendStates(await haproxyCommand(statsSocket, 'show stat'));
    const down = plan.nodes.filter((n) => states[n.node.name] !== 'UP').map((n) => `${n.node.name}: ${states[n.node.name] ?? 'absent'}`);
    return down.length ? down.join(', ') : undefined;
  }, log);
  await chaosImported;
  await writeClusterInfo(layout, plan);
  log(`kubernetes: ${plan.versions.kubernetes} with ${plan.nodes.length} nodes, Deployment ${WEB_NAME} available behind the edge after ${formatDuration(now() - started)}; kubeconfig ${plan.adminKubeconfig}`);
}

/** Imports the pause and busybox images into the node's containerd once it answers (skipped when present). */
async function importImages(plan: LabKubernetesPlan, node: KubernetesNodePlan, deadline: number): Promise<void> {
  await waitUntil(deadline, `containerd on ${node.node.name}`, async () => {
    const result = await runCommand([...nodeCtr(node), 'version'], { timeoutMs: 5000 });
    return result.code === 0 ? undefined : result.stderr.trim() || `exit ${result.code}`;
  });
  const wanted: NodeImage[] = [
    { image: plan.versions.pauseImage, tarball: join(plan.cache.images, 'pause.tar') },
    { image: plan.versions.busyboxImage, tarball: join(plan.cache.images, 'busybox.tar') },
  ];
  await importMissing(node, wanted, 60_000);
}

async function notReadyNodes(api: LabApi, plan: LabKubernetesPlan): Promise<string | undefined> {
  const list = await api.get<NodeList>('/api/v1/nodes', 3000).catch((error: Error) => error);
  if (list instanceof Error) return list.message;
  // Ready is not enough: the node lifecycle controller removes the not-ready taint a moment later, and a Deployment
  // applied in between lands every replica on the nodes already untainted.
  const waiting = plan.nodes
    .map((n) => {
      const item = list.items.find((i) => i.metadata.name === n.node.name) ?? { metadata: { name: '' } };
      const taints = (item.spec?.taints ?? []).filter((t) => t.key.startsWith('node.kubernetes.io/')).map((t) => t.key);
      return { name: n.node.name, ready: nodeReady(item), taints };
    })
    .filter((n) => n.ready !== 'True' || n.taints.length > 0);
  return waiting.length ? waiting.map((n) => `${n.name}: Ready=${n.ready}${n.taints.length ? ` (taints ${n.taints.join(', ')})` : ''}`).join(', ') : undefined;
}

async function deploymentNotAvailable(api: LabApi, replicas: number): Promise<string | undefined> {
  const deployment = await api.get<Deployment>(`/apis/apps/v1/namespaces/${WEB_NAMESPACE}/deployments/${WEB_NAME}`, 3000).catch((error: Error) => error);
  if (deployment instanceof Error) return deployment.message;
  const available = deployment.status?.availableReplicas ?? 0;
  return available >= replicas ? undefined : `${available}/${replicas} replicas available`;
}

/**
 * waitUntil polls `check` (undefined = done, else what it waits for) every 100 ms until `deadline`; throws naming
 * `what` and the last answer. With `log`, says every PROGRESS_EVERY_MS what it still waits for.
 */
async function waitUntil(deadline: number, what: string, check: () => Promise<string | undefined>, log?: (line: string) => void): Promise<void> {
  let last = '';
  let nextProgress = now() + PROGRESS_EVERY_MS;
  for (;;) {
    const waiting = await check().catch((error: Error) => error.message);
    if (waiting === undefined) return;
    last = waiting;
    if (now() > deadline) throw new Error(`kubernetes: timed out waiting for ${what}: ${last}; see the logs under the lab's run directory (kubernetes/<node>/kubelet.log, kubernetes/control/*.log); run scs-chaos lab down to clean up`);
    if (log && now() > nextProgress) {
      log(`kubernetes: waiting for ${what}: ${last}`);
      nextProgress = now() + PROGRESS_EVERY_MS;
    }
    await sleep(100);
  }
}

/**
 * downLabKubernetes removes the cluster: its supervisords (kubelets, kube-proxies, containerds, control plane),
 * then whatever survived them (shims, containers: by cgroup), the mounts under its directory, the cgroup roots,
 * the host's pod routes, its entries in the shared host paths, and its directory. Safe on a half-built or absent
 * cluster; throws listing what it could not remove. Runs while the lab's namespaces still exist.
 */
export async function downLabKubernetes(layout: LabLayout, plan: LabKubernetesPlan, log: (line: string) => void): Promise<void> {
  const started = now();
  const before = kubernetesPids(plan);
  const sockets = plan.nodes.flatMap((n) => shimSockets(n.containerdState));
  signal(before, 'SIGCONT'); // a stopped process cannot act on TERM
  const supervisors = [...plan.nodes.map((n) => n.supervisor), plan.control];
  const outcomes = await Promise.all(supervisors.map((s) => stopSupervisord(s.target)));
  const stopped = supervisors.filter((_, i) => outcomes[i] === 'stopped').map((s) => s.target.namespace);
  if (stopped.length) log(`kubernetes: stopped the Kubernetes supervisords in ${stopped.join(', ')}`);
  // containerd's shims and the containers outlive containerd: kill them (and any daemon left) by name and cgroup
  for (let round = 0; round < 3; round++) {
    const left = kubernetesPids(plan).filter(isAlive);
    if (left.length === 0) break;
    signal(left, 'SIGKILL');
    await waitForExit(left, 3000);
  }
  for (const socket of sockets) await rm(socket, { force: true });
  const unmounted = await unmountUnder([plan.dir]);
  const busy = plan.nodes.flatMap((n) => removeCgroupRoot(n.cgroupRoot));
  await removePodRoutes(layout, plan);
  // ours are gone by now: any kubelet left belongs to someone else and keeps its device-plugin socket
  const otherKubelets = listProcesses().some((p) => basename(p.argv[0] ?? '') === 'kubelet');
  await cleanSharedHostPaths(plan.dir, plan.preexistingRecord, otherKubelets);
  const forgotten = await forgetRecipesOf(plan.dir);
  if (forgotten.length) log(`kubernetes: dropped ${forgotten.length} pending fault undo recipe(s) of this cluster (it is gone): ${forgotten.join(', ')}`);
  const present = existsSync(plan.dir);
  await rm(plan.dir, { recursive: true, force: true });
  if (before.length || unmounted.length || present) log(`kubernetes: removed (${before.length} processes, ${unmounted.length} mounts, cgroup roots ${plan.nodes.map((n) => n.cgroupRoot).join(' ')}) in ${formatDuration(now() - started)}`);
  if (busy.length) throw new Error(`kubernetes: cgroups still busy after lab down: ${busy.join(', ')}`);
}
