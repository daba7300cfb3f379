/**
 * Rook backend: an OSD runs as the Deployment rook-ceph-osd-<id> in the CephCluster's namespace; stopping it
 * means scaling that Deployment to 0 (what Rook's own OSD-removal guide does), starting it means scaling it
 * back to the replicas it had (1). Done through the Deployment's scale subresource with a JSON merge patch,
 * so nothing else of the Deployment changes and only `deployments/scale` rights are needed.
 * Caveat: the Rook operator reconciles OSD Deployments when it restarts or the CephCluster changes, and may
 * scale a stopped OSD back to 1 by itself; the fault's verification sees that as a daemon that came back.
 */
import type { AppsV1Api, V1Scale } from '@kubernetes/client-node';
import type { OsdDaemonControl, OsdDaemonState } from './osd-daemon';

export interface RookSettings {
  /** Namespace of the CephCluster (Rook's default: rook-ceph). */
  namespace: string;
  /** kubeconfig context to use; the kubeconfig's current context when absent. */
  kubeconfigContext?: string;
}

/** rookOsdDeployment: the Deployment Rook creates for one OSD. */
export function rookOsdDeployment(osd: number): string {
  return rookDeployment('osd', String(osd));
}

/** rookDeployment: the Deployment Rook creates for one daemon: rook-ceph-osd-3, rook-ceph-mon-b, rook-ceph-mgr-a. */
export function rookDeployment(type: 'osd' | 'mon' | 'mgr', id: string): string {
  return `rook-ceph-${type}-${id}`;
}

/** ScaleRequest: the arguments of AppsV1Api.patchNamespacedDeploymentScale (the request this backend sends). */
export interface ScaleRequest {
  name: string;
  namespace: string;
  body: { spec: { replicas: number } };
}

/** rookScaleRequest: the merge patch that sets the OSD Deployment's replicas. */
export function rookScaleRequest(settings: RookSettings, osd: number, replicas: number): ScaleRequest {
  return rookDeploymentScaleRequest(settings, rookOsdDeployment(osd), replicas);
}

/** rookDeploymentScaleRequest: the merge patch that sets any Deployment's replicas. */
export function rookDeploymentScaleRequest(settings: RookSettings, deployment: string, replicas: number): ScaleRequest {
  return { name: deployment, namespace: settings.namespace, body: { spec: { replicas } } };
}

/**
 * RookDeploymentScaler: scales one named Deployment to 0 and back to 1 and reads its state; the OSD backend and the
 * monitor/manager backend (control-daemon.ts) are both built on it.
 */
export class RookDeploymentScaler {
  constructor(
    readonly settings: RookSettings,
    private readonly api: DeploymentScaleApi,
    private readonly mergePatchOptions: Parameters<DeploymentScaleApi['patchNamespacedDeploymentScale']>[1],
  ) {}

  /** create: with a real API client (or `api`) and the merge-patch content type. */
  static async create(settings: RookSettings, api?: DeploymentScaleApi): Promise<RookDeploymentScaler> {
    const k8s = await import('@kubernetes/client-node');
    return new RookDeploymentScaler(settings, api ?? (await appsApiFor(settings)), k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  }

  async scale(deployment: string, replicas: number): Promise<void> {
    await this.api.patchNamespacedDeploymentScale(rookDeploymentScaleRequest(this.settings, deployment, replicas), this.mergePatchOptions);
  }

  async state(deployment: string): Promise<OsdDaemonState> {
    return scaleState(await this.api.readNamespacedDeploymentScale({ name: deployment, namespace: this.settings.namespace }));
  }
}

/** DeploymentScaleApi: the two calls of AppsV1Api this backend uses (a real AppsV1Api fits). */
export type DeploymentScaleApi = Pick<AppsV1Api, 'patchNamespacedDeploymentScale' | 'readNamespacedDeploymentScale'>;

/** scaleState: running when the desired and current replicas are both ≥ 1, stopped when both are 0. */
export function scaleState(scale: V1Scale): OsdDaemonState {
  const desired = scale.spec?.replicas ?? 0;
  const current = scale.status?.replicas ?? 0;
  if (desired >= 1 && current >= 1) return { state: 'running' };
  if (desired === 0 && current === 0) return { state: 'stopped' };
  return { state: 'other', word: `scaling (desired ${desired}, current ${current})` };
}

/**
 * appsApiFor: a real AppsV1Api from the kubeconfig (KUBECONFIG or ~/.kube/config) and the given context.
 * @kubernetes/client-node is an ES module: loaded here, on first use, so no other code pays its load time.
 */
export async function appsApiFor(settings: RookSettings): Promise<DeploymentScaleApi> {
  const k8s = await import('@kubernetes/client-node');
  const config = new k8s.KubeConfig();
  config.loadFromDefault();
  if (settings.kubeconfigContext) {
    if (!config.getContextObject(settings.kubeconfigContext)) {
      throw new Error(`kubeconfig has no context "${settings.kubeconfigContext}" (it has: ${config.getContexts().map((c) => c.name).join(', ') || 'none'}); fix ceph.rook.kubeconfigContext in the environment`);
    }
    config.setCurrentContext(settings.kubeconfigContext);
  }
  return config.makeApiClient(k8s.AppsV1Api);
}

export class RookOsdControl implements OsdDaemonControl {
  readonly kind = 'rook';

  constructor(
    private readonly settings: RookSettings,
    private readonly api: DeploymentScaleApi,
    /** setMergePatch: request options that send the body as application/merge-patch+json. */
    private readonly mergePatchOptions: Parameters<DeploymentScaleApi['patchNamespacedDeploymentScale']>[1],
  ) {}

  /** create: the backend with a real API client and the merge-patch content type. */
  static async create(settings: RookSettings, api?: DeploymentScaleApi): Promise<RookOsdControl> {
    const k8s = await import('@kubernetes/client-node');
    return new RookOsdControl(settings, api ?? (await appsApiFor(settings)), k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
  }

  async describe(osd: number): Promise<string> {
    return `Deployment ${this.settings.namespace}/${rookOsdDeployment(osd)}`;
  }

  async stop(osd: number): Promise<void> {
    await this.api.patchNamespacedDeploymentScale(rookScaleRequest(this.settings, osd, 0), this.mergePatchOptions);
  }

  /** start: back to one replica, the only count Rook runs an OSD with. */
  async start(osd: number): Promise<void> {
    await this.api.patchNamespacedDeploymentScale(rookScaleRequest(this.settings, osd, 1), this.mergePatchOptions);
  }

  async state(osd: number): Promise<OsdDaemonState> {
    return scaleState(await this.api.readNamespacedDeploymentScale({ name: rookOsdDeployment(osd), namespace: this.settings.namespace }));
  }

  /** startScript: none — starting is an API call; the expiry for Rook needs an in-cluster timer (not built yet). */
  async startScript(): Promise<null> {
    return null;
  }
}
