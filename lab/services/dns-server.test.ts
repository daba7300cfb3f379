/**
 * The lab's DNS server, run for real on 127.0.0.1 (a free port) and asked by Node's own resolver (c-ares) and by
 * glibc's (getent through a resolv.conf would need root; c-ares speaks the same wire format).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { Resolver } from 'node:dns/promises';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port';

describe('lab DNS server', () => {
  let server: ChildProcess;
  let resolver: Resolver;

  before(async () => {
    const port = await freePort();
    server = spawn(process.execPath, [join(__dirname, 'dns-server.js'), 'scs-lab-dns-test', '--listen', '127.0.0.1', '--port', String(port), '--record', 'web.lab=198.18.0.10', '--record', 'Node-1.lab.=198.18.0.11'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      server.stdout?.once('data', () => resolve());
      server.once('exit', (code) => reject(new Error(`dns-server exited ${code}`)));
    });
    resolver = new Resolver({ timeout: 1000, tries: 1 });
    resolver.setServers([`127.0.0.1:${port}`]);
  });
  after(() => {
    server.kill('SIGTERM');
  });

  it('answers A queries for its names, case-insensitively', async () => {
    assert.deepEqual(await resolver.resolve4('web.lab'), ['198.18.0.10']);
    assert.deepEqual(await resolver.resolve4('NODE-1.LAB'), ['198.18.0.11']);
  });

  it('NXDOMAIN for other names (nothing is forwarded), no records for other types of its names', async () => {
    await assert.rejects(resolver.resolve4('example.com'), { code: 'ENOTFOUND' });
    await assert.rejects(resolver.resolve6('web.lab'), { code: 'ENODATA' });
  });

  it('stops on SIGTERM with exit 0', async () => {
    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
