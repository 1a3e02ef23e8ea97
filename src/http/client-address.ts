import ipaddr from 'ipaddr.js';

/** A parsed list of addresses and CIDR ranges (`10.0.0.0/8`, `127.0.0.1`, `::1`). */
export class AddressList {
  private readonly ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][];

  constructor(readonly entries: readonly string[]) {
    this.ranges = entries.map(parseRange);
  }

  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) is in one of the ranges. */
  has(address: string): boolean {
    const addr = parseAddress(address);
    if (!addr) return false;
    return this.ranges.some(([net, bits]) => net.kind() === addr.kind() && addr.match(net, bits));
  }
}

/** Whether `entry` is an address or CIDR range AddressList accepts (config validation). */
export function isAddressOrRange(entry: string): boolean {
  try {
    parseRange(entry);
    return true;
  } catch {
    return false;
  }
}

function parseRange(entry: string): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (!entry.includes('/')) {
    const addr = ipaddr.process(entry);
    return [addr, addr.kind() === 'ipv4' ? 32 : 128];
  }
  const [net, bits] = ipaddr.parseCIDR(entry);
  // ::ffff:a.b.c.d/n is the IPv4 range a.b.c.d/(n-96): addresses are compared as plain IPv4.
  if (net.kind() === 'ipv6' && (net as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96)
    return [(net as ipaddr.IPv6).toIPv4Address(), bits - 96];
  return [net, bits];
}

/** The address, with IPv4-mapped IPv6 (`::ffff:1.2.3.4`) as plain IPv4; undefined when it is none. */
function parseAddress(address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  try {
    return ipaddr.process(address.trim());
  } catch {
    return undefined;
  }
}

/**
 * The client's address: the socket's, unless the socket is a trusted proxy; then the
 * `X-Forwarded-For` entries are read from the right (the nearest hop first), skipping trusted
 * proxies, and the first other one is the client. A malformed entry ends the walk there (the
 * last trusted hop's view is kept). IPv4-mapped IPv6 is given as plain IPv4.
 */
export function clientAddress(socketAddress: string, forwardedFor: string | undefined, trusted: AddressList): string {
  const socket = parseAddress(socketAddress)?.toString() ?? socketAddress;
  if (!forwardedFor || !trusted.has(socket)) return socket;
  let client = socket;
  const hops = forwardedFor.split(',').map((h) => h.trim());
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseAddress(hops[i] as string);
    if (!hop) break;
    client = hop.toString();
    if (!trusted.has(client)) break;
  }
  return client;
}
