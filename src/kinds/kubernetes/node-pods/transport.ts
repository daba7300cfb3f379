/**
 * The Kubernetes kind's NodePodTransport (the kube-node executor's way to a node; docs/decisions/0155): commands
 * are exec'd into one helper pod per node, cluster and runner, created on first use and deleted when the command
 * ends (closeNodePods) — or, after a SIGKILL, once it has been idle for HELPER_IDLE_SECONDS (the live runner keeps
 * it alive), then by the cluster (ttlSecondsAfterFinished); detached scripts (on-node
 * expiry timers) run as the container of a timer Job of their own, deleted by the cluster when they end.
 * A helper that is gone (deadline, evicted, deleted by someone) is replaced once, transparently, before a command
 * that never started; anything else that keeps a command from the node is NodeUnreachable.
 */
import { hostname } from 'node:os';
import { BadInput } from '../../../kernel/errors';
import { NodeUnreachable } from '../../../executors/errors';
import type { CommandOptions, CommandResult } from '../../../executors/command';
import type { NodePodTransport } from '../../../executors/kube-node';
import type { KubeNodeSpec } from '../../../model/environment';
import { KubeApiError } from '../client/errors';
import { connectKube } from '../client/connection';
import { KubeRest } from '../client/rest';
import { execInPod, PodExecUnavailable } from './exec';
import { CONTAINER, HELPER_DEADLINE_SECONDS, HELPER_IDLE_SECONDS, helperCommand, inHelper, jobName, nodePodJob, NodePodRole } from './manifests';
import { waitForJobPod } from './pod-start';

/** How long a node-pod may take to run (image present on the node: ~1–2 s; pulled: longer). */
const POD_START_TIMEOUT_MS = 90_000;
/** A helper older than its deadline minus this is replaced before the next command. */
const RENEW_MARGIN_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 10_000;
/** How long a command waits for a kubelet that refused the connection (one being restarted is back in ~2 s). */
const KUBELET_RESTART_MS = 15_000;
const KUBELET_RETRY_PAUSE_MS = 1000;

/** kubeletRefused: the API server could not connect to the node's kubelet, so the exec never started. */
export function kubeletRefused(error: PodExecUnavailable): boolean {
  return /error sending request: .*connect: connection refused/.test(error.message);
}

/** How often a live runner marks its helpers alive (well inside their idle limit). */
const KEEPALIVE_MS = (HELPER_IDLE_SECONDS * 1000) / 3;

interface Helper {
  rest: KubeRest;
  namespace: string;
  job: string;
  pod: string;
  startedAt: number;
  keepAlive: NodeJS.Timeout;
}

const RUNNER = `${hostname()} pid ${process.pid}`;

function describe(spec: KubeNodeSpec): string {
  return `Kubernetes node ${spec.node}`;
}

function unreachable(spec: KubeNodeSpec, what: string, error: unknown): NodeUnreachable {
  const detail = error instanceof Error ? error.message : String(error);
  const hint = error instanceof KubeApiError && error.notFound && error.subject.resource === 'jobs.batch'
    ? ` — create the namespace ${spec.namespace} (privileged pods allowed: label pod-security.kubernetes.io/enforce=privileged) or set the executor's namespace`
    : '';
  return new NodeUnreachable(`${describe(spec)}: ${what}: ${detail}${hint}`, describe(spec), 'other', detail);
}

export class NodePods implements NodePodTransport {
  private readonly clusters = new Map<string, Promise<KubeRest>>();
  private readonly helpers = new Map<string, Promise<Helper>>();
  /** The helper each key's promise resolved to: forget() drops only the helper that failed, not its successor. */
  private readonly current = new Map<string, Helper>();

