/**
 * The built-in lab's lifecycle: `labUp` builds (or repairs) the lab described by an environment file,
 * `labDown` removes every trace of it, `labStatus` reports it. All three are idempotent: `up` on a running lab
 * repairs or does nothing, `down` on a half-built or absent lab cleans what is there.
 */
import { mkdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { now, sleep } from '../src/kernel/clock';
import { formatDuration } from '../src/kernel/duration';
import type { Environment } from '../src/model/environment';
import { checkHaproxyConfig, HAPROXY_PROGRAM, haproxyArgv, haproxyConfigText } from './haproxy';
import { haproxyBackendStates } from './haproxy-state';
import { httpGet } from './http-get';
import { allNamespaces, LabLayout, labLayout, LabNamespace } from './layout';
import { findLabLeftovers } from './leftovers';
import { ensureBridge, ensureNamespace, ensureUnreachableRoute, forgetNeighbour, listNamespaces, removeLink, removeNamespace, removeUnreachableRoute } from './network';
import { BACKEND_SCRIPT, findSupervisord, labProcesses, namespacePids, signal, waitForExit } from './processes';
import { programRunning, startProgram, startSupervisord, stopSupervisord, SupervisedProgram, supervisorConfigText, supervisordPid } from './supervisor';
import { requireLabTools, requireRoot } from './tools';
import { labPrometheusPlan, LabPrometheusPlan, PROMETHEUS_PORT } from './prometheus/config';
import { DATA_VOLUME_BYTES, ensureDataVolume, removeDataVolumes } from './data-volumes';
import { ensureLabSshKeys, sshdConfigText, sshdProgram } from './ssh';
import { MARKER_DIR } from '../src/revert/shell-markers';
import { waitForTargetsUp } from '../src/prometheus/client';
import type { LabCephPlan } from './ceph/config';
import { labCeph, labCephPresent, labCephProcesses, prepareLabCeph, waitLabCephHealthy } from './ceph/cluster';
import { ensureResolvConfs, labDnsProgram, removeResolvConfs } from './dns';
import type { LabKubernetesPlan } from './kubernetes/plan';
import { downLabKubernetes, ensureKubernetesBuilt, labKubernetesPlanOf, labKubernetesPresent, upLabKubernetes } from './kubernetes/cluster';
import { kubernetesHaproxyText } from './kubernetes/haproxy';
import { kubernetesPlanIfDerivable, kubernetesPidsOf } from './kubernetes/lab-hooks';
import { openstackDirOf, type LabOpenstackPlan } from './openstack/config';
import { labOpenstack, labOpenstackPresent, labOpenstackProcesses, stopLabOpenstack } from './openstack/control-plane';
import { prepareLabOpenstack } from './openstack/bootstrap';
import { finishLabOpenstack } from './openstack/resources';
import { LabAlertingPlan, labAlertingPlan } from './alerting/config';
import { labAlertingPresent, waitLabAlertingReady } from './alerting/ready';
import { forgetRecipesOf as forgetOpenstackRecipesOf, markerFolders as openstackMarkerFolders } from '../src/kinds/openstack/leftovers';

export { labStatus } from './status';
export type { LabEdgeStatus, LabNodeStatus, LabStatus } from './status';

const DATA_VOLUME_MIB = DATA_VOLUME_BYTES / (1024 * 1024);

/** How long `labUp` waits for every backend to answer and haproxy to see them all UP. */
const READY_TIMEOUT_MS = 20_000;
/** How long `labUp` waits for the lab's Ceph to be HEALTH_OK with every PG active+clean (about 20 s here). */
const CEPH_READY_TIMEOUT_MS = 120_000;

/**
 * LabUpOptions: `withCeph` adds the Ceph cluster (lab/ceph/), `withKubernetes` a Kubernetes cluster
 * (lab/kubernetes/), `withOpenstack` an OpenStack control plane (lab/openstack/); a lab that already runs any of
 * them keeps it either way.
 */
export interface LabUpOptions {
  withCeph?: boolean;
  withKubernetes?: boolean;
  withOpenstack?: boolean;
  /** Alertmanager, the repository's alert rules and the remediation service on the edge (lab/alerting/). */
  withAlerting?: boolean;
}

/** labUp builds or repairs the lab described by `env`, reporting progress through `log`; throws when it cannot. */
export async function labUp(env: Environment, log: (line: string) => void, options: LabUpOptions = {}): Promise<void> {
  const started = now();
  requireRoot('lab up');
  requireLabTools();
  const layout = labLayout(env);
  const keepCeph = !options.withCeph && labCephPresent(layout);
  const ceph = options.withCeph || keepCeph ? labCeph(layout, env) : undefined; // finds its binaries and checks the ceph: section first
  const alerting = options.withAlerting || labAlertingPresent(layout) ? labAlertingPlan(layout, env) : undefined; // finds Alertmanager first
  const prometheus = labPrometheus(layout, ceph, alerting); // finds its binaries: a missing one stops here, before anything is touched
  const keepKubernetes = !options.withKubernetes && labKubernetesPresent(layout);
  const kubernetes = options.withKubernetes || keepKubernetes ? labKubernetesPlanOf(layout) : undefined;
  const keepOpenstack = !options.withOpenstack && labOpenstackPresent(layout);
  const openstack = options.withOpenstack || keepOpenstack ? labOpenstack(layout, env.name, env.sourcePath) : undefined; // checks its packages first
  if (kubernetes) await ensureKubernetesBuilt(kubernetes, log); // a cold build takes many minutes: before the lab exists
  const { spec } = layout;
  const extras = [...(alerting ? ['alerting'] : []), ...(ceph ? ['Ceph'] : []), ...(kubernetes ? [`Kubernetes ${kubernetes.versions.kubernetes}`] : []), ...(openstack ? ['OpenStack'] : [])];
  log(`lab up: ${layout.nodes.length} nodes and an edge${extras.length ? `, ${extras.join(' and ')} (control namespace)` : ''} on bridge ${spec.bridge} (${spec.subnet}), files in ${spec.runDir}`);
  if (keepCeph) log('ceph: the lab runs Ceph from an earlier lab up --with ceph; kept (lab down removes it)');
  if (keepKubernetes) log('kubernetes: the lab runs Kubernetes from an earlier lab up --with kubernetes; kept (lab down removes it)');
  if (keepOpenstack) log('openstack: the lab runs OpenStack from an earlier lab up --with openstack; kept (lab down removes it)');

  await ensureBridge(layout);
  await ensureUnreachableRoute(layout);
  log(`network: bridge ${spec.bridge} at ${spec.hostAddress}, unreachable route for ${spec.unreachableRange}`);
  // The control namespace exists only while the lab runs Ceph, Kubernetes or OpenStack.
  const targets = allNamespaces(layout).filter((target) => ceph !== undefined || kubernetes !== undefined || openstack !== undefined || target !== layout.control);
  const recreated: LabNamespace[] = [];
  for (const target of targets) if (await ensureNamespace(layout, target)) recreated.push(target);
  for (const target of recreated) {
    await forgetNeighbour(layout, target.address, targets.filter((t) => t !== target).map((t) => t.namespace));
  }
  log(`network: namespaces ${targets.map((t) => `${t.namespace}=${t.address}`).join(', ')}`);

  const plans = namespacePlans(layout, prometheus, ceph, kubernetes, openstack, alerting);
  const changed = await writeFiles(layout, plans);
  for (const dir of alerting?.dirs ?? []) await mkdir(dir, { recursive: true, mode: 0o755 });
  await ensureResolvConfs(layout); // before any process starts in a namespace: every lookup goes to the lab's DNS
  await mkdir(prometheus.dataDir, { recursive: true, mode: 0o755 });
  await ensureLabSshKeys(layout);
  for (const exporter of prometheus.nodeExporters) await mkdir(exporter.textfileDir, { recursive: true, mode: 0o755 });
  await checkHaproxyConfig(layout);
  // Before supervisord starts: its programs (the backend, sshd) see the host's mounts as they are at that moment.
  const volumes = await Promise.all(layout.nodes.map((node) => ensureDataVolume(layout, node)));
  if (volumes.includes('mounted')) log(`data volumes: a ${DATA_VOLUME_MIB} MiB tmpfs at ${join(layout.spec.runDir, '<node>', 'data')} on every node`);
  // OpenStack's bootstrap (~20 s of database setup) runs while the rest of the lab starts; only the control
  // namespace's supervisord waits for it.
  const openstackPrepared = openstack ? prepareLabOpenstack(layout, openstack, log) : Promise.resolve(undefined);
  openstackPrepared.catch(() => undefined); // awaited below; this keeps an early failure from being "unhandled"
  if (ceph) await prepareLabCeph(layout, ceph, log); // before supervisord runs any Ceph daemon
  await Promise.all(
    plans.map(async (plan) => {
      if (plan.target === layout.control) await openstackPrepared;
      log(`${plan.target.name}: ${await ensureSupervisord(plan, changed.has(plan.target.name))}`);
    }),
  );
  await openstackPrepared; // with Kubernetes only in the control namespace, no supervisord plan awaited it

  // Kubernetes comes up while the rest of the lab gets ready; its outcome is awaited (and thrown) below.
  const kubernetesUp = kubernetes ? upLabKubernetes(layout, kubernetes, log, layout.edge.statsSocket).then(() => undefined, (error: Error) => error) : undefined;
  const openstackReady = openstack ? finishLabOpenstack(openstack, log, started) : Promise.resolve(undefined);
  openstackReady.catch(() => undefined); // awaited below, after the rest of the lab
  await waitUntilServing(env, layout);
  if (ceph) {
    const status = await waitLabCephHealthy(ceph, log, CEPH_READY_TIMEOUT_MS);
    log(`ceph: ${status.health.status}, ${status.osdmap.numUpOsds}/${status.osdmap.numInOsds} OSDs up/in, ${status.pgmap.numPgs} PGs active+clean after ${formatDuration(now() - started)} (conf ${ceph.confPath})`);
  }
  // Prometheus 2.42 applies new scrape targets only every 5 s, so this wait is mostly that interval.
  const scraping = await waitForTargetsUp(prometheus.url, prometheus.expectedTargets, READY_TIMEOUT_MS);
  log(`prometheus: ${prometheus.url} scrapes ${scraping.targets.length} targets every second (all up after ${formatDuration(scraping.elapsedMs)})`);
  if (alerting) {
    const readyMs = await waitLabAlertingReady(alerting, prometheus.url, READY_TIMEOUT_MS);
    log(`alerting: Alertmanager at ${alerting.alertmanagerUrl}, ${alerting.files.filter((f) => f.path.endsWith('.rules.yml')).length} rule files evaluated every second, ${alerting.remediation ? `remediation service at ${alerting.remediation.url} (audit log ${alerting.remediation.auditPath})` : 'no remediation service'} (ready after ${formatDuration(readyMs)})`);
  }
  const kubernetesError = await kubernetesUp;
  if (kubernetesError) throw kubernetesError;
  const cloud = await openstackReady;
  if (cloud) log(`openstack: ready after ${formatDuration(now() - started)}: clouds ${cloud.cloud} and ${cloud.applicationCredentialCloud} in ${cloud.cloudsYaml}, Keystone at ${cloud.authUrl}; what exists: ${openstack?.cloudJsonPath}`);
  const serviceNodes = layout.nodes.filter((n) => n.runsService).map((n) => n.name);
  log(`${layout.service.spec.name}: ${serviceNodes.join(', ')} UP behind haproxy at http://${layout.edge.address}:${layout.edge.httpPort}/ (metrics at :${layout.edge.metricsPort}/metrics)`);
  log(`lab up in ${formatDuration(now() - started)}`);
}

/** labDown removes every process, namespace, interface, route and file of the lab; throws listing what it could not remove. */
export async function labDown(env: Environment, log: (line: string) => void): Promise<void> {
  const started = now();
  requireRoot('lab down');
  const layout = labLayout(env);
  const targets = allNamespaces(layout);

  // A test may have SIGSTOPped a process: a stopped process cannot act on TERM, so continue everything first.
  signal(await everyLabPid(layout), 'SIGCONT');
  // Kubernetes first, while the node namespaces (its kubelets' home) still exist.
  const kubernetes = kubernetesPlanIfDerivable(layout);
  if (kubernetes) await downLabKubernetes(layout, kubernetes, log);
  // OpenStack's 13 programs would take supervisord longer to stop one by one than stopSupervisord waits.
  const openstackStopping = labOpenstackPresent(layout) ? stopLabOpenstack(layout) : Promise.resolve(0);
  const outcomes = await Promise.all(targets.map(async (target) => ({ target, outcome: await stopSupervisord(target) })));
  const openstackStopped = await openstackStopping;
  if (openstackStopped > 0) log(`openstack: stopped ${openstackStopped} processes`);
  const forgotten = await forgetOpenstackRecipesOf(openstackDirOf(layout));
  if (forgotten.length) log(`openstack: dropped ${forgotten.length} pending fault undo recipe(s) of this cloud (it is gone): ${forgotten.join(', ')}`);
  const stopped = outcomes.filter((o) => o.outcome === 'stopped').map((o) => o.target.name);
  if (stopped.length > 0) log(`processes: stopped supervisord and its programs in ${stopped.join(', ')}`);
  const remaining = await everyLabPid(layout);
  if (remaining.length > 0) {
    log(`processes: killing ${remaining.length} left over (${remaining.join(', ')})`);
    signal(remaining, 'SIGKILL');
    await waitForExit(remaining, 3000);
  }

  for (const target of targets) await removeNamespace(target.namespace);
  for (const target of targets) await removeLink(target.veth, layout.spec.bridge);
  await removeLink(layout.spec.bridge);
  await removeUnreachableRoute(layout);
  await removeResolvConfs(layout);
  const unmounted = await removeDataVolumes(layout);
  if (unmounted.length > 0) log(`data volumes: unmounted ${unmounted.length}`);
  await rm(layout.spec.runDir, { recursive: true, force: true });
  // The nodes' (empty) revert-marker folders; a non-empty one holds a fault that sweep must see, so it stays.
  // "local": the runner's host, where cluster-wide Ceph faults (executorNode: local) keep theirs.
  // The control namespace's folder: monitor and manager faults of the lab (named like the namespace).
  for (const name of [...layout.nodes.map((node) => node.name), 'local', ...(layout.control ? [layout.control.namespace] : [])]) await rmdir(join(MARKER_DIR, name)).catch(() => undefined);
  // The OpenStack kind's: its compute hosts' (named <environment>-<host>) and its recipe folder.
  for (const folder of openstackMarkerFolders(env)) await rmdir(folder.startsWith('/') ? folder : join(MARKER_DIR, folder)).catch(() => undefined);
  await rmdir(MARKER_DIR).catch(() => undefined);
  log(`network: namespaces, veths, bridge ${layout.spec.bridge} and the unreachable route removed; ${layout.spec.runDir} deleted`);

  const leftovers = await findLabLeftovers(env);
  if (leftovers.length > 0) throw new Error(`lab down left behind:\n  ${leftovers.join('\n  ')}`);
  log(`lab down in ${formatDuration(now() - started)}`);
}

/** Every pid that belongs to the lab: whatever runs in its namespaces, and its programs wherever they run. */
async function everyLabPid(layout: LabLayout): Promise<number[]> {
  const namespaces = await listNamespaces();
  const pids = new Set([...labProcesses(layout), ...labCephProcesses(layout), ...labOpenstackProcesses(layout)].map((p) => p.pid).concat(kubernetesPidsOf(layout)));
  for (const target of allNamespaces(layout)) {
    if (namespaces.has(target.namespace)) for (const pid of await namespacePids(target.namespace)) pids.add(pid);
  }
  return [...pids];
}

/** NamespacePlan: what runs in one lab namespace and the files that configure it. */
interface NamespacePlan {
  target: LabNamespace;
  programs: SupervisedProgram[];
  files: Array<{ path: string; text: string }>;
}

/**
 * labPrometheus: Prometheus runs in the edge namespace (it reaches every node over the lab bridge, and the runner
 * reaches it at the edge address, so it needs no port on the host); a node-exporter runs in every node namespace.
 */
export function labPrometheus(layout: LabLayout, ceph?: LabCephPlan, alerting?: LabAlertingPlan): LabPrometheusPlan {
  return labPrometheusPlan(layout, {
    listenAddress: `${layout.edge.address}:${PROMETHEUS_PORT}`,
    ...(ceph ? { cephMgrTargets: ceph.prometheusTargets } : {}),
    ...(alerting ? { ruleFiles: [alerting.ruleGlob], alertmanagerTargets: [alerting.alertmanagerTarget] } : {}),
  });
}

function namespacePlans(
  layout: LabLayout,
  prometheus: LabPrometheusPlan,
  ceph: LabCephPlan | undefined,
  kubernetes: LabKubernetesPlan | undefined,
  openstack: LabOpenstackPlan | undefined,
  alerting: LabAlertingPlan | undefined,
): NamespacePlan[] {
  const backendScript = join(__dirname, 'services', BACKEND_SCRIPT);
  const { service, edge } = layout;
  const plans = layout.nodes.map((node): NamespacePlan => {
    const argv = [process.execPath, backendScript, service.marker, '--node', node.name, '--port', String(service.spec.port), '--data-dir', node.dataDir];
    const programs: SupervisedProgram[] = node.runsService ? [{ name: service.program, argv, logFile: join(node.dir, `${service.program}.log`) }] : [];
    const exporter = prometheus.nodeExporters.find((e) => e.node === node.name);
    if (exporter) programs.push(exporter.program);
    programs.push(sshdProgram(node));
    const osd = ceph?.osds.find((o) => o.node === node);
    if (osd) programs.push(osd.program);
    return {
      target: node,
      programs,
      files: [
        { path: join(node.dir, 'sshd_config'), text: sshdConfigText(layout, node) },
        { path: node.supervisorConfig, text: supervisorConfigText(node, programs) },
      ],
    };
  });
  const haproxy = { name: HAPROXY_PROGRAM, argv: haproxyArgv(layout), logFile: join(edge.dir, 'haproxy.log') };
  const edgePrograms = [haproxy, prometheus.prometheus, labDnsProgram(layout), ...(alerting?.programs ?? [])];
  plans.push({
    target: edge,
    programs: edgePrograms,
    files: [
      // with Kubernetes, a second frontend and backend: the web Service through every node's NodePort
      { path: edge.haproxyConfig, text: haproxyConfigText(layout) + (kubernetes ? kubernetesHaproxyText(layout) : '') },
      { path: prometheus.configPath, text: prometheus.configText },
      { path: edge.supervisorConfig, text: supervisorConfigText(edge, edgePrograms) },
      ...(alerting?.files ?? []),
    ],
  });
  // The control namespace's supervisord: Ceph's monitors and managers and OpenStack's services (Kubernetes runs its own).
  const control = layout.control;
  if (control && (ceph || openstack)) {
    const controlPrograms = [...(ceph ? [...ceph.monitors.map((m) => m.program), ...ceph.managers.map((m) => m.program)] : []), ...(openstack?.programs ?? [])];
    plans.push({ target: control, programs: controlPrograms, files: [{ path: control.supervisorConfig, text: supervisorConfigText(control, controlPrograms) }] });
  }
  return plans;
}

/** Writes the generated files that differ from what is on disk; returns the names of the namespaces whose files changed. */
async function writeFiles(layout: LabLayout, plans: NamespacePlan[]): Promise<Set<string>> {
  await mkdir(layout.spec.runDir, { recursive: true, mode: 0o755 });
  const changed = new Set<string>();
  for (const { target, files } of plans) {
    await mkdir(target.dir, { recursive: true, mode: 0o755 });
    for (const file of files) {
      await mkdir(dirname(file.path), { recursive: true, mode: 0o755 });
      const old = await readFile(file.path, 'utf8').catch(() => undefined);
      if (old === file.text) continue;
      await writeFile(file.path, file.text, { mode: 0o644 });
      changed.add(target.name);
    }
  }
  return changed;
}

/**
 * Makes the plan's supervisord run inside its namespace with every program running; returns what it did.
 * A supervisord with outdated files, or one outside the namespace (the namespace was recreated), is replaced;
 * before a fresh start everything still in the namespace is killed, so no orphan holds a port.
 */
async function ensureSupervisord({ target, programs }: NamespacePlan, configChanged: boolean): Promise<string> {
  signal(await namespacePids(target.namespace), 'SIGCONT');
  let pid = await supervisordPid(target);
  let reason = 'started supervisord';
  if (pid !== undefined && configChanged) {
    await stopSupervisord(target);
    pid = undefined;
    reason = 'restarted supervisord (its configuration changed)';
  }
  if (pid === undefined) {
    const stray = findSupervisord(target.supervisorConfig);
    if (stray && (await stopSupervisord(target)) === 'still-alive') signal([stray.pid], 'SIGKILL');
    const inside = await namespacePids(target.namespace);
    signal(inside, 'SIGKILL');
    await waitForExit(inside, 3000);
    await startSupervisord(target);
    return `${reason} in ${target.namespace}${programs.length ? ` (${programs.map((p) => p.name).join(', ')})` : ''}`;
  }
  const started: string[] = [];
  for (const program of programs) {
    if (programRunning(pid, program)) continue;
    await startProgram(target, program.name);
    started.push(program.name);
  }
  return started.length ? `supervisord running in ${target.namespace}; started ${started.join(', ')}` : `supervisord already running in ${target.namespace}`;
}

/** Waits until every backend answers its health check from the root namespace and haproxy sees them all UP. */
async function waitUntilServing(env: Environment, layout: LabLayout): Promise<void> {
  const deadline = now() + READY_TIMEOUT_MS;
  const serviceNodes = layout.nodes.filter((n) => n.runsService);
  let waitingFor: string[] = [];
  while (now() < deadline) {
    const states = await haproxyBackendStates(env).catch((error: Error) => error);
    const checks = await Promise.all(
      serviceNodes.map(async (node) => {
        const url = `http://${node.address}:${layout.service.spec.port}/healthz`;
        const answer = await httpGet(url, 500).catch((error: Error) => error);
        if (answer instanceof Error) return `${node.name}: GET ${url}: ${answer.message}`;
        if (answer.status !== 200) return `${node.name}: GET ${url} answered ${answer.status}`;
        if (states instanceof Error) return `haproxy: ${states.message}`;
        return states[node.name] === 'UP' ? undefined : `${node.name}: haproxy reports ${states[node.name] ?? 'absent'}`;
      }),
    );
    waitingFor = [...new Set(checks.filter((c): c is string => c !== undefined))];
    if (waitingFor.length === 0) return;
    await sleep(100);
  }
  throw new Error(
    `the lab did not become ready within ${formatDuration(READY_TIMEOUT_MS)}:\n  ${waitingFor.join('\n  ')}\n` +
      `  see the logs under ${layout.spec.runDir}/<node>/ (supervisord.log, ${layout.service.program}.log, haproxy.log); run scs-chaos lab down to clean up`,
  );
}
