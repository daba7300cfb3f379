/**
 * The Jobs behind the kube-node executor (src/executors/kube-node.ts, docs/decisions/0155): a helper per node and
 * runner, whose one container sleeps while commands are exec'd into it, and a timer per on-node expiry, whose
 * container is the timer script itself. Both are Jobs rather than bare pods so that the cluster removes them on
 * its own: `activeDeadlineSeconds` ends them however the runner died, `ttlSecondsAfterFinished: 0` deletes the Job
 * and its pod once it ended. The pod is pinned with `nodeName` (no scheduler: a cordoned, tainted or unready node
 * still gets it), tolerates every taint, and is privileged with the host's PID and network namespaces.
 */
import { randomBytes } from 'node:crypto';
import type { KubeNodeSpec } from '../../../model/environment';

/** Every node-pod Job and pod carries this label: "helper" or "timer". */
export const NODE_POD_LABEL = 'scs-chaos/node-pod';
/** The node a node-pod works on. */
export const NODE_LABEL = 'scs-chaos/node';
/** Who started it: "<host> pid <pid>", for people reading `kubectl get jobs`. */
export const RUNNER_ANNOTATION = 'scs-chaos/runner';
/** The name of the one container. */
export const CONTAINER = 'node';

/** A helper lives at most this long; a run that needs it longer gets a new one (transport.ts). */
export const HELPER_DEADLINE_SECONDS = 3600;
/** A timer lives at most this long: longer than the longest fault (24 h, decision 0103) and its grace. */
export const TIMER_DEADLINE_SECONDS = 25 * 3600;

export type NodePodRole = 'helper' | 'timer';

export interface NodePodJob {
  apiVersion: 'batch/v1';
  kind: 'Job';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown>;
}

/** jobName: "scs-chaos-<role>-<node>-<6 hex>", a DNS label of at most 63 characters. */
export function jobName(role: NodePodRole, node: string): string {
  const nodePart = node.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63 - `scs-chaos-${role}--xxxxxx`.length);
  return `scs-chaos-${role}-${nodePart}-${randomBytes(3).toString('hex')}`;
}

/** The node's label value (label values allow at most 63 characters of [A-Za-z0-9_.-]). */
function nodeLabelValue(node: string): string {
  return node.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
}

/**
 * nodePodJob: the Job of one node-pod whose container runs `command` (for a helper: a sleep as long as its
 * deadline; for a timer: the timer script behind the host-namespace prefix).
 */
export function nodePodJob(spec: KubeNodeSpec, role: NodePodRole, name: string, command: readonly string[], runner: string): NodePodJob {
  const deadline = role === 'helper' ? HELPER_DEADLINE_SECONDS : TIMER_DEADLINE_SECONDS;
  const labels = { [NODE_POD_LABEL]: role, [NODE_LABEL]: nodeLabelValue(spec.node) };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: spec.namespace, labels, annotations: { [RUNNER_ANNOTATION]: runner } },
    spec: {
      activeDeadlineSeconds: deadline,
      ttlSecondsAfterFinished: 0,
      backoffLimit: 0,
      template: {
        metadata: { labels },
        spec: {
          nodeName: spec.node,
          hostPID: true,
          hostNetwork: true,
          // The node's own resolver: cluster DNS may be what the fault breaks, and hostNetwork pods need no other.
          dnsPolicy: 'Default',
          restartPolicy: 'Never',
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          terminationGracePeriodSeconds: 1,
          tolerations: [{ operator: 'Exists' }],
          containers: [
            {
              name: CONTAINER,
              image: spec.image,
              imagePullPolicy: 'IfNotPresent',
              command: [...command],
              // The host's tools are found after nsenter whatever the image's PATH says.
              env: [{ name: 'PATH', value: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' }],
              securityContext: { privileged: true, runAsUser: 0 },
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

/** The file whose age is the helper's idle time: every command exec'd into it touches the file first. */
export const ALIVE_FILE = '/tmp/scs-chaos-alive';
/** A helper with no command for this long ends (its Job is then deleted): a killed runner's helper goes soon. */
export const HELPER_IDLE_SECONDS = 90;

/**
 * helperCommand: what a helper's container runs: waiting for exec'd commands, and ending once none came for
 * `idleSeconds` (the runner keeps a helper it still needs alive; transport.ts) or at the Job's deadline.
 */
export function helperCommand(idleSeconds = HELPER_IDLE_SECONDS, aliveFile = ALIVE_FILE): string[] {
  const idle = `$(( $(date +%s) - $(stat -c %Y ${aliveFile}) ))`;
  return ['sh', '-c', `touch ${aliveFile}; while [ ${idle} -lt ${idleSeconds} ]; do sleep 1; done`];
}

/** inHelper: argv exec'd into a helper, marking it alive first. */
export function inHelper(argv: readonly string[], aliveFile = ALIVE_FILE): string[] {
  return ['sh', '-c', `touch ${aliveFile}; exec "$@"`, 'sh', ...argv];
}
