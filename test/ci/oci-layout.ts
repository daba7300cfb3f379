/**
 * readOciLayout: reads an OCI image layout tarball (what ci/image/oci-layout.sh writes) without unpacking it and
 * checks it the way a runtime would: `oci-layout` says 1.0.0, index.json names one manifest, every descriptor's
 * digest and size match its blob, and each layer's diff_id is the digest of the layer uncompressed. Throws naming
 * the first thing that does not hold. Reads tar headers only and streams the blobs: a 100 MiB image stays on disk.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** A regular file inside the tarball: where its data starts and how long it is. */
export interface TarEntry {
  name: string;
  offset: number;
  size: number;
}

export interface OciDescriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

/** OciImage: the parts of one image a test looks at. */
export interface OciImage {
  /** The image name ctr registers (annotation io.containerd.image.name). */
  name: string | undefined;
  manifest: { layers: OciDescriptor[]; config: OciDescriptor };
  config: { config: Record<string, unknown>; rootfs: { diff_ids: string[] } };
  /** Every entry of the tarball by name (blobs/sha256/<hex>, index.json, oci-layout). */
  entries: Map<string, TarEntry>;
}

const BLOCK = 512;

/** tarEntries lists the regular files of an uncompressed tar (ustar/GNU names up to 255 characters). */
export async function tarEntries(file: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const handle = await open(file, 'r');
  try {
    const header = Buffer.alloc(BLOCK);
    for (let offset = 0; ; ) {
      const { bytesRead } = await handle.read(header, 0, BLOCK, offset);
      if (bytesRead < BLOCK || header.every((byte) => byte === 0)) break;
      const field = (start: number, length: number): string => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
      const size = parseInt(field(124, 12).trim() || '0', 8);
      const prefix = field(345, 155);
      const name = (prefix ? `${prefix}/` : '') + field(0, 100);
      const type = field(156, 1) || '0';
      if (type === '0') entries.set(name.replace(/^\.\//, ''), { name, offset: offset + BLOCK, size });
      offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    }
  } finally {
    await handle.close();
  }
  return entries;
}

/** readEntry: one entry's bytes (for the small JSON files). */
export async function readEntry(file: string, entry: TarEntry): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const data = Buffer.alloc(entry.size);
    await handle.read(data, 0, entry.size, entry.offset);
    return data;
  } finally {
    await handle.close();
  }
}

/** entryDigest: `sha256:<hex>` of an entry's bytes, or of them gunzipped; streamed (a read or gunzip error rejects). */
export async function entryDigest(file: string, entry: TarEntry, gunzip = false): Promise<string> {
  const hash = createHash('sha256');
  const consume = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) hash.update(chunk);
  };
  if (entry.size > 0) {
    const raw = createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 });
    await (gunzip ? pipeline(raw, createGunzip(), consume) : pipeline(raw, consume));
  }
  return `sha256:${hash.digest('hex')}`;
}

/** readOciLayout: the image in the tarball, checked (see the file's comment). */
export async function readOciLayout(file: string): Promise<OciImage> {
  const entries = await tarEntries(file);
  const json = async (name: string): Promise<unknown> => {
    const entry = entries.get(name);
    if (!entry) throw new Error(`${file}: no ${name} (entries: ${[...entries.keys()].join(', ')})`);
    return JSON.parse((await readEntry(file, entry)).toString('utf8'));
  };
  const blob = async (descriptor: OciDescriptor, what: string): Promise<TarEntry> => {
    const entry = entries.get(`blobs/sha256/${descriptor.digest.replace(/^sha256:/, '')}`);
    if (!entry) throw new Error(`${file}: the ${what} blob ${descriptor.digest} is missing`);
    if (entry.size !== descriptor.size) throw new Error(`${file}: the ${what} blob is ${entry.size} bytes, its descriptor says ${descriptor.size}`);
    const digest = await entryDigest(file, entry);
    if (digest !== descriptor.digest) throw new Error(`${file}: the ${what} blob's digest is ${digest}, its descriptor says ${descriptor.digest}`);
    return entry;
  };
  const layout = (await json('oci-layout')) as { imageLayoutVersion?: string };
  if (layout.imageLayoutVersion !== '1.0.0') throw new Error(`${file}: oci-layout says ${JSON.stringify(layout)}, expected imageLayoutVersion 1.0.0`);
  const index = (await json('index.json')) as { manifests: OciDescriptor[] };
  if (index.manifests.length !== 1) throw new Error(`${file}: index.json names ${index.manifests.length} manifests, expected 1`);
  const top = index.manifests[0] as OciDescriptor;
  const manifest = JSON.parse((await readEntry(file, await blob(top, 'manifest'))).toString('utf8')) as OciImage['manifest'];
  const config = JSON.parse((await readEntry(file, await blob(manifest.config, 'config'))).toString('utf8')) as OciImage['config'];
  if (config.rootfs.diff_ids.length !== manifest.layers.length) throw new Error(`${file}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`);
  for (const [i, layer] of manifest.layers.entries()) {
    const entry = await blob(layer, `layer ${i}`);
    const diffId = await entryDigest(file, entry, layer.mediaType.endsWith('+gzip'));
    if (diffId !== config.rootfs.diff_ids[i]) throw new Error(`${file}: layer ${i} uncompressed is ${diffId}, its diff_id says ${config.rootfs.diff_ids[i]}`);
  }
  return { name: top.annotations?.['io.containerd.image.name'], manifest, config, entries };
}
