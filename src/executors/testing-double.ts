/**
 * Test doubles for the network-fault unit tests (DESIGN.md section 13: a double only where the real part cannot
 * run here — this machine's nftables and tc belong to the lab, and unit tests run without root). The lab
 * integration tests use real namespaces, nftables and tc instead.
 */
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorSpec } from '../model/environment';
import type { CommandOptions, CommandResult } from './command';
import type { Executor } from './executor';
import { shellQuote } from './executor';
import type { LineProcess } from './line-process';

/** RecordedCall: one command the double received, with its text as a node's shell would read it. */
export interface RecordedCall {
  via: 'run' | 'runScript' | 'spawnDetached';
  /** run: the argv joined with shell quoting; runScript/spawnDetached: the script. */
  text: string;
  argv?: readonly string[];
  input?: string;
}

/** Scripted: a result, or a function of the call that makes one; missing fields default to 0 / ''. */
export type Scripted = Partial<CommandResult> | ((call: RecordedCall) => Partial<CommandResult>);

/**
 * RecordingExecutorDouble: a TEST DOUBLE standing in for a node — it runs nothing, records every command, and
 * answers with results scripted per pattern (first match wins; `once` answers are used up first). A command no
 * pattern matches fails with exit 127, so a test never passes on an answer it did not script.
 */
export class RecordingExecutorDouble implements Executor {
  readonly calls: RecordedCall[] = [];
  private readonly answers: Array<{ pattern: RegExp | string; result: Scripted; once: boolean; used: boolean }> = [];

  constructor(
    readonly description = 'double of node-1',
    readonly spec: ExecutorSpec = { kind: 'netns', namespace: 'double-node-1' },
  ) {}

  /** on: answers every later call whose text matches `pattern` (a RegExp, or a substring). */
  on(pattern: RegExp | string, result: Scripted): this {
    this.answers.push({ pattern, result, once: false, used: false });
    return this;
  }

  /** once: answers only the next matching call; checked before the standing answers. */
  once(pattern: RegExp | string, result: Scripted): this {
    this.answers.push({ pattern, result, once: true, used: false });
    return this;
  }

  /** texts: the text of every recorded call, in order. */
  texts(): string[] {
    return this.calls.map((call) => call.text);
  }

  run(argv: readonly string[], options?: CommandOptions): Promise<CommandResult> {
    return this.answer({ via: 'run', text: argv.map(shellQuote).join(' '), argv, ...(options?.input !== undefined ? { input: options.input } : {}) });
  }

  runScript(script: string, options?: CommandOptions): Promise<CommandResult> {
    return this.answer({ via: 'runScript', text: script, ...(options?.input !== undefined ? { input: options.input } : {}) });
  }

  async spawnDetached(script: string): Promise<void> {
    this.calls.push({ via: 'spawnDetached', text: script });
  }

  /** startLineProcess: the double runs nothing, so a long-running program is refused (a caller falls back or fails). */
  startLineProcess(argv: readonly string[]): LineProcess {
    throw new Error(`${this.description} runs no long-running programs (${argv.join(' ')})`);
  }

