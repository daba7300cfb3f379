/** onPath: whether `tool` is a command the shell finds on PATH (for tests that skip, with a reason, without it). */
import { execFileSync } from 'node:child_process';

export function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
