import ipaddr from 'ipaddr.js';

/** Cloud metadata endpoints, named explicitly (they also fall in refused ranges). */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '100.100.100.200']);

/**
 * Why an address may not be called, or undefined when it is a public unicast address.
 * IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry. Anything but plain
 * unicast (loopback, private, link-local, unique-local, CGNAT, multicast, reserved, NAT64, 6to4,
 * Teredo, IPv4-compatible ::/96...) is refused: deny by default.
 */
export function refusedAddress(ip: string): string | undefined {
  if (!ipaddr.isValid(ip)) return 'not an IP address';
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  const normal = addr.toNormalizedString();
  if (METADATA.has(normal) || METADATA.has(addr.toString())) return 'metadata';
  const range = addr.range();
  if (range !== 'unicast') return range;
  // IPv4-compatible IPv6 (::a.b.c.d, deprecated): URL parsers write [::127.0.0.1] as [::7f00:1],
  // which ipaddr.js calls unicast; it embeds an IPv4 address, so it is refused like NAT64 and 6to4.
  if (addr.kind() === 'ipv6' && addr.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return undefined;
}

const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/** One allow-list entry: a host name, an IP address or a CIDR range. */
export type AllowEntry = { host: string } | { range: [ipaddr.IPv4 | ipaddr.IPv6, number] };

/** Parses `webhooks.allowHosts`; throws naming a bad entry (checked at start-up). */
export function parseAllowList(entries: readonly string[]): AllowEntry[] {
  return entries.map((raw) => {
    const e = raw.trim().toLowerCase();
    if (e.includes('/')) {
      try {
        return { range: ipaddr.parseCIDR(e) };
      } catch {
        throw new Error(`webhooks.allowHosts: "${raw}" is not a valid CIDR range`);
      }
    }
    if (ipaddr.isValid(e)) {
      const a = ipaddr.parse(e);
      return { range: [a, a.kind() === 'ipv4' ? 32 : 128] as [ipaddr.IPv4 | ipaddr.IPv6, number] };
    }
    if (!/^[a-z0-9.-]+$/.test(e))
      throw new Error(`webhooks.allowHosts: "${raw}" is neither a host name, an IP address nor a CIDR range`);
    return { host: e.replace(/\.$/, '') };
  });
}

/** True when the host name itself is allow-listed. */
export function hostAllowed(list: readonly AllowEntry[], host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return list.some((e) => 'host' in e && e.host === h);
}

/** True when the address is in an allow-listed IP or range (mapped IPv4 compared as IPv4). */
export function addressAllowed(list: readonly AllowEntry[], ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  let addr = ipaddr.parse(ip);
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress())
    addr = (addr as ipaddr.IPv6).toIPv4Address();
  return list.some((e) => 'range' in e && e.range[0].kind() === addr.kind() && addr.match(e.range));
}
