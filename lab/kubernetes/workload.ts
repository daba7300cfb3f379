/**
 * The lab's web service on Kubernetes: a Deployment of busybox httpd pods, one per node where the scheduler can
 * (a soft topology spread), each answering `{"node": "<node>", "pod": "<pod>"}` like the lab's own web backend
 * answers `{"node": ...}`, and a NodePort Service, so the edge's haproxy reaches it through every node
 * (lab/kubernetes/haproxy.ts). Pure: the objects are applied by lab/kubernetes/cluster.ts (server-side apply).
 */
import { NODE_POD_NAMESPACE, WEB_NAME, WEB_NAMESPACE, WEB_NODE_PORT, WEB_POD_PORT } from './settings';

/** KubernetesObject: what server-side apply needs to place an object. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  /** namespace: absent for cluster-scoped objects (the Namespace). */
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

/** The label every object of the lab's workload carries. */
export const WEB_LABELS = { app: WEB_NAME, 'app.kubernetes.io/managed-by': 'scs-chaos-lab' };

/**
 * The container's shell: the answer names the node and the pod (from the downward API); /healthz is what the
 * readiness probe and haproxy ask for. `exec` makes httpd the container's main process (SIGTERM stops it).
 */
const HTTPD_SCRIPT = [
  'printf \'{"node": "%s", "pod": "%s"}\\n\' "$NODE_NAME" "$POD_NAME" >/www/index.html',
  'echo ok >/www/healthz',
  `exec httpd -f -p ${WEB_POD_PORT} -h /www`,
].join('; ');

/** webWorkload: the Deployment (`replicas` pods) and its NodePort Service. */
export function webWorkload(busyboxImage: string, replicas: number): KubernetesObject[] {
  const selector = { app: WEB_NAME };
  const deployment: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: WEB_NAME, namespace: WEB_NAMESPACE, labels: WEB_LABELS },
    spec: {
      replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: WEB_LABELS },
        spec: {
          terminationGracePeriodSeconds: 2,
          // no token volume and no Service environment: nothing in the pods needs them
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          // the lab runs no cluster DNS: "Default" (the node's resolv.conf) spares every pod start a MissingClusterDNS event
          dnsPolicy: 'Default',
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } }],
          containers: [
            {
              name: 'httpd',
              image: busyboxImage,
              // there is no registry: the image was imported into every node's containerd by lab up
              imagePullPolicy: 'Never',
              command: ['sh', '-c', HTTPD_SCRIPT],
              env: [
                { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
                { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              ],
              ports: [{ name: 'http', containerPort: WEB_POD_PORT }],
              readinessProbe: { httpGet: { path: '/healthz', port: WEB_POD_PORT }, periodSeconds: 1, failureThreshold: 1 },
            },
          ],
        },
      },
    },
  };
  const service: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: WEB_NAME, namespace: WEB_NAMESPACE, labels: WEB_LABELS },
    spec: { type: 'NodePort', selector, ports: [{ name: 'http', port: 80, targetPort: WEB_POD_PORT, nodePort: WEB_NODE_PORT }] },
  };
  return [deployment, service];
}

/**
 * nodePodNamespace: where kube-node executors start their helper pods (lab-kube-node.yaml); privileged pods are
 * allowed there by Pod Security admission's label, as a real cluster needs it.
 */
export function nodePodNamespace(): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NODE_POD_NAMESPACE, labels: { 'pod-security.kubernetes.io/enforce': 'privileged', 'app.kubernetes.io/managed-by': 'scs-chaos-lab' } } };
}

/** objectPath: the object's REST path (core and apps/v1 kinds only: what the lab applies). */
export function objectPath(object: KubernetesObject): string {
  const plural = `${object.kind.toLowerCase()}s`;
  const group = object.apiVersion === 'v1' ? '/api/v1' : `/apis/${object.apiVersion}`;
  const namespace = object.metadata.namespace === undefined ? '' : `/namespaces/${object.metadata.namespace}`;
  return `${group}${namespace}/${plural}/${object.metadata.name}`;
}
