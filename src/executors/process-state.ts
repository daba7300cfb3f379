/** processState: a process's state on a node, read through the node's executor (shared by every kind that signals processes). */
import type { Executor } from './executor';

/** processState: the one-letter state of a process from /proc/<pid>/stat (R, S, T, Z ...), or null when gone. */
export async function processState(executor: Executor, pid: number): Promise<string | null> {
  const result = await executor.run(['cat', `/proc/${pid}/stat`], { timeoutMs: 5000 });
  if (result.code !== 0) return null;
  // Format: "pid (comm) S ..."; comm may contain spaces and parentheses, so read after the last ')'.
  const afterComm = result.stdout.slice(result.stdout.lastIndexOf(')') + 1).trim();
  return afterComm.charAt(0) || null;
}
