/**
 * Selectors pick the nodes a fault acts on ("node-1", "the web nodes", "1 of 3 web nodes", "30% of the web
 * nodes"); they are kept apart from faults, which act on one target each (DESIGN.md sections 2 and 7).
 * Every selection is restricted to the environment's scope.nodes and refused, at plan time, when it picks more
 * than scope.maxNodesAtOnce. Random choices use a seeded PRNG (mulberry32): the seed is returned and belongs in
 * the log, and giving it back reproduces the choice exactly — candidates are sorted by name first, so the
 * order of nodes in the environment file does not matter.
 */
import { randomInt } from 'node:crypto';
import { BadInput } from '../../kernel/errors';
import type { Environment, NodeSpec } from '../../model/environment';
import { requireBlastRadius, requireNodesInScope } from '../../core/scope';
import { pickSeeded } from '../../kernel/random';

/** Selector: a parsed selector; `role: null` means every node in scope. */
export type Selector =
  | { kind: 'name'; text: string; name: string }
  | { kind: 'all'; text: string; role: string | null }
  | { kind: 'count'; text: string; count: number; of: number | null; role: string | null }
  | { kind: 'percent'; text: string; percent: number; role: string | null };

/** SELECTOR_FORMS: the accepted forms, as BadInput shows them. */
export const SELECTOR_FORMS: readonly string[] = [
  '"node-1" (one node by name)',
  '"the web nodes", "all web nodes", "every web node" (every node of a role)',
  '"a random web node", "one of the web nodes" (one of them, chosen at random)',
  '"2 of the web nodes", "2 of 3 web nodes", "2 random web nodes" (N of them at random; M, if given, must be their count)',
  '"30% of the web nodes" (that share rounded down, at least 1, at random)',
  'leave out the role for every node in scope: "the nodes", "a random node", "2 of the nodes", "50% of the nodes"',
];

/** SelectionResult: the chosen nodes, the seed that chose them and a line for plans and logs. */
export interface SelectionResult {
  nodes: NodeSpec[];
  seed: number;
  description: string;
}

const WORD = String.raw`([A-Za-z0-9][A-Za-z0-9_.-]*)`;
const ROLE = String.raw`(?:${WORD}\s+)?`;
const FORMS: Array<[RegExp, (m: RegExpExecArray, text: string) => Selector]> = [
  [new RegExp(String.raw`^(?:the|all(?:\s+the)?|every)\s+${ROLE}nodes?$`, 'i'), (m, text) => ({ kind: 'all', text, role: m[1] ?? null })],
  [new RegExp(String.raw`^(?:a|one)\s+random\s+${ROLE}node$`, 'i'), (m, text) => ({ kind: 'count', text, count: 1, of: null, role: m[1] ?? null })],
  [new RegExp(String.raw`^one\s+of\s+the\s+${ROLE}nodes$`, 'i'), (m, text) => ({ kind: 'count', text, count: 1, of: null, role: m[1] ?? null })],
  [
    new RegExp(String.raw`^(\d+)\s+of\s+(?:the\s+)?(?:(\d+)\s+)?${ROLE}nodes?$`, 'i'),
    (m, text) => ({ kind: 'count', text, count: Number(m[1]), of: m[2] !== undefined ? Number(m[2]) : null, role: m[3] ?? null }),
  ],
  [new RegExp(String.raw`^(\d+)\s+random\s+${ROLE}nodes?$`, 'i'), (m, text) => ({ kind: 'count', text, count: Number(m[1]), of: null, role: m[2] ?? null })],
  [
    new RegExp(String.raw`^(\d+(?:\.\d+)?)\s*%\s+of\s+(?:the\s+|all\s+(?:the\s+)?)?${ROLE}nodes$`, 'i'),
    (m, text) => ({ kind: 'percent', text, percent: Number(m[1]), role: m[2] ?? null }),
  ],
];
const KEYWORDS = new Set(['the', 'all', 'every', 'a', 'one', 'random', 'of', 'node', 'nodes']);

/** parseSelector: turns selector text into a Selector; BadInput lists the accepted forms. */
export function parseSelector(text: string): Selector {
  const normalised = text.trim().replace(/\s+/g, ' ');
  for (const [pattern, make] of FORMS) {
    const match = pattern.exec(normalised);
    if (!match) continue;
    const selector = make(match, normalised);
    if (selector.kind === 'count') {
      if (!(selector.count >= 1)) throw new BadInput(`selector "${normalised}" selects no node`, undefined, 'select at least 1 node');
      if (selector.of !== null && selector.count > selector.of) {
        throw new BadInput(`selector "${normalised}" asks for ${selector.count} of ${selector.of} nodes`, undefined, `N must not exceed M in "N of M ${selector.role ?? ''} nodes"`.replace('  ', ' '));
      }
    }
    if (selector.kind === 'percent' && !(selector.percent > 0 && selector.percent <= 100)) {
      throw new BadInput(`selector "${normalised}": ${selector.percent}% is out of range`, undefined, 'use a share above 0% up to 100%');
    }
    return selector;
  }
  if (new RegExp(`^${WORD}$`).test(normalised) && !KEYWORDS.has(normalised.toLowerCase())) return { kind: 'name', text: normalised, name: normalised };
  throw new BadInput(`"${text}" is not a node selector`, undefined, `write one of: ${SELECTOR_FORMS.join('; ')}`);
}

