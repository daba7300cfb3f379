/**
 * IPv4 arithmetic for the lab's address checks: parse CIDR ranges and test membership. Pure functions.
 */

/** Cidr: an IPv4 range as its network number (32-bit unsigned) and prefix length. */
export interface Cidr {
  text: string;
  network: string;
  prefixLength: number;
}

/** ipv4ToNumber converts dotted-quad text to a 32-bit unsigned number; throws on anything else. */
export function ipv4ToNumber(address: string): number {
  const parts = address.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) {
    throw new Error(`"${address}" is not an IPv4 address`);
  }
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

/** parseCidr reads "a.b.c.d/n"; throws when the text is no IPv4 range. */
export function parseCidr(text: string): Cidr {
  const [network, prefix, extra] = text.split('/');
  const prefixLength = Number(prefix);
  if (network === undefined || prefix === undefined || extra !== undefined || !/^\d{1,2}$/.test(prefix) || prefixLength > 32) {
    throw new Error(`"${text}" is not an IPv4 range like 198.18.0.0/24`);
  }
  ipv4ToNumber(network);
  return { text, network, prefixLength };
}

/** cidrContains tells whether `address` lies inside `range`. */
export function cidrContains(range: Cidr, address: string): boolean {
  const size = 2 ** (32 - range.prefixLength);
  const start = Math.floor(ipv4ToNumber(range.network) / size) * size;
  const value = ipv4ToNumber(address);
  return value >= start && value < start + size;
}

/** numberToIpv4 converts a 32-bit unsigned number to dotted-quad text. */
export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** addressAfter returns the first address after the end of `range` plus `offset` (e.g. 1 for the block's first host). */
export function addressAfter(range: Cidr, offset: number): string {
  const size = 2 ** (32 - range.prefixLength);
  const start = Math.floor(ipv4ToNumber(range.network) / size) * size;
  return numberToIpv4(start + size + offset);
}
