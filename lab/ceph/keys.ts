/**
 * cephx keys and keyring files, written by the lab itself instead of one `ceph-authtool` run per key.
 * A cephx secret, as Ceph encodes it (CryptoKey::encode): u16 type (1 = AES), u32 seconds and u32 nanoseconds of
 * creation, u16 length (16), then 16 random bytes, all little-endian, base64-encoded: 40 characters "AQ...==".
 */
import { randomBytes } from 'node:crypto';

const CEPH_CRYPTO_AES = 1;
const SECRET_BYTES = 16;

/** cephxKey encodes `secret` (16 bytes, random by default) created at `createdMs` as a keyring's `key =` value. */
export function cephxKey(secret: Buffer = randomBytes(SECRET_BYTES), createdMs: number = Date.now()): string {
  if (secret.length !== SECRET_BYTES) throw new Error(`a cephx secret has ${SECRET_BYTES} bytes, not ${secret.length}`);
  const header = Buffer.alloc(12);
  header.writeUInt16LE(CEPH_CRYPTO_AES, 0);
  header.writeUInt32LE(Math.floor(createdMs / 1000), 2);
  header.writeUInt32LE((createdMs % 1000) * 1_000_000, 6);
  header.writeUInt16LE(SECRET_BYTES, 10);
  return Buffer.concat([header, secret]).toString('base64');
}

/** KeyringEntry: one entity of a keyring with its key and capabilities (service → capability string). */
export interface KeyringEntry {
  entity: string;
  key: string;
  caps?: Record<string, string>;
}

/** keyringText renders entries in Ceph's keyring format (the format `ceph-authtool` writes). */
export function keyringText(entries: readonly KeyringEntry[]): string {
  const lines: string[] = [];
  for (const { entity, key, caps } of entries) {
    lines.push(`[${entity}]`, `\tkey = ${key}`);
    for (const [service, cap] of Object.entries(caps ?? {})) lines.push(`\tcaps ${service} = "${cap}"`);
  }
  return `${lines.join('\n')}\n`;
}
