import { addressAllowed, hostAllowed, parseAllowList, refusedAddress } from '../../src/webhooks/address';

describe('refusedAddress', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['100.100.100.200', 'metadata'],
    ['169.254.169.254', 'metadata'],
    ['169.254.1.1', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['fd00:ec2::254', 'metadata'],
    ['fe80::1', 'linkLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'metadata'],
    ['::ffff:7f00:1', 'loopback'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::1', '6to4'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::a00:1', 'ipv4Compatible'],
    ['::808:808', 'ipv4Compatible'],
    ['::ffff:0:7f00:1', 'rfc6145'],
    ['64:ff9b:1::7f00:1', 'rfc6052'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'teredo'],
    ['2002:7f00:1::1', '6to4'],
    ['not-an-ip', 'not an IP address'],
  ])('when the address is %s, then it is refused as %s', (ip, why) => {
    expect(refusedAddress(ip)).toBe(why);
  });

  test.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])(
    'when the address is public (%s), then it is allowed',
    (ip) => {
      expect(refusedAddress(ip)).toBeUndefined();
    },
  );
});

describe('allow list', () => {
  const list = parseAllowList(['Hooks.Internal.', '10.0.0.0/8', '127.0.0.1', '::1']);
  test.each([
    ['10.9.9.9', true],
    ['::ffff:10.9.9.9', true],
    ['11.0.0.1', false],
    ['127.0.0.1', true],
    ['127.0.0.2', false],
    ['::1', true],
    ['fe80::1', false],
  ])('when the address is %s, then allowed is %s', (ip, allowed) => {
    expect(addressAllowed(list, ip)).toBe(allowed);
  });

  test('when a host name is listed, then it matches without case or trailing dot, and only exactly', () => {
    expect(hostAllowed(list, 'hooks.internal')).toBe(true);
    expect(hostAllowed(list, 'HOOKS.internal.')).toBe(true);
    expect(hostAllowed(list, 'evil.hooks.internal')).toBe(false);
  });

  test.each(['10.0.0.0/33', 'exa mple', 'http://x'])(
    'when an entry is malformed (%s), then parsing throws naming it',
    (bad) => {
      expect(() => parseAllowList([bad])).toThrow(bad);
    },
  );
});