  async exec(spec: KubeNodeSpec, argv: readonly string[], options: CommandOptions): Promise<CommandResult> {
    const key = helperKey(spec);
    const timeoutMs = options.timeoutMs ?? 30_000;
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const helper = await this.helper(spec, key);
      try {
        return await execInPod(helper.rest.connection, spec.namespace, helper.pod, CONTAINER, inHelper(argv), timeoutMs);
      } catch (error) {
        if (!(error instanceof PodExecUnavailable)) throw error;
        // 404 (the pod is gone) or 400 (its container ended: idle, deadline): the command never started, so a new
        // helper may run it.
        if ((error.httpStatus === 404 || error.httpStatus === 400) && attempt === 1) {
          this.forget(key, helper);
          continue;
        }
        // The kubelet refused the API server's connection: the command never started. A kubelet being restarted
        // (the end of a "loses its kubelet" fault) is back within seconds, so try again — within the command's own
        // time and at most KUBELET_RESTART_MS, so a short status check still learns at once that it is down.
        const waited = Date.now() - started;
        if (kubeletRefused(error) && waited + KUBELET_RETRY_PAUSE_MS < Math.min(timeoutMs, KUBELET_RESTART_MS)) {
          await new Promise((resolve) => setTimeout(resolve, KUBELET_RETRY_PAUSE_MS));
          continue;
        }
        throw unreachable(spec, 'a command could not be run in its helper pod', error);
      }
    }
  }

  async startDetached(spec: KubeNodeSpec, argv: readonly string[], name: string): Promise<void> {
    const rest = await this.cluster(spec);
    await this.startJob(rest, spec, 'timer', argv, `the timer ${name}`);
  }

  async close(): Promise<void> {
    const helpers = [...this.helpers.values()];
    this.helpers.clear();
    this.current.clear();
    await Promise.all(helpers.map(async (pending) => {
      const helper = await pending.catch(() => null);
      if (helper) await release(helper);
    }));
    for (const cluster of this.clusters.values()) (await cluster.catch(() => null))?.connection.close();
    this.clusters.clear();
  }

  private cluster(spec: KubeNodeSpec): Promise<KubeRest> {
    const key = `${spec.kubeconfig ?? ''}\n${spec.context ?? ''}`;
    let rest = this.clusters.get(key);
    if (!rest) {
      rest = connectKube({ ...(spec.kubeconfig ? { kubeconfig: spec.kubeconfig } : {}), ...(spec.context ? { context: spec.context } : {}) }, spec.kubeconfig ?? 'the kubeconfig').then(
        (connection) => new KubeRest(connection, REQUEST_TIMEOUT_MS),
        (error: unknown) => {
          if (!(error instanceof BadInput)) throw error;
          // The lab's kubeconfig exists only while the lab runs its cluster: say so beside the usual fix.
          throw new BadInput(`${describe(spec)}: ${error.message.split('\n  fix: ')[0] ?? error.message}`, error.location, `set the kube-node executor's kubeconfig (or kubernetes.kubeconfig) to a readable kubeconfig; for the lab, bring it up with its cluster: scs-chaos lab up --with kubernetes`);
        },
      );
      this.clusters.set(key, rest);
      rest.catch(() => this.clusters.delete(key));
    }
    return rest;
  }

  private helper(spec: KubeNodeSpec, key: string): Promise<Helper> {
    const known = this.helpers.get(key);
    if (known) {
      return known.then((helper) => {
        if (Date.now() - helper.startedAt < HELPER_DEADLINE_SECONDS * 1000 - RENEW_MARGIN_MS) return helper;
        this.forget(key, helper);
        return this.helper(spec, key);
      });
    }
    const started = (async (): Promise<Helper> => {
      const rest = await this.cluster(spec);
      const { job, pod } = await this.startJob(rest, spec, 'helper', helperCommand(), 'its helper pod');
      // The keep-alive never holds the process open, and a missed one only lets an idle helper end early.
      const keepAlive = setInterval(() => void execInPod(rest.connection, spec.namespace, pod, CONTAINER, inHelper(['true']), REQUEST_TIMEOUT_MS).catch(() => undefined), KEEPALIVE_MS).unref();
      const helper = { rest, namespace: spec.namespace, job, pod, startedAt: Date.now(), keepAlive };
      this.current.set(key, helper);
      return helper;
    })();
    started.catch(() => this.helpers.delete(key));
    this.helpers.set(key, started);
    return started;
  }

  /** forget: drops a helper that is gone or too old (its Job is deleted if it is still there). */
  private forget(key: string, helper: Helper): void {
    if (this.current.get(key) !== helper) {
      clearInterval(helper.keepAlive);
      return;
    }
    this.current.delete(key);
    this.helpers.delete(key);
    void release(helper);
  }

  /** startJob: creates a node-pod Job and waits for its pod to run; on any failure the Job is deleted again. */
  private async startJob(rest: KubeRest, spec: KubeNodeSpec, role: NodePodRole, command: readonly string[], what: string): Promise<{ job: string; pod: string }> {
    const job = jobName(role, spec.node);
    try {
      await rest.json({ method: 'POST', path: `/apis/batch/v1/namespaces/${spec.namespace}/jobs`, body: nodePodJob(spec, role, job, command, RUNNER), subject: { verb: 'create', resource: 'jobs.batch', namespace: spec.namespace } });
    } catch (error) {
      throw unreachable(spec, `${what} could not be created`, error);
    }
    try {
      const { pod } = await waitForJobPod(rest, spec.namespace, job, POD_START_TIMEOUT_MS);
      return { job, pod };
    } catch (error) {
      await deleteJob(rest, job, spec.namespace).catch(() => undefined);
      throw unreachable(spec, `${what} did not start (image ${spec.image})`, error);
    }
  }
}

/** release: stops a helper's keep-alive and deletes its Job (a Job that is gone already is fine). */
function release(helper: Helper): Promise<unknown> {
  clearInterval(helper.keepAlive);
  return deleteJob(helper.rest, helper.job, helper.namespace).catch(() => undefined);
}

function helperKey(spec: KubeNodeSpec): string {
  return [spec.kubeconfig ?? '', spec.context ?? '', spec.namespace, spec.node, spec.image].join('\n');
}

/** deleteJob: deletes a node-pod Job and, in the background, its pod. */
export function deleteJob(rest: KubeRest, job: string, namespace: string): Promise<unknown> {
  return rest.json({ method: 'DELETE', path: `/apis/batch/v1/namespaces/${namespace}/jobs/${job}`, body: { propagationPolicy: 'Background' }, subject: { verb: 'delete', resource: 'jobs.batch', namespace, name: job } });
}
