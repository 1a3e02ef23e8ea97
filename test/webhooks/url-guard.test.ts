import type { LookupAddress } from 'node:dns';
import { AppError } from '../../src/http/errors';
import { checkCallbackUrl, UrlGuard, UrlRefusedError } from '../../src/webhooks/url-guard';

/** A DNS of our own: names to answers (anything else does not resolve). */
function fakeDns(table: Record<string, string[]>) {
  return async (host: string): Promise<LookupAddress[]> => {
    const ips = table[host];
    if (!ips) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    return ips.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

const dns = fakeDns({
  'public.example': ['93.184.216.34'],
  'mixed.example': ['93.184.216.34', '10.0.0.7'],
  'v6private.example': ['fd00::5'],
  'meta.example': ['169.254.169.254'],
  'internal.example': ['192.168.3.4'],
});

async function refusal(guard: UrlGuard, url: string): Promise<string | undefined> {
  try {
    await guard.check(url);
    return undefined;
  } catch (err) {
    if (err instanceof UrlRefusedError) return err.code;
    throw err;
  }
}

describe('UrlGuard.check with an empty allow list', () => {
  const guard = new UrlGuard([], dns);
  test.each([
    ['https://public.example/hook', undefined],
    ['http://93.184.216.34:8080/x', undefined],
    ['http://127.0.0.1/x', 'callback_url_forbidden'],
    ['http://[::1]/x', 'callback_url_forbidden'],
    ['http://[::ffff:127.0.0.1]/x', 'callback_url_forbidden'],
    ['http://[::127.0.0.1]:8080/h', 'callback_url_forbidden'],
    ['http://[::10.0.0.1]/', 'callback_url_forbidden'],
    ['http://[64:ff9b::7f00:1]/', 'callback_url_forbidden'],
    ['http://[2002:7f00:1::1]/', 'callback_url_forbidden'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', 'callback_url_forbidden'],
    ['http://169.254.169.254/latest/meta-data', 'callback_url_forbidden'],
    ['http://[fd00:ec2::254]/', 'callback_url_forbidden'],
    ['http://10.0.0.1/', 'callback_url_forbidden'],
    ['http://172.16.5.5/', 'callback_url_forbidden'],
    ['http://192.168.0.10/', 'callback_url_forbidden'],
    ['http://100.64.1.1/', 'callback_url_forbidden'],
    ['http://[fc00::1]/', 'callback_url_forbidden'],
    ['http://[fe80::1]/', 'callback_url_forbidden'],
    ['http://0.0.0.0/', 'callback_url_forbidden'],
    ['http://2130706433/', 'callback_url_forbidden'],
    ['http://0x7f.1/', 'callback_url_forbidden'],
    ['http://mixed.example/', 'callback_url_forbidden'],
    ['http://v6private.example/', 'callback_url_forbidden'],
    ['http://meta.example/', 'callback_url_forbidden'],
    ['http://nowhere.example/', 'callback_url_unresolvable'],
    ['ftp://public.example/', 'callback_url_invalid'],
    ['file:///etc/passwd', 'callback_url_invalid'],
    ['http://user:pw@public.example/', 'callback_url_invalid'],
    ['not a url', 'callback_url_invalid'],
  ])('when the URL is %s, then the refusal is %s', async (url, code) => {
    expect(await refusal(guard, url)).toBe(code);
  });

  test('when the host is localhost (real DNS), then it is refused as loopback', async () => {
    expect(await refusal(new UrlGuard([]), 'http://localhost:3000/cb')).toBe('callback_url_forbidden');
  });
});

describe('UrlGuard.check with an allow list', () => {
  const guard = new UrlGuard(['internal.example', '10.0.0.0/8', '127.0.0.1'], dns);
  test.each([
    ['http://internal.example/', undefined],
    ['http://mixed.example/', undefined],
    ['http://127.0.0.1:9/', undefined],
    ['http://127.0.0.2:9/', 'callback_url_forbidden'],
    ['http://meta.example/', 'callback_url_forbidden'],
  ])('when the URL is %s, then the refusal is %s', async (url, code) => {
    expect(await refusal(guard, url)).toBe(code);
  });
});

describe('UrlGuard.lookup (used when connecting)', () => {
  const lookup = (guard: UrlGuard, host: string, all: boolean) =>
    new Promise<{ err: Error | null; address: unknown }>((resolve) =>
      guard.lookup(host, { all }, (err, address) => resolve({ err, address })),
    );

  test('when a name now resolves to a private address (DNS rebinding), then the connection is refused', async () => {
    let answer = '93.184.216.34';
    const guard = new UrlGuard([], async () => [{ address: answer, family: 4 }]);
    expect((await lookup(guard, 'rebind.example', false)).address).toBe('93.184.216.34');
    answer = '10.0.0.1';
    const r = await lookup(guard, 'rebind.example', true);
    expect(r.err).toBeInstanceOf(UrlRefusedError);
  });

  test('when asked for all addresses, then it answers a list', async () => {
    const r = await lookup(new UrlGuard([], dns), 'public.example', true);
    expect(r).toEqual({ err: null, address: [{ address: '93.184.216.34', family: 4 }] });
  });
});

describe('checkCallbackUrl', () => {
  test('when the URL is refused, then it throws a 400 AppError with the stable code and the field', async () => {
    const err = await checkCallbackUrl(new UrlGuard([], dns), 'http://10.1.1.1/x', 'callbackUrl').catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ status: 400, code: 'callback_url_forbidden', details: [{ path: 'callbackUrl' }] });
  });
});
