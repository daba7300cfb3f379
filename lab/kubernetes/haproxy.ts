/**
 * The edge's second haproxy frontend and backend: the Kubernetes web Service, through its NodePort on every lab
 * node (kube-proxy forwards to a ready pod on any node), health-checked like the lab's own web backend, so the
 * existing HTTP probes judge it at http://<edge address>:<WEB_EDGE_PORT>/. Appended to the lab's haproxy.cfg.
 */
import type { LabLayout } from '../layout';
import { serverStates } from '../haproxy-state';
import { WEB_EDGE_PORT, WEB_NAME, WEB_NODE_PORT } from './settings';

/** KUBERNETES_HAPROXY_BACKEND: the frontend and backend name (its servers are named like the lab nodes). */
export const KUBERNETES_HAPROXY_BACKEND = `${WEB_NAME}-kubernetes`;

/** kubernetesEdgeUrl: where the edge serves the Kubernetes web Service. */
export function kubernetesEdgeUrl(layout: LabLayout): string {
  return `http://${layout.edge.address}:${WEB_EDGE_PORT}/`;
}

/** kubernetesHaproxyText: the frontend and backend sections, to append to the lab's haproxy.cfg (its defaults apply). */
export function kubernetesHaproxyText(layout: LabLayout): string {
  return [
    `frontend ${KUBERNETES_HAPROXY_BACKEND}`,
    `    bind ${layout.edge.address}:${WEB_EDGE_PORT}`,
    `    default_backend ${KUBERNETES_HAPROXY_BACKEND}`,
    '',
    `backend ${KUBERNETES_HAPROXY_BACKEND}`,
    '    balance roundrobin',
    '    option httpchk GET /healthz',
    '    default-server inter 200ms fastinter 100ms downinter 200ms fall 2 rise 2',
    ...layout.nodes.map((node) => `    server ${node.name} ${node.address}:${WEB_NODE_PORT} check`),
    '',
  ].join('\n');
}

/** kubernetesBackendStates: haproxy's state of each node in the Kubernetes backend, from a `show stat` answer. */
export function kubernetesBackendStates(csv: string): Record<string, string> {
  return serverStates(csv, KUBERNETES_HAPROXY_BACKEND);
}
