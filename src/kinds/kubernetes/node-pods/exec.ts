/**
 * execInPod: one command in a running pod's container over the API server's exec stream (WebSocket, through
 * @kubernetes/client-node's Exec), collected like runCommand collects a local one: stdout, stderr and the exit code
 * from the stream's status channel. A non-zero exit is a result; "could not reach the pod" (no stream, a stream
 * that ended without a status) is a PodExecUnavailable, and a deadline is a CommandTimeout — the command may still
 * be running in the pod then, which is why every caller bounds what it runs (the same as for ssh).
 */
import { Writable } from 'node:stream';
import { CommandTimeout, type CommandResult } from '../../../executors/command';
import { boundedDelay } from '../../../kernel/duration';
import type { KubeConnection } from '../client/connection';

/** PodExecUnavailable: the exec stream could not be opened or ended without an exit status. */
export class PodExecUnavailable extends Error {
  override readonly name = 'PodExecUnavailable';
  constructor(
    message: string,
    /** The HTTP status of a refused upgrade (404: no such pod, 400: container not running), when known. */
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

interface ExecStatus {
  status?: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** exitCodeOf: the command's exit code in an exec status, or undefined when the status is not about an exit. */
export function exitCodeOf(status: ExecStatus): number | undefined {
  if (status.status === 'Success') return 0;
  if (status.reason !== 'NonZeroExitCode') return undefined;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : undefined;
}

function collector(): { stream: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _encoding, callback) => void (chunks.push(Buffer.from(chunk)), callback()) });
  return { stream, bytes: () => Buffer.concat(chunks) };
}

/** BinaryCommandResult: a command's result with stdout as bytes (an archive streamed out of a pod). */
export interface BinaryCommandResult {
  code: number;
  stdout: Buffer;
  stderr: string;
}

export async function execInPod(connection: KubeConnection, namespace: string, pod: string, container: string, argv: readonly string[], timeoutMs: number): Promise<CommandResult> {
  const result = await execInPodBinary(connection, namespace, pod, container, argv, timeoutMs);
  return { ...result, stdout: result.stdout.toString('utf8') };
}

/** execInPodBinary: execInPod with stdout kept as bytes. */
export async function execInPodBinary(connection: KubeConnection, namespace: string, pod: string, container: string, argv: readonly string[], timeoutMs: number): Promise<BinaryCommandResult> {
  const { Exec } = await import('@kubernetes/client-node');
  const stdout = collector();
  const stderr = collector();
  let status: ExecStatus | undefined;
  const where = `pod ${namespace}/${pod}`;
  let socket: Awaited<ReturnType<InstanceType<typeof Exec>['exec']>>;
  try {
    socket = await new Exec(connection.kubeConfig).exec(namespace, pod, container, [...argv], stdout.stream, stderr.stream, null, false, (s) => void (status = s as ExecStatus));
  } catch (error) {
    const text = (error as Error).message ?? String(error);
    const httpStatus = /Unexpected server response: (\d+)/.exec(text)?.[1];
    throw new PodExecUnavailable(`exec into ${where} on cluster ${connection.cluster} failed: ${text}`, httpStatus ? Number(httpStatus) : undefined);
  }
  return new Promise<BinaryCommandResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new CommandTimeout(`${argv.join(' ')} in ${where} did not finish within ${timeoutMs}ms`));
    }, boundedDelay(timeoutMs));
    socket.on('close', () => {
      clearTimeout(timer);
      const code = status ? exitCodeOf(status) : undefined;
      if (code === undefined) {
        reject(new PodExecUnavailable(`exec into ${where} on cluster ${connection.cluster} ended without an exit status${status ? `: ${status.message ?? status.reason ?? JSON.stringify(status)}` : ''}`));
        return;
      }
      resolve({ code, stdout: stdout.bytes(), stderr: stderr.bytes().toString('utf8') });
    });
  });
}
