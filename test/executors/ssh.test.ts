/**
 * SshExecutor against a real sshd started here on 127.0.0.1:222xx with throwaway keys (no test double).
 * Needs root (sshd must log in as root) and /usr/sbin/sshd; without them the sshd tests are skipped with the
 * reason. The spec checks at the end need neither.
 */
import '../../src/kinds';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BadInput } from '../../src/kernel/errors';
import { expiryTimerName, expiryTimerScript } from '../../src/revert/shell-channel';
import { newInjectionId } from '../../src/core/injection';
import { parseEnvironment } from '../../src/environment/load';
import { CommandTimeout, runChecked, runCommand } from '../../src/executors/command';
import { executorFor } from '../../src/executors/index';
import { closeSshMasters, NodeUnreachable, SshExecutor, SshSpec } from '../../src/executors/ssh';
import { waitUntil } from '../support/wait-until';

const SSHD = '/usr/sbin/sshd';
const skipReason =
  process.getuid?.() !== 0
    ? 'needs root: the test sshd logs in as root'
    : !existsSync(SSHD)
      ? `${SSHD} is missing: apt-get install -y --no-install-recommends openssh-server openssh-client`
      : undefined;

/** gone: the process has exited (a zombie waiting for init to reap it counts as gone). */
const gone = (pid: number): boolean => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return true;
  }
};

