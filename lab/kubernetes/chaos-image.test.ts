/**
 * How `lab up` finds the scs-chaos image (lab/kubernetes/chaos-image.ts): it asks ci/image/build.sh --cached-only,
 * which never builds; an empty cache gives a one-line note naming the tarball it looked for, and a tarball at that
 * path is then found. No root, no build, no containerd.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname } from 'node:path';
import { cachedChaosImage, imageOfBuildOutput } from './chaos-image';

test('imageOfBuildOutput reads the image and tarball of the last line only', () => {
  const line = '{"image":"localhost/scs-chaos:0.1.0-0123456789ab","tarball":"/c/0123456789ab/scs-chaos.tar","bytes":1,"seconds":0.1,"cached":true}';
  assert.deepEqual(imageOfBuildOutput(`image build: cached: 0.1 s\n${line}\n`), { image: 'localhost/scs-chaos:0.1.0-0123456789ab', tarball: '/c/0123456789ab/scs-chaos.tar' });
  assert.equal(imageOfBuildOutput(`${line}\nimage build: something after it`), undefined);
  assert.equal(imageOfBuildOutput('{"image":"x"}'), undefined);
  assert.equal(imageOfBuildOutput(''), undefined);
});

test('cachedChaosImage: a note naming the missing tarball, then the image once the tarball is there; never a build', async () => {
  const cache = mkdtempSync(`${tmpdir()}/scs-chaos-image-cache-`);
  try {
    const env = { ...process.env, SCS_CHAOS_IMAGE_CACHE: cache };
    const note = await cachedChaosImage(env);
    assert.equal(typeof note, 'string');
    assert.match(note as string, /^no scs-chaos image for the nodes \(localhost\/scs-chaos:\S+-[0-9a-f]{12} is not cached/);
    const tarball = /\((\/\S+\/[0-9a-f]{12}\/scs-chaos\.tar)\)/.exec(note as string)?.[1];
    assert.ok(tarball !== undefined && tarball.startsWith(`${cache}/`), note as string);
    mkdirSync(dirname(tarball), { recursive: true });
    writeFileSync(tarball, '');
    const found = await cachedChaosImage(env);
    assert.equal(typeof found, 'object', String(found));
    assert.equal((found as { tarball: string }).tarball, tarball);
    assert.match((found as { image: string }).image, /^localhost\/scs-chaos:\S+-[0-9a-f]{12}$/);
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
});
