/**
 * `scs-chaos demo` (npm run demo): the main job against the built-in lab on a fresh machine — install the
 * lab's Debian packages, bring the lab up, run features/lab, print the summary, always bring the lab down, then
 * render the HTML reports (summary page and Allure report).
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { labDown, labUp } from '../../lab/lab';
import { labEnvironment } from './lab';
import { DEFAULT_ENV, parseFlags } from './flags';
import { runCommand } from './run';
import { reportCommand } from './report';
import { BadInput, errorMessage } from '../kernel/errors';

const REPO = resolve(__dirname, '..', '..');

export async function demoCommand(args: string[], log: (line: string) => void): Promise<number> {
  const { values } = parseFlags(args, { reports: { type: 'string' }, with: { type: 'string' } });
  if (values.with !== undefined && values.with !== 'ceph') {
    throw new BadInput(`--with ${values.with} is not known`, undefined, 'the only addition is --with ceph (a real Ceph in the lab, and the features in features/ceph)');
  }
  const withCeph = values.with === 'ceph';
  if (process.getuid?.() !== 0) {
    log('scs-chaos demo needs root: it creates network namespaces, nftables tables and lab services. Run it with sudo.');
    return 2;
  }
  const install = spawnSync('bash', [join(REPO, 'lab', 'install-packages.sh'), ...(withCeph ? ['--with-ceph'] : [])], { stdio: 'inherit' });
  if (install.status !== 0) {
    log('scs-chaos demo: installing the lab packages failed (see above)');
    return 2;
  }
  const envPath = join(REPO, DEFAULT_ENV);
  const env = labEnvironment(envPath);
  // A Ctrl-C while the lab comes up must not leave it half built: note it, finish the step, skip the run,
  // and bring the lab down. During the run, the run's own handler reverts the faults first.
  let interrupted: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted ??= signal;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const reportsDir = resolve(values.reports ?? join(REPO, 'reports'));
  let code: number;
  try {
    await labUp(env, log, { withCeph });
    if (interrupted) {
      log(`${interrupted}: not running the features; bringing the lab down`);
      return 4;
    }
    code = await runCommand({ envPath, profile: withCeph ? 'lab-ceph' : 'lab', paths: [], reportsDir, log });
  } finally {
    await labDown(env, log);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // The HTML reports need no lab: rendered after it is down. A report problem never changes the run's exit code.
  try {
    await reportCommand([join(reportsDir, 'latest')], log);
  } catch (error) {
    log(`demo: the Allure report was not rendered: ${errorMessage(error)} (try: scs-chaos report)`);
  }
  return code;
}
