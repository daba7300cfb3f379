/**
 * Images in a lab node's containerd, namespace k8s.io (where the kubelet's CRI looks; pods use imagePullPolicy
 * Never, the lab has no registry): ctr against the node's socket, and an import that skips what is there already.
 */
import { runChecked } from '../../src/executors/command';
import type { KubernetesNodePlan } from './plan';
import { kubernetesToolPath } from './tools';

/** An image to have in a node's containerd: its name and the OCI layout tarball it comes from. */
export interface NodeImage {
  image: string;
  tarball: string;
}

/** nodeCtr: the ctr command line for the node's containerd in namespace k8s.io. */
export function nodeCtr(node: KubernetesNodePlan): string[] {
  return [kubernetesToolPath('ctr'), '-a', node.containerdSocket, '-n', 'k8s.io'];
}

/** importMissing imports each image the node's containerd lacks, one after another; returns the ones it imported. */
export async function importMissing(node: KubernetesNodePlan, wanted: NodeImage[], timeoutMs: number): Promise<string[]> {
  const ctr = nodeCtr(node);
  const present = (await runChecked([...ctr, 'images', 'ls', '-q'], { timeoutMs: 10_000 })).split('\n');
  const imported: string[] = [];
  for (const { image, tarball } of wanted) {
    if (present.includes(image)) continue;
    await runChecked([...ctr, 'images', 'import', tarball], { timeoutMs });
    imported.push(image);
  }
  return imported;
}
