import { AddressList, clientAddress, isAddressOrRange } from '../../src/http/client-address';

describe('AddressList', () => {
  const list = new AddressList(['10.0.0.0/8', '192.168.1.7', '::1', 'fd00::/8', '::ffff:172.16.0.0/108']);
  test.each([
    ['10.1.2.3', true],
    ['::ffff:10.1.2.3', true],
    ['11.0.0.1', false],
    ['192.168.1.7', true],
    ['192.168.1.8', false],
    ['::1', true],
    ['fd12::5', true],
    ['fe80::1', false],
    ['172.16.5.5', true],
    ['172.32.0.1', false],
    ['not an address', false],
    ['', false],
  ])('when the address is %j, then it is listed: %p', (address, listed) => {
    expect(list.has(address)).toBe(listed);
  });

  test.each([
    ['10.0.0.0/8', true],
    ['127.0.0.1', true],
    ['::1', true],
    ['10.0.0.0/33', false],
    ['example.com', false],
    ['', false],
  ])('when a config entry is %j, then it is accepted: %p', (entry, ok) => {
    expect(isAddressOrRange(entry)).toBe(ok);
  });
});

describe('clientAddress', () => {
  const proxies = new AddressList(['127.0.0.1', '10.0.0.0/8']);
  test.each([
    ['no proxy trusted: the socket', '203.0.113.9', '198.51.100.1', new AddressList([]), '203.0.113.9'],
    ['a mapped socket address is plain IPv4', '::ffff:203.0.113.9', undefined, proxies, '203.0.113.9'],
    ['an untrusted socket: X-Forwarded-For ignored', '203.0.113.9', '198.51.100.1', proxies, '203.0.113.9'],
    ['a trusted proxy: its client', '127.0.0.1', '198.51.100.1', proxies, '198.51.100.1'],
    [
      'two trusted hops: the first untrusted from the right',
      '::ffff:127.0.0.1',
      '198.51.100.1, 10.2.3.4',
      proxies,
      '198.51.100.1',
    ],
    ['a spoofed left entry is not believed', '127.0.0.1', '1.1.1.1, 198.51.100.1', proxies, '198.51.100.1'],
    ['only trusted hops: the leftmost', '127.0.0.1', '10.9.9.9', proxies, '10.9.9.9'],
    ['a malformed hop ends the walk', '127.0.0.1', '198.51.100.1, junk', proxies, '127.0.0.1'],
    ['a trusted proxy without the header: the socket', '127.0.0.1', undefined, proxies, '127.0.0.1'],
  ])('when %s, then the client is right', (_case, socket, xff, trusted, client) => {
    expect(clientAddress(socket, xff, trusted)).toBe(client);
  });
});
