/**
 * The remediation policy: which alert the remediation service answers with which action, as a small YAML file
 * (experiments/alerts/remediation-policy.yaml). Read again at every notification, so a changed file takes
 * effect without a restart; a broken file is refused with its line and the previous policy stays in force.
 *
 *   rules:
 *     - name: restart-backend        # what the audit log and the steps call the remediation
 *       alert: WebBackendDown        # the alertname it answers
 *       action: start-service        # start-service | ceph-osd-in
 *       service: web                 # start-service: the environment's service, started through its supervisor
 *       nodeLabel: node              # the alert label naming the node to act on (default: node)
 *       # node: node-1               # or a fixed node (what a mistaken policy looks like)
 *       # osdLabel: ceph_daemon      # ceph-osd-in: the label naming the OSD ("osd.1")
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';

export type ActionKind = 'start-service' | 'ceph-osd-in';
const ACTIONS: readonly ActionKind[] = ['start-service', 'ceph-osd-in'];

export interface PolicyRule {
  name: string;
  alert: string;
  action: ActionKind;
  service?: string;
  /** The node: a fixed name, or the value of `nodeLabel` in the alert's labels. */
  node?: string;
  nodeLabel: string;
  osdLabel: string;
}

export interface Policy {
  rules: PolicyRule[];
}

/** PolicyError: a policy file that cannot be used, with its file and line. */
export class PolicyError extends Error {}

/** parsePolicy: the rules of a policy file's text; throws PolicyError naming file, line and the fix. */
export function parsePolicy(text: string, file: string): Policy {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const at = (node: unknown): string => {
    const range = (node as { range?: [number, number] } | undefined)?.range;
    return range ? `${file}:${lines.linePos(range[0]).line}` : file;
  };
  if (doc.errors.length) throw new PolicyError(`${file}: not YAML: ${doc.errors[0]?.message ?? ''}`);
  const root = doc.contents;
  const rulesNode = isMap(root) ? root.get('rules', true) : undefined;
  if (!isSeq(rulesNode)) throw new PolicyError(`${at(root)}: a policy is a mapping with a "rules:" list`);
  const names = new Set<string>();
  const rules = rulesNode.items.map((item): PolicyRule => {
    if (!isMap(item)) throw new PolicyError(`${at(item)}: every rule is a mapping with name, alert and action`);
    const text = (key: string, required: boolean): string | undefined => {
      const node = item.get(key, true);
      if (node === undefined) {
        if (required) throw new PolicyError(`${at(item)}: rule is missing "${key}"`);
        return undefined;
      }
      if (!isScalar(node) || typeof node.value !== 'string' || node.value === '') throw new PolicyError(`${at(node)}: "${key}" must be a non-empty string`);
      return node.value;
    };
    const name = text('name', true) as string;
    if (names.has(name)) throw new PolicyError(`${at(item)}: rule name "${name}" appears twice`);
    names.add(name);
    const action = text('action', true) as ActionKind;
    if (!ACTIONS.includes(action)) throw new PolicyError(`${at(item.get('action', true))}: unknown action "${action}" (known: ${ACTIONS.join(', ')})`);
    const rule: PolicyRule = { name, alert: text('alert', true) as string, action, nodeLabel: text('nodeLabel', false) ?? 'node', osdLabel: text('osdLabel', false) ?? 'ceph_daemon' };
    const service = text('service', false);
    if (action === 'start-service' && service === undefined) throw new PolicyError(`${at(item)}: action start-service needs "service:" (the environment's service to start)`);
    if (service !== undefined) rule.service = service;
    const node = text('node', false);
    if (node !== undefined) rule.node = node;
    return rule;
  });
  return { rules };
}

/** rulesFor: the rules answering an alert, in file order. */
export function rulesFor(policy: Policy, alertname: string): PolicyRule[] {
  return policy.rules.filter((rule) => rule.alert === alertname);
}

/** targetNode: the node a rule acts on for an alert with `labels`; undefined when the label is absent. */
export function targetNode(rule: PolicyRule, labels: Record<string, string>): string | undefined {
  return rule.node ?? labels[rule.nodeLabel];
}