/**
 * resolveSelector: the nodes a selector picks in an environment, in scope and within the blast radius.
 * `seed` (0 … 2^32−1) reproduces an earlier random choice; without it a fresh one is drawn. Percentages round
 * DOWN (the stated share is a ceiling on the blast radius), but at least 1 node is picked when the share is > 0%.
 */
export function resolveSelector(env: Environment, selector: Selector, seed?: number): SelectionResult {
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32)) {
    throw new BadInput(`seed ${seed} is not a selector seed`, undefined, 'use the whole number from 0 to 4294967295 that an earlier run logged');
  }
  const usedSeed = seed ?? randomInt(0, 2 ** 32);
  const quoted = `"${selector.text}"`;
  let nodes: NodeSpec[];
  let note = '';
  if (selector.kind === 'name') {
    const node = env.nodes.find((n) => n.name === selector.name);
    if (!node) {
      const role = env.nodes.some((n) => n.roles.includes(selector.name)) ? ` ("${selector.name}" is a role: did you mean "the ${selector.name} nodes" or "a random ${selector.name} node"?)` : '';
      throw new BadInput(
        `node "${selector.name}" is not in environment ${env.name}${role}`,
        undefined,
        `use one of: ${env.nodes.map((n) => n.name).join(', ')} (defined in ${env.sourcePath})`,
      );
    }
    requireNodesInScope(env, [node.name], `selector ${quoted}`);
    nodes = [node];
  } else {
    const { all, inScope } = candidates(env, selector.role, quoted);
    const group = selector.role ? `${selector.role} nodes` : 'nodes';
    const outside = all.filter((n) => !inScope.includes(n)).map((n) => n.name);
    if (outside.length) note = `; out of scope: ${outside.join(', ')}`;
    if (selector.kind === 'all') {
      nodes = inScope;
    } else {
      if (selector.kind === 'count' && selector.of !== null && selector.of !== all.length) {
        throw new BadInput(
          `selector ${quoted} expects ${selector.of} ${group}, but environment ${env.name} has ${all.length} (${all.map((n) => n.name).join(', ')})`,
          undefined,
          `fix the count in the step, or the nodes in ${env.sourcePath}`,
        );
      }
      const count = selector.kind === 'count' ? selector.count : Math.max(1, Math.floor((selector.percent * inScope.length) / 100));
      if (count > inScope.length) {
        throw new BadInput(
          `selector ${quoted} asks for ${count} ${group}, but only ${inScope.length} ${inScope.length === 1 ? 'is' : 'are'} in scope (${inScope.map((n) => n.name).join(', ')})`,
          undefined,
          `select at most ${inScope.length}, or add nodes to scope.nodes in ${env.sourcePath}`,
        );
      }
      nodes = pickSeeded(inScope, count, usedSeed).sort(byName);
      note = `; random, seed ${usedSeed}${note}`;
      if (selector.kind === 'percent') note = `; ${selector.percent}% of ${inScope.length} rounded down, at least 1${note}`;
    }
  }
  requireBlastRadius(env, nodes.map((n) => n.name), `selector ${quoted}`);
  return { nodes, seed: usedSeed, description: `${quoted} → ${nodes.map((n) => n.name).join(', ')}${note ? ` (${note.slice(2)})` : ''}` };
}

/** The nodes of a role (or all), sorted by name, and those of them in scope; refuses unknown roles and empty scopes. */
function candidates(env: Environment, role: string | null, quoted: string): { all: NodeSpec[]; inScope: NodeSpec[] } {
  // Roles match without regard to case: "the Web nodes" reads as well as "the web nodes".
  const all = env.nodes.filter((n) => role === null || n.roles.some((r) => r.toLowerCase() === role.toLowerCase())).sort(byName);
  if (role !== null && all.length === 0) {
    const roles = [...new Set(env.nodes.flatMap((n) => n.roles))].sort();
    throw new BadInput(`selector ${quoted}: no node of environment ${env.name} has role "${role}"`, undefined, `use one of the roles: ${roles.join(', ') || '(none defined)'} (defined in ${env.sourcePath})`);
  }
  const inScope = all.filter((n) => env.scope.nodes.includes(n.name));
  if (inScope.length === 0) {
    throw new BadInput(
      `selector ${quoted}: none of ${all.map((n) => n.name).join(', ') || 'the nodes'} is in scope for environment ${env.name}`,
      undefined,
      `add them to scope.nodes in ${env.sourcePath} if they may be harmed`,
    );
  }
  return { all, inScope };
}

function byName(a: NodeSpec, b: NodeSpec): number {
  return a.name.localeCompare(b.name);
}
