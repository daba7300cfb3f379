/**
 * Entry point of the lab's remediation service (lab/services/remediation.js starts it under the edge's
 * supervisord):
 *   remediation.js --env ENV.yaml --listen HOST:PORT --policy POLICY.yaml --audit AUDIT.jsonl
 * SIGTERM/SIGINT: stop listening, let queued actions finish, close the audit log, exit 0.
 */
import '../../../src/kinds';
import { loadEnvironment } from '../../../src/environment/load';
import { AuditLog } from './audit-log';
import { RemediationService } from './service';

function option(argv: string[], flag: string): string {
  const value = argv[argv.indexOf(flag) + 1];
  if (!argv.includes(flag) || value === undefined) throw new Error(`remediation: missing ${flag} (usage: --env ENV.yaml --listen HOST:PORT --policy POLICY.yaml --audit AUDIT.jsonl)`);
  return value;
}

export async function main(argv: string[]): Promise<void> {
  const env = loadEnvironment(option(argv, '--env'));
  const [host, port] = option(argv, '--listen').split(':');
  const audit = new AuditLog(option(argv, '--audit'));
  const log = (line: string): void => void process.stdout.write(`${new Date().toISOString()} ${line}\n`);
  const service = new RemediationService({ env, policyPath: option(argv, '--policy'), audit, log });
  const server = await service.listen(host ?? '127.0.0.1', Number(port));
  log(`listening on ${host}:${port}; policy ${option(argv, '--policy')}; audit log ${audit.path}`);
  const stop = (): void => {
    server.close();
    void service.idle().then(() => {
      audit.close();
      process.exit(0);
    });
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