/** A free port in 22200-22299 (the range reserved for test sshds), starting at a random one. */
async function freePort(): Promise<number> {
  const first = Math.floor(Math.random() * 100);
  for (let i = 0; i < 100; i++) {
    const port = 22200 + ((first + i) % 100);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port in 22200-22299');
}

describe('SshExecutor against a real sshd', { skip: skipReason ?? false }, () => {
  let dir = '';
  let port = 0;
  let sshd: ChildProcess | null = null;
  let sshdLog = '';
  let spec: SshSpec;
  let exec: SshExecutor;
  const timers: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'scs-ssh-test-'));
    port = await freePort();
    await runChecked(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'scs-chaos test host', '-f', join(dir, 'host_key')]);
    await runChecked(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'scs-chaos test client', '-f', join(dir, 'client_key')]);
    await runChecked(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'not the host', '-f', join(dir, 'other_key')]);
    writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client_key.pub')));
    const pin = (key: string): string => `[127.0.0.1]:${port} ${readFileSync(join(dir, key), 'utf8').split(' ').slice(0, 2).join(' ')}\n`;
    writeFileSync(join(dir, 'known_hosts'), pin('host_key.pub')); // pinned from the key file itself: no trust on first use
    writeFileSync(join(dir, 'changed_hosts'), pin('other_key.pub'));
    writeFileSync(join(dir, 'empty_hosts'), '');
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        // The keys live under /tmp (world-writable), which StrictModes would refuse; lab nodes keep it on.
        'StrictModes no',
        'MaxSessions 32',
        '',
      ].join('\n'),
    );
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege-separation directory
    const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    sshd = child;
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (sshdLog += chunk));
    const listening = await waitUntil(() => sshdLog.includes(`Server listening on 127.0.0.1 port ${port}`) || child.exitCode !== null, 5000);
    assert.ok(listening && child.exitCode === null, `sshd did not start: ${sshdLog}`);
    spec = { kind: 'ssh', host: '127.0.0.1', port, user: 'root', identityFile: join(dir, 'client_key'), knownHostsFile: join(dir, 'known_hosts') };
    exec = new SshExecutor(spec, { node: 'test-node' });
  });

  after(async () => {
    await closeSshMasters();
    for (const name of timers) await runCommand(['pkill', '-KILL', '-f', `[${name.charAt(0)}]${name.slice(1)}`]);
    await runCommand(['pkill', '-KILL', '-f', '[s]leep 29.5']);
    if (sshd && sshd.exitCode === null) {
      const exited = new Promise((resolve) => sshd?.once('exit', resolve));
      sshd.kill('SIGTERM');
      const timer = setTimeout(() => sshd?.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs a program with arguments holding spaces and quotes, exactly', async () => {
    const result = await exec.run(['printf', '%s|', 'a b', "it's", '$HOME', '"x"']);
    assert.deepEqual(result, { code: 0, stdout: `a b|it's|$HOME|"x"|`, stderr: '' });
  });

  it('runs a shell script with runScript', async () => {
    const result = await exec.runScript('printf %s "$((6 * 7))"; echo oops >&2');
    assert.deepEqual(result, { code: 0, stdout: '42', stderr: 'oops\n' });
  });

  it('returns the remote exit code, 255 and death by signal included, instead of throwing', async () => {
    assert.equal((await exec.run(['false'])).code, 1);
    assert.equal((await exec.run(['sh', '-c', 'exit 7'])).code, 7);
    const r255 = await exec.run(['sh', '-c', 'echo gone >&2; exit 255']);
    assert.deepEqual(r255, { code: 255, stdout: '', stderr: 'gone\n' });
    assert.equal((await exec.run(['sh', '-c', 'kill -9 $$'])).code, 137);
  });

  it('passes standard input to the remote command (as isolate pipes its nft ruleset)', async () => {
    const ruleset = 'table inet scs_chaos_test {\n  chain input {\n    iifname "lo" accept\n  }\n}\n';
    assert.deepEqual(await exec.run(['cat'], { input: ruleset }), { code: 0, stdout: ruleset, stderr: '' });
  });

  it('runs concurrent commands over the shared connection', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => exec.run(['sh', '-c', `sleep 0.2; echo ${i}`])));
    assert.deepEqual(results.map((r) => r.stdout.trim()), ['0', '1', '2', '3', '4', '5', '6', '7']);
    assert.ok(results.every((r) => r.code === 0 && r.stderr === ''));
  });

  it('starts a detached timer that fires after its TTL, after the ssh client has exited', async () => {
    const marker = join(dir, 'timer-fired');
    const name = expiryTimerName(newInjectionId());
    timers.push(name);
    await exec.spawnDetached(expiryTimerScript(1000, `touch ${marker}`), name); // resolves once ssh has exited
    assert.equal(existsSync(marker), false, 'not before the TTL');
    assert.equal((await exec.run(['pgrep', '-f', `[${name.charAt(0)}]${name.slice(1)}`])).code, 0, 'the timer runs on the node');
    assert.equal(await waitUntil(() => existsSync(marker), 4000), true, 'the timer fired');
  });

  it('keeps the timer alive when the ssh client and the shared connection are SIGKILLed mid-run', async () => {
    const marker = join(dir, 'timer-survived');
    const name = expiryTimerName(newInjectionId());
    timers.push(name);
    await exec.spawnDetached(expiryTimerScript(2000, `touch ${marker}`), name);
    // The timeout SIGKILLs the ssh client while the remote sleep runs.
    await assert.rejects(exec.run(['sleep', '29.5'], { timeoutMs: 500 }), CommandTimeout);
    const master = await exec.sharedConnectionPid();
    assert.ok(master, 'a shared connection runs');
    process.kill(master, 'SIGKILL'); // leaves a stale control socket behind
    assert.equal(await waitUntil(() => existsSync(marker), 5000), true, 'the timer fired after both ssh processes died');
    // A stale control socket does not break the next command: ssh replaces the dead master.
    assert.deepEqual(await exec.run(['echo', 'again']), { code: 0, stdout: 'again\n', stderr: '' });
  });

  it('refuses an unknown host key with a message naming host, file and how to pin it', async () => {
    for (const multiplex of [true, false]) {
      const file = join(dir, 'empty_hosts');
      const stranger = new SshExecutor({ ...spec, knownHostsFile: file }, { multiplex });
      const error = await stranger.run(['true']).then(() => null, (e: unknown) => e);
      assert.ok(error instanceof NodeUnreachable, `NodeUnreachable expected, got ${String(error)}`);
      assert.equal(error.reason, 'host-key-unknown');
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
      assert.ok(error.message.includes(`not pinned in ${file}`), error.message);
      assert.ok(error.message.includes(`ssh-keyscan -p ${port} 127.0.0.1 >> ${file}`), error.message);
      assert.match(error.message, /fingerprint/);
    }
    assert.equal(readFileSync(join(dir, 'empty_hosts'), 'utf8'), '', 'the pin file is never written');
  });

  it('refuses a changed host key', async () => {
    const file = join(dir, 'changed_hosts');
    const error = await new SshExecutor({ ...spec, knownHostsFile: file }).run(['true']).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof NodeUnreachable);
    assert.equal(error.reason, 'host-key-changed');
    assert.ok(error.message.includes(`ssh-keygen -R '[127.0.0.1]:${port}' -f ${file}`), error.message);
  });

  it('reports a refused key as an authentication problem', async () => {
    const error = await new SshExecutor({ ...spec, identityFile: join(dir, 'other_key') }).run(['true']).then(() => null, (e: unknown) => e);
    assert.ok(error instanceof NodeUnreachable);
    assert.equal(error.reason, 'auth');
    assert.match(error.message, /authorized_keys/);
  });

  it('throws NodeUnreachable within 5 s when nothing listens on the port', async () => {
    const closedPort = await freePort();
    const started = Date.now();
    const error = await new SshExecutor({ ...spec, port: closedPort }, { node: 'node-x' }).run(['true']).then(() => null, (e: unknown) => e);
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
    assert.ok(error instanceof NodeUnreachable);
    assert.equal(error.reason, 'refused');
    assert.ok(error.message.startsWith(`cannot reach node node-x (root@127.0.0.1:${closedPort}) over ssh`), error.message);
    assert.match(error.message, /sshd runs on the node/);
  });

  it('works without connection reuse, with the documented ssh command line', async () => {
    const direct = new SshExecutor(spec, { multiplex: false });
    assert.deepEqual(await direct.run(['printf', '%s|', 'a b', "it's"]), { code: 0, stdout: "a b|it's|", stderr: '' });
    const argv = direct.sshArgv('true');
    assert.deepEqual(argv.slice(0, 5), ['ssh', '-p', String(port), '-i', join(dir, 'client_key')]);
    assert.deepEqual(argv.slice(-3), ['root@127.0.0.1', '--', 'true']);
    for (const option of ['BatchMode=yes', 'StrictHostKeyChecking=yes', `UserKnownHostsFile=${join(dir, 'known_hosts')}`, 'ConnectTimeout=5', 'ServerAliveInterval=5', 'ServerAliveCountMax=2', 'LogLevel=ERROR']) {
      assert.equal(argv[argv.indexOf(option) - 1], '-o', option);
    }
    assert.ok(!argv.some((word) => word.startsWith('ControlPath')), 'no control socket');
  });

  it('leaves no ssh process behind after closeSshMasters', async () => {
    await exec.run(['true']);
    const master = await exec.sharedConnectionPid();
    assert.ok(master);
    await closeSshMasters();
    assert.equal(await waitUntil(() => gone(master), 3000), true, 'the master exited');
    const ps = await runCommand(['ps', '-eo', 'pid,args']);
    const ours = ps.stdout.split('\n').filter((line) => /\bssh\b/.test(line) && !/sshd/.test(line) && line.includes(dir));
    assert.deepEqual(ours, [], 'no ssh client of this test runs');
  });
});