  private async answer(call: RecordedCall): Promise<CommandResult> {
    this.calls.push(call);
    const matches = (p: RegExp | string): boolean => (typeof p === 'string' ? call.text.includes(p) : p.test(call.text));
    const found =
      this.answers.find((a) => a.once && !a.used && matches(a.pattern)) ?? this.answers.find((a) => !a.once && matches(a.pattern));
    if (!found) return { code: 127, stdout: '', stderr: `RecordingExecutorDouble: no scripted answer for: ${call.text}` };
    if (found.once) found.used = true;
    const result = typeof found.result === 'function' ? found.result(call) : found.result;
    return { code: result.code ?? 0, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
  }
}

/**
 * stubNodeCommands: a TEST DOUBLE standing in for a node's `tc`, `ip` and `nft` (and nothing else), so the real
 * revert and probe scripts run under the real `sh` without touching this machine's nftables or traffic control.
 * It writes three tiny shell programs into a temporary directory to put first on PATH. They keep the "node's"
 * state in files under `state/`: `qdiscs` (the lines `tc qdisc show` prints), `filters` (`tc filter show`),
 * `links/<name>`, `tables/<name>`. Deleting what is absent fails, as with the real tools; every call is appended
 * to `calls.log`. `failDeletes` makes every delete fail ("a part that stays"); `netem: false` makes
 * `tc qdisc add ... netem` fail as on a kernel without sch_netem; `dummy: false` refuses dummy devices.
 */
export function stubNodeCommands(options: { failDeletes?: boolean; netem?: boolean; dummy?: boolean } = {}): { bin: string; state: string; log: string } {
  const root = mkdtempSync(join(tmpdir(), 'scs-chaos-stub-'));
  const bin = join(root, 'bin');
  const state = join(root, 'state');
  const log = join(root, 'calls.log');
  for (const dir of [bin, state, join(state, 'links'), join(state, 'tables')]) mkdirSync(dir, { recursive: true });
  const fail = options.failDeletes ? 'exit 2' : ':';
  const tc = `#!/bin/sh
echo "tc $*" >> '${log}'
S='${state}'
case "$1 $2" in
  "qdisc show") cat "$S/qdiscs" 2>/dev/null; exit 0 ;;
  "filter show") cat "$S/filters" 2>/dev/null; exit 0 ;;
  "qdisc add")
    case "$*" in *" netem"*) ${options.netem === false ? 'echo "Error: Specified qdisc kind is unknown." >&2; exit 2' : 'exit 0'} ;; esac
    exit 0 ;;
  "qdisc del")
    ${fail}
    case "$*" in
      *" root handle "*) h=$(echo "$*" | sed 's/.* root handle \\([^ ]*\\).*/\\1/'); grep -q " $h root" "$S/qdiscs" 2>/dev/null || { echo "Error: Invalid handle." >&2; exit 2; }; grep -v " $h root" "$S/qdiscs" > "$S/q.new"; mv "$S/q.new" "$S/qdiscs" ;;
      *" ingress") grep -q "^qdisc ingress " "$S/qdiscs" 2>/dev/null || { echo "Error: Cannot find specified qdisc." >&2; exit 2; }; grep -v "^qdisc ingress " "$S/qdiscs" > "$S/q.new"; mv "$S/q.new" "$S/qdiscs" ;;
    esac ;;
  "filter del")
    ${fail}
    p=$(echo "$*" | sed 's/.* pref \\([0-9]*\\).*/\\1/')
    grep -q " pref $p " "$S/filters" 2>/dev/null || { echo "Error: Filter with specified priority/protocol not found." >&2; exit 2; }
    grep -v " pref $p " "$S/filters" > "$S/f.new"; mv "$S/f.new" "$S/filters" ;;
  *) echo "stub tc: unexpected $*" >&2; exit 3 ;;
esac
`;
  const ip = `#!/bin/sh
echo "ip $*" >> '${log}'
S='${state}'
case "$1 $2" in
  "link delete") ${fail}; [ -e "$S/links/$3" ] || { echo "Cannot find device \\"$3\\"" >&2; exit 1; }; p=$(cat "$S/links/$3"); rm -f "$S/links/$3"; [ -z "$p" ] || rm -f "$S/links/$p" ;;
  "link show") [ -e "$S/links/$4" ] || exit 1; echo "1: $4: <BROADCAST,NOARP,UP>" ;;
  "link add")
    case "$*" in *" type dummy"*) ${options.dummy === false ? `echo 'Error: Unknown device type.' >&2; exit 2` : ':'} ;; esac
    [ -e "$S/links/$3" ] && { echo "RTNETLINK answers: File exists" >&2; exit 2; }
    : > "$S/links/$3"
    case "$*" in *" peer name "*) p=$(echo "$*" | sed 's/.* peer name //'); echo "$p" > "$S/links/$3"; echo "$3" > "$S/links/$p" ;; esac ;;
  *) echo "stub ip: unexpected $*" >&2; exit 3 ;;
esac
`;
  const nft = `#!/bin/sh
echo "nft $*" >> '${log}'
S='${state}'
case "$1 $2 $3" in
  "delete table inet") ${fail}; [ -e "$S/tables/$4" ] || { echo "Error: No such file or directory" >&2; exit 1; }; rm -f "$S/tables/$4" ;;
  "list table inet") [ -e "$S/tables/$4" ] || { echo "Error: No such file or directory" >&2; exit 1; }; echo "table inet $4 {"; echo "}" ;;
  *) echo "stub nft: unexpected $*" >&2; exit 3 ;;
esac
`;
  for (const [name, text] of [['tc', tc], ['ip', ip], ['nft', nft]] as const) {
    writeFileSync(join(bin, name), text);
    chmodSync(join(bin, name), 0o755);
  }
  return { bin, state, log };
}

