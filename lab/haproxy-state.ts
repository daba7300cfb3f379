/**
 * What haproxy thinks of each backend server, read from its admin stats socket with `show stat` (CSV).
 */
import { createConnection } from 'node:net';
import type { Environment } from '../src/model/environment';
import { haproxyBackendName } from './haproxy';
import { labLayout } from './layout';

/** haproxyBackendStates maps each node name in the lab service's haproxy backend to its status ("UP", "DOWN", "UP 1/2", "MAINT", ...). */
export async function haproxyBackendStates(env: Environment, timeoutMs = 2000): Promise<Record<string, string>> {
  const layout = labLayout(env);
  const csv = await haproxyCommand(layout.edge.statsSocket, 'show stat', timeoutMs);
  return serverStates(csv, haproxyBackendName(layout));
}

/** haproxyCommand sends one command to haproxy's stats socket and returns the whole answer. */
export function haproxyCommand(socketPath: string, command: string, timeoutMs = 2000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let answer = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`haproxy stats socket ${socketPath} did not answer "${command}" within ${timeoutMs}ms`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot talk to haproxy's stats socket ${socketPath}: ${error.message} (is the lab up? run scs-chaos lab up)`));
    });
    // haproxy closes the connection after answering one command (non-interactive mode).
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
  });
}

/** serverStates reads `show stat` CSV and maps server name to status for the servers of `backend`. */
export function serverStates(csv: string, backend: string): Record<string, string> {
  const lines = csv.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (!header?.startsWith('# ')) throw new Error(`haproxy "show stat" answered no CSV header: ${csv.slice(0, 200)}`);
  const columns = header.slice(2).split(',');
  const proxy = columns.indexOf('pxname');
  const server = columns.indexOf('svname');
  const status = columns.indexOf('status');
  if (proxy < 0 || server < 0 || status < 0) throw new Error(`haproxy "show stat" CSV lacks pxname, svname or status: ${header}`);
  const states: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const fields = line.split(',');
    const name = fields[server];
    if (fields[proxy] !== backend || name === undefined || name === 'FRONTEND' || name === 'BACKEND') continue;
    states[name] = fields[status] ?? '';
  }
  return states;
}