describe('ssh executor spec', () => {
  const spec: SshSpec = { kind: 'ssh', host: '127.0.0.1', port: 22, user: 'root', knownHostsFile: '/etc/scs-chaos/known_hosts' };

  it('is what executorFor builds for kind ssh', () => {
    const exec = executorFor(spec);
    assert.ok(exec instanceof SshExecutor);
    assert.equal(exec.description, 'ssh root@127.0.0.1:22');
    assert.deepEqual(exec.spec, spec);
  });

  it('refuses a missing known_hosts file and option-like hosts or users at plan time', () => {
    assert.throws(() => new SshExecutor({ ...spec, knownHostsFile: undefined }), (e: unknown) => e instanceof BadInput && /ssh-keyscan -p 22 127\.0\.0\.1 >> <file>/.test(e.message));
    assert.throws(() => new SshExecutor({ ...spec, host: '-oProxyCommand=sh' }), BadInput);
    assert.throws(() => new SshExecutor({ ...spec, user: '-oProxyCommand=sh' }), BadInput);
    assert.throws(() => new SshExecutor({ ...spec, port: 70000 }), BadInput);
    assert.throws(() => new SshExecutor({ ...spec, knownHostsFile: '/tmp/a b' }), BadInput);
  });

  it('escapes % in paths, which ssh would expand as tokens', () => {
    const argv = new SshExecutor({ ...spec, identityFile: '/keys/100%key', knownHostsFile: '/pins/%h' }, { multiplex: false }).sshArgv('true');
    assert.ok(argv.includes('/keys/100%%key'));
    assert.ok(argv.includes('UserKnownHostsFile=/pins/%%h'));
  });

  it('is loaded from an environment only with a known_hosts file', () => {
    const env = (executor: string): string =>
      `name: t\nnodes:\n  - name: n1\n    address: 10.0.0.1\n    executor: ${executor}\nservices: {}\nscope:\n  nodes: [n1]\n`;
    const loaded = parseEnvironment(env('{ kind: ssh, host: n1.example.org, knownHostsFile: /etc/pins }'), 'env.yaml');
    assert.deepEqual(loaded.nodes[0]?.executor, { kind: 'ssh', host: 'n1.example.org', user: 'root', port: 22, knownHostsFile: '/etc/pins' });
    assert.throws(() => parseEnvironment(env('{ kind: ssh, host: n1.example.org }'), 'env.yaml'), (e: unknown) => e instanceof BadInput && /knownHostsFile/.test(e.message) && /ssh-keyscan -p 22 n1\.example\.org/.test(e.message));
    assert.throws(() => parseEnvironment(env('{ kind: ssh, host: h, port: 0, knownHostsFile: /p }'), 'env.yaml'), BadInput);
  });
});
