/**
 * The container image of scs-chaos (ci/image/build.sh, docs/decisions/0150):
 * - oci_layout_tar (ci/image/oci-layout.sh) writes a layout that the checks of oci-layout.ts accept, and those
 *   checks refuse a copy with one byte changed (no root needed);
 * - the image (built when not cached, 1-2 min; `.ci/run` builds it before the tests) is an OCI layout with one
 *   gzip layer whose config runs the project's entry point as 10001, and a second build is a cache hit;
 * - it runs: imported into a private containerd (test/ci/private-containerd.ts) by the lab's own import
 *   (lab/kubernetes/chaos-image.ts: once, skipped when present), its entry point runs as uid 10001, and `--help`
 *   prints the usage.
 * Root only (mmdebstrap, containerd); under CI=true it never skips, so a missing tool fails.
 */
import { after, before, describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readOciLayout, tarEntries } from './oci-layout';
import { onPath } from '../support/on-path';
import { startPrivateContainerd, type PrivateContainerd } from './private-containerd';
import { importChaosImage } from '../../lab/kubernetes/chaos-image';
import type { LabKubernetesPlan } from '../../lab/kubernetes/plan';

const REPO = join(__dirname, '..', '..');
const BUILD = join(REPO, 'ci', 'image', 'build.sh');
const OCI_LAYOUT = join(REPO, 'ci', 'image', 'oci-layout.sh');
const USER_ID = 10001;

/** What build.sh prints as its last line. */
interface Built {
  image: string;
  tarball: string;
  bytes: number;
  seconds: number;
  cached: boolean;
}

async function build(): Promise<Built> {
  const { stdout } = await promisify(execFile)('bash', [BUILD], { cwd: REPO, timeout: 600_000, maxBuffer: 16 * 1024 * 1024 });
  const last = stdout.trim().split('\n').pop() ?? '';
  return JSON.parse(last) as Built;
}

/** flipByte inverts one byte of a file in place. */
function flipByte(file: string, position: number): void {
  const fd = openSync(file, 'r+');
  try {
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, position);
    byte[0] = (byte[0] ?? 0) ^ 0xff;
    writeSync(fd, byte, 0, 1, position);
  } finally {
    closeSync(fd);
  }
}

const missingTools = ['mmdebstrap', 'containerd', 'ctr', 'runc'].filter((tool) => !onPath(tool));
const skip = process.env.CI
  ? false
  : process.getuid?.() !== 0
    ? 'needs root (mmdebstrap, containerd)'
    : missingTools.length > 0
      ? `needs ${missingTools.join(', ')} (bash lab/install-packages.sh --with-image --with-kubernetes)`
      : false;

test('oci_layout_tar writes a layout the checks accept, and they refuse a copy with one byte changed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'scs-chaos-oci-'));
  try {
    mkdirSync(join(dir, 'root', 'etc'), { recursive: true });
    writeFileSync(join(dir, 'root', 'etc', 'hello'), 'hello\n');
    const out = join(dir, 'image.tar');
    execFileSync('bash', ['-c', `set -e; . "$1"; tar -C "$2/root" -cf "$2/layer.tar" .; oci_layout_tar "$3" test.local/hello:1 "$2/layer.tar" '{"Cmd":["cat","/etc/hello"]}' gzip`, 'x', OCI_LAYOUT, dir, out]);
    const image = await readOciLayout(out);
    assert.equal(image.name, 'test.local/hello:1');
    assert.deepEqual(image.config.config, { Cmd: ['cat', '/etc/hello'] });
    assert.equal(image.manifest.layers.length, 1);
    assert.equal(image.manifest.layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');

    const layer = (await tarEntries(out)).get(`blobs/sha256/${image.manifest.layers[0]?.digest.replace('sha256:', '')}`);
    assert.ok(layer);
    flipByte(out, layer.offset + 20);
    await assert.rejects(readOciLayout(out), /layer 0 blob's digest is sha256:[0-9a-f]{64}, its descriptor says/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the scs-chaos image', { skip, timeout: 900_000 }, () => {
  let built: Built;
  before(async () => {
    built = await build();
  });

  it('is an OCI layout with one gzip layer that runs the project as 10001, named by version and input key', async () => {
    const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
    assert.match(built.image, new RegExp(`^localhost/scs-chaos:${version.replace(/\./g, '\\.')}-[0-9a-f]{12}$`));
    assert.match(built.tarball, /\/scs-chaos\/image\/[0-9a-f]{12}\/scs-chaos\.tar$/);
    const image = await readOciLayout(built.tarball);
    assert.equal(image.name, built.image);
    assert.deepEqual(image.manifest.layers.map((layer) => layer.mediaType), ['application/vnd.oci.image.layer.v1.tar+gzip']);
    assert.equal(image.config.config.User, `${USER_ID}:${USER_ID}`);
    assert.deepEqual(image.config.config.Entrypoint, ['/usr/bin/node', '/opt/scs-chaos/bin/scs-chaos.js']);
    // ~110 MiB measured; bounds that catch a lost layer or a doubled one
    assert.ok(built.bytes > 30 * 1024 * 1024 && built.bytes < 400 * 1024 * 1024, `${built.bytes} bytes`);
  });

  it('comes from the cache the second time', async () => {
    const again = await build();
    assert.equal(again.cached, true);
    assert.equal(again.tarball, built.tarball);
    assert.equal(again.bytes, built.bytes);
    assert.ok(again.seconds < 5, `a cached build took ${again.seconds} s`);
  });

  describe('in a private containerd', () => {
    let containerd: PrivateContainerd;
    before(async () => {
      containerd = await startPrivateContainerd();
    });
    after(async () => {
      await containerd?.stop();
    });

    it("imports through the lab's import (once), runs its entry point as uid 10001, and prints the usage with --help", async () => {
      // a lab plan with one node whose containerd is the private one: what `lab up` runs for every node
      const plan = { nodes: [{ node: { name: 'private' }, containerdSocket: containerd.socket }] } as unknown as LabKubernetesPlan;
      const lines: string[] = [];
      await importChaosImage(plan, Promise.resolve(), (line) => lines.push(line));
      assert.equal(lines.length, 1, lines.join('\n'));
      assert.match(lines[0] ?? '', new RegExp(`^kubernetes: image ${built.image.replace(/\./g, '\\.')} imported into private in \\S+$`));
      console.log(lines[0]);
      await importChaosImage(plan, Promise.resolve(), (line) => lines.push(line));
      assert.equal(lines.length, 1, `a second import: ${lines.join('\n')}`);
      assert.ok((await containerd.ctr(['images', 'ls', '-q'])).stdout.split('\n').includes(built.image));
      // ctr run replaces the whole command when given one: the entry point alone first (scs-chaos without a command
      // says so, exit 2), with a preloaded module that reports the uid and gid of that same node process.
      const entry = await containerd.run(built.image, `entry-${process.pid}`, [], {
        env: { NODE_OPTIONS: "--import=data:text/javascript,console.log('uid='+process.getuid()+'/gid='+process.getgid())" },
      });
      assert.equal(entry.code, 2, `${entry.stdout}${entry.stderr}`);
      assert.match(entry.stdout, new RegExp(`^uid=${USER_ID}/gid=${USER_ID}$`, 'm'));
      assert.match(entry.stderr, /^scs-chaos: no command given/m);
      const help = await containerd.run(built.image, `help-${process.pid}`, ['node', '/opt/scs-chaos/bin/scs-chaos.js', '--help']);
      assert.equal(help.code, 0, help.stderr);
      assert.match(help.stdout, /^usage: scs-chaos <command>/m);
    });
  });
});
