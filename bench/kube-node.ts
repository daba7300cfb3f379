/**
 * bench:kube-node — what reaching a Kubernetes node through helper pods costs (src/executors/kube-node.ts,
 * docs/decisions/0155), against the lab's cluster with experiments/environments/lab-kube-node.yaml: the first
 * command on a node (its helper Job created and its pod running), each further command (an exec over the API
 * server's WebSocket into the host's namespaces: `nft list tables`), and closing (the helper Job deleted).
 * Prints a table and, last, one JSON line.
 *   usage: npm run bench:kube-node [-- --helpers N] [-- --commands N]   (root; brings the lab up with Kubernetes
 *   if it is not, and down again afterwards)
 */
import '../src/kinds';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { labDown, labStatus, labUp } from '../lab/lab';
import { now } from '../src/kernel/clock';
import { loadEnvironment } from '../src/environment/load';
import { executorFor } from '../src/executors';
import { closeNodePods } from '../src/executors/kube-node';
import { median, percentileOf } from './lib/lab-session';

const ENVIRONMENTS = join(__dirname, '..', 'experiments', 'environments');

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = now();
  await work();
  return now() - started;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { helpers: { type: 'string', default: '5' }, commands: { type: 'string', default: '50' } } });
  const helpers = Number(values.helpers);
  const commands = Number(values.commands);
  if (process.getuid?.() !== 0) throw new Error('bench:kube-node needs root: it uses the built-in lab');
  const lab = loadEnvironment(join(ENVIRONMENTS, 'lab.yaml'));
  const env = loadEnvironment(join(ENVIRONMENTS, 'lab-kube-node.yaml'));
  const wasUp = (await labStatus(lab)).kubernetes?.nodes['node-2'] === 'True';
  if (!wasUp) await labUp(lab, (line) => process.stderr.write(`${line}\n`), { withKubernetes: true });
  try {
    const node = env.nodes.find((n) => n.name === 'node-2');
    if (!node) throw new Error('lab-kube-node.yaml has no node-2');
    const exec = executorFor(node.executor);
    const firsts: number[] = [];
    const closes: number[] = [];
    const execs: number[] = [];
    for (let i = 0; i < helpers; i++) {
      firsts.push(await timed(async () => {
        const result = await exec.run(['true'], { timeoutMs: 120_000 });
        if (result.code !== 0) throw new Error(`true exited ${result.code} on node-2: ${result.stderr}`);
      }));
      for (let j = 0; j < Math.ceil(commands / helpers); j++) execs.push(await timed(() => exec.run(['nft', 'list', 'tables'])));
      closes.push(await timed(() => closeNodePods()));
    }
    const figures = {
      helpers,
      commands: execs.length,
      firstCommandMsMedian: Math.round(median(firsts)),
      firstCommandMsMax: Math.round(Math.max(...firsts)),
      commandMsMedian: Math.round(median(execs)),
      commandMsP95: Math.round(percentileOf(execs, 95)),
      closeMsMedian: Math.round(median(closes)),
    };
    process.stdout.write(
      `node-2 through helper pods (${helpers} helpers, ${execs.length} commands)\n` +
        `first command (helper Job created, pod running): median ${figures.firstCommandMsMedian} ms, max ${figures.firstCommandMsMax} ms\n` +
        `further command (exec over WebSocket, nsenter): median ${figures.commandMsMedian} ms, p95 ${figures.commandMsP95} ms\n` +
        `close (helper Job deleted): median ${figures.closeMsMedian} ms\n`,
    );
    process.stdout.write(`${JSON.stringify({ bench: 'kube-node', ...figures })}\n`);
  } finally {
    await closeNodePods();
    if (!wasUp) await labDown(lab, (line) => process.stderr.write(`${line}\n`));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:kube-node: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
