/**
 * The in-process `scs-chaos` the feature and argument fuzzers drive: `main(argv)` of src/cli/main.ts with its
 * output captured, against an environment of three `local` nodes. The plan checks of faults run their read-only
 * commands (nft --check, tc/ip reads, command -v) on this machine — through stand-ins on PATH that only log their
 * argv (FUZZ_LOG), so every case is fast and the log shows whether anything that changes a node was ever called
 * (a fuzz STAND-IN, not a double of a node: the plan pass under test is the real one).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';
import { liveInjectionCount } from '../../src/core/injection';

export interface Sandbox {
  dir: string;
  env: string;
  log: string;
  cleanup(): void;
}

/** The commands the stand-ins replace; plan may call their read-only forms. */
const STAND_INS = ['nft', 'tc', 'ip', 'stress-ng', 'supervisorctl', 'systemctl', 'pgrep', 'pkill', 'df', 'ceph', 'rados', 'modprobe', 'dd', 'fallocate', 'ssh'];

/** MUTATING: command lines that change a node — never allowed during a plan. */
export const MUTATING = /^(nft (-f|add|delete|flush|insert|replace)|tc (qdisc|class|filter) (add|del|change|replace)|ip (link (add|del|delete|set)|netns (add|del|delete))|supervisorctl .*(stop|start|restart)|systemctl (stop|start|restart|kill)|pkill|stress-ng --(cpu|vm|hdd|timeout)|dd |fallocate|modprobe (?!-n))/m;

/** sandbox: a temp dir with the fuzz environment and PATH stand-ins (PATH is changed for this process). */
export function sandbox(): Sandbox {
  const dir = mkdtempSync(join(tmpdir(), 'scs-fuzz-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  const log = join(dir, 'commands.log');
  writeFileSync(log, '');
  for (const name of STAND_INS) {
    writeFileSync(join(bin, name), `#!/bin/sh\necho "${name} $*" >> "${log}"\nexit 0\n`);
    chmodSync(join(bin, name), 0o755);
  }
  process.env.PATH = `${bin}:${process.env.PATH ?? ''}`;
  const env = join(dir, 'fuzz.yaml');
  writeFileSync(
    env,
    [
      'name: fuzz',
      'nodes:',
      ...[1, 2, 3].map((i) => `  - { name: node-${i}, address: 198.19.40.${10 + i}, roles: [web], executor: { kind: local } }`),
      'services:',
      '  web:',
      '    roles: [web]',
      '    port: 8080',
      '    endpoint: http://198.19.40.10:80/',
      '    backendUrl: http://{address}:8080/',
      '    processMatch: "[f]uzz-web {node}"',
      `    supervisor: { program: web, config: "${dir}/{node}/supervisord.conf" }`,
      'prometheus: { url: "http://127.0.0.1:9" }',
      'scope: { nodes: [node-1, node-2, node-3], maxNodesAtOnce: 2, maxFaultDuration: 10m }',
      'defaults: { faultTtlGrace: 10s, probeRate: 10, probeTimeout: 500ms, stabilization: 2s }',
      '',
    ].join('\n'),
  );
  return { dir, env, log, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface Ran {
  code: number;
  out: string;
  /** The stand-ins' log lines written during this call. */
  commands: string[];
}

/** scsChaos: `scs-chaos ARGV` in this process; stdout and stderr are captured; an exception is returned as code -1. */
export async function scsChaos(box: Sandbox, argv: string[]): Promise<Ran> {
  const before = readFileSync(box.log, 'utf8').length;
  let out = '';
  const capture = (chunk: unknown): boolean => {
    out += String(chunk);
    return true;
  };
  const stdout = process.stdout.write.bind(process.stdout);
  const stderr = process.stderr.write.bind(process.stderr);
  process.stdout.write = capture as typeof process.stdout.write;
  process.stderr.write = capture as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(argv);
  } catch (error) {
    code = -1;
    out += `\nTHROWN: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
  const commands = readFileSync(box.log, 'utf8').slice(before).split('\n').filter(Boolean);
  return { code, out, commands };
}

/** judgeRefusalOrPlan: the properties every plan call must meet (issue 17); returns 'refused' or 'planned'. */
export function judge(ran: Ran, allowed: readonly number[] = [0, 2]): 'refused' | 'planned' | 'other' {
  const where = `exit ${ran.code}:\n${ran.out}`;
  if (ran.code === -1 || ran.code === 3 || /(^|\n)(scs-chaos: )?internal error: /.test(ran.out)) throw new Error(`internal error (${where})`);
  if (!allowed.includes(ran.code)) throw new Error(`unexpected exit (${where})`);
  const mutating = ran.commands.filter((line) => MUTATING.test(line));
  if (mutating.length) throw new Error(`a plan touched a node: ${mutating.join(' | ')} (${where})`);
  if (liveInjectionCount() !== 0) throw new Error(`a plan left ${liveInjectionCount()} live injection(s) (${where})`);
  if (ran.code === 2) {
    const problems = Number(/bad input: (\d+) problem/.exec(ran.out)?.[1] ?? 1);
    const fixes = ran.out.split(/\n\s*fix: \S/).length - 1;
    if (fixes < problems) throw new Error(`a refusal without its fix: line (${problems} problem(s), ${fixes} fix line(s); ${where})`);
    return 'refused';
  }
  return ran.code === 0 ? 'planned' : 'other';
}

/** msOf: a duration as formatDuration prints it ("850ms", "2.00s", "12.3s", "2m05s") back in ms. */
export function msOf(text: string): number {
  const m = /^(\d+)m(\d+)s$/.exec(text);
  if (m) return Number(m[1]) * 60_000 + Number(m[2]) * 1000;
  if (text.endsWith('ms')) return Number(text.slice(0, -2));
  if (text.endsWith('s')) return Number(text.slice(0, -1)) * 1000;
  return NaN;
}
