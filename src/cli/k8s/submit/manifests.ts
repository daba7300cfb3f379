/**
 * The objects of one `k8s submit` (docs/decisions/0158), all named scs-chaos-submit-<id> and labelled
 * scs-chaos/submit=<id> so `sweep` finds what a killed submitter left:
 *  - a ConfigMap: the pods' environment (pod-environment.ts), one argument file per shard, and the feature files
 *    the shards run, mounted where the submitter had them (below the image's /opt/scs-chaos, one volume per top
 *    directory: features/, test/, ...), so every scenario's id (<feature>:<line>) is the local run's;
 *  - the Indexed Job: one completion per shard, `parallelism` of them at once, never retried
 *    (backoffLimitPerIndex 0: a failed shard does not stop the others), ended by activeDeadlineSeconds, deleted by
 *    ttlSecondsAfterFinished; its unprivileged pods (the image's uid) tolerate NoExecute taints, so a fault that
 *    taints or loses a node never evicts the runner that reverts it.
 * The ServiceAccount and RBAC come from `k8s rbac` (rbac.ts). Pure: no cluster is asked.
 */
import { SUBMIT_LABEL, type SubmitObject } from '../../../kinds/kubernetes/submit/objects';
import type { ShardPlan } from '../shards';
import { SHARD_POD_SCRIPT } from './pod-script';
export const COMMON_LABELS = { 'app.kubernetes.io/name': 'scs-chaos', 'app.kubernetes.io/component': 'submit' };
/** The shard pods' one container. */
export const SHARD_CONTAINER = 'scs-chaos';
/** Where the image holds the project (the pods' working directory). */
const PROJECT_DIR = '/opt/scs-chaos';
/** The ConfigMap's size limit is 1 MiB; this leaves room for its metadata. */
export const MAX_CONFIG_BYTES = 900 * 1024;

export interface SubmitManifestOptions {
  id: string;
  namespace: string;
  image: string;
  shardPlan: ShardPlan;
  /** At most this many shard pods run at once. */
  parallelism: number;
  seed: number;
  /** The pods' environment file (podEnvironment). */
  environment: string;
  /** The feature files the shards run: path relative to the project (features/…) → text. */
  features: ReadonlyMap<string, string>;
  deadlineSeconds: number;
  /** How long a pod waits for the submitter to collect its run directory. */
  collectSeconds: number;
  /** How long the Job is kept after it finished (a killed submitter's Job is deleted by the cluster then). */
  ttlSeconds: number;
}

export function submitName(id: string): string {
  return `scs-chaos-submit-${id}`;
}

export function submitLabels(id: string): Record<string, string> {
  return { ...COMMON_LABELS, [SUBMIT_LABEL]: id };
}

const featureKey = (index: number): string => `feature-${index}`;

/**
 * The project's top directories that hold code the runner loads: a feature mount there would hide it. Features
 * elsewhere (features/, test/lab/features/, experiments/...) are mounted over the image's copy of their top
 * directory, which the runner only reads features from.
 */
export const CODE_DIRECTORIES = ['bin', 'lab', 'node_modules', 'schemas', 'src', 'steps'];

/** featureVolumes: one ConfigMap volume per top directory of the shipped features, its items the files below it. */
export function featureVolumes(paths: readonly string[]): { name: string; top: string; items: { key: string; path: string }[] }[] {
  const byTop = new Map<string, { key: string; path: string }[]>();
  paths.forEach((path, i) => {
    const [top, ...rest] = path.split('/');
    const items = byTop.get(top as string) ?? [];
    items.push({ key: featureKey(i), path: rest.join('/') });
    byTop.set(top as string, items);
  });
  return [...byTop].map(([top, items], i) => ({ name: `features-${i}`, top, items }));
}

export function submitConfigMap(options: SubmitManifestOptions): SubmitObject {
  const data: Record<string, string> = { 'environment.yaml': options.environment };
  for (const shard of options.shardPlan.shards) data[`shard-${shard.index}.args`] = `${shard.featureArgs.join('\n')}\n`;
  [...options.features.values()].forEach((text, i) => (data[featureKey(i)] = text));
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: submitName(options.id), namespace: options.namespace, labels: submitLabels(options.id) }, data };
}

export function submitJob(options: SubmitManifestOptions): SubmitObject {
  const name = submitName(options.id);
  const labels = submitLabels(options.id);
  const configItems = [{ key: 'environment.yaml', path: 'environment.yaml' }, ...options.shardPlan.shards.map((s) => ({ key: `shard-${s.index}.args`, path: `shard-${s.index}.args` }))];
  const featureMounts = featureVolumes([...options.features.keys()]);
  const emptyDir = (sizeLimit: string, medium?: string): Record<string, unknown> => ({ emptyDir: { sizeLimit, ...(medium ? { medium } : {}) } });
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name, namespace: options.namespace, labels },
    spec: {
      completionMode: 'Indexed',
      completions: options.shardPlan.shards.length,
      parallelism: options.parallelism,
      // A destructive run is never retried: a failed shard is a finding. Per index, so the other shards go on.
      backoffLimitPerIndex: 0,
      activeDeadlineSeconds: options.deadlineSeconds,
      ttlSecondsAfterFinished: options.ttlSeconds,
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          automountServiceAccountToken: true,
          enableServiceLinks: false,
          restartPolicy: 'Never',
          // SIGTERM (deadline, the submitter stopped) makes the runner revert every fault first: this is its time.
          terminationGracePeriodSeconds: 180,
          // A tainted or lost node must not evict the runner that reverts the taint (NoSchedule still applies).
          tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
          securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: SHARD_CONTAINER,
              image: options.image,
              imagePullPolicy: 'IfNotPresent',
              workingDir: PROJECT_DIR,
              command: ['/bin/sh', '-c', SHARD_POD_SCRIPT],
              env: [
                { name: 'HOME', value: '/home/scs-chaos' },
                // swc unpacks its native binding into ~/.cache and refuses a cache below a directory others may write
                // to: an emptyDir is mode 0777. Nobody else writes in this pod's private volume (one non-root uid).
                { name: 'SWC_NATIVE_BINDING_CACHE_SKIP_SECURITY_CHECK', value: '1' },
                { name: 'SCS_CHAOS_SEED', value: String(options.seed) },
                { name: 'SCS_CHAOS_COLLECT_SECONDS', value: String(options.collectSeconds) },
              ],
              securityContext: { runAsNonRoot: true, runAsUser: 10001, privileged: false, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
              // As the nightly CronJob (ci/k8s/cronjob.yaml): no CPU limit below 2 cores, throttling would stretch the probes.
              resources: { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } },
              volumeMounts: [
                { name: 'config', mountPath: '/config', readOnly: true },
                ...featureMounts.map((volume) => ({ name: volume.name, mountPath: `${PROJECT_DIR}/${volume.top}`, readOnly: true })),
                { name: 'reports', mountPath: '/reports' },
                { name: 'home', mountPath: '/home/scs-chaos' },
                { name: 'tmp', mountPath: '/tmp' },
                // The kubernetes-api revert channel's markers (src/kinds/kubernetes/revert-channel.ts).
                { name: 'markers', mountPath: '/run/scs-chaos' },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name, items: configItems } },
            ...featureMounts.map((volume) => ({ name: volume.name, configMap: { name, items: volume.items } })),
            { name: 'reports', ...emptyDir('1Gi') },
            { name: 'home', ...emptyDir('256Mi') },
            { name: 'tmp', ...emptyDir('256Mi') },
            { name: 'markers', ...emptyDir('16Mi', 'Memory') },
          ],
        },
      },
    },
  };
}
