import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { seed000Mount, ownerOf, seed000Router } from '../../../src/api/compat/seed000';
import { compatHarness } from '../../support/api';
import { call } from '../../support/http-from';
import { silentLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';
import { testPlugins, testRuntime } from '../../support/runtime';
import { installMounts } from '../../../src/api/compat/mount';

const t = useTestDatabase(__filename);

/**
 * The seed's clients send no credentials. A platform may admit callers by address instead
 * (allow-list, checked on the socket address, or on X-Forwarded-For from a trusted proxy);
 * requests below are the seed's examples as written, without X-Platform-Key. Clients come from
 * different loopback addresses over real sockets.
 */
describe('seed 000 without a key: platforms that admit callers by address', () => {
  const GY_KEY = 'gy-platform-key-0123456789abcdef';
  const PLATFORMS = [
    { id: 'frxs', key: 'frxs-platform-key-0123456789abcdef', allowFrom: ['127.0.0.5/32'] },
    { id: 'star_chain', allowFrom: ['127.0.0.6', '127.0.0.5'] },
    { id: 'gy', key: GY_KEY },
  ];
  let base: string;
  let server: http.Server;

  beforeAll(async () => {
    const runtime = testRuntime(t.db);
    const plugins = testPlugins(t.db);
    // A star_chain user with a robot that never logged in: host_list answers an empty list.
    await runtime.manager.create({ name: 'star robot', owner: ownerOf('star_chain', '13600000000') });
    const h = await compatHarness(t.db, {
      routers: () => [
        seed000Router({ runtime, signIn: plugins.services['sign-in'].signIn, platforms: PLATFORMS, log: silentLog }),
      ],
      prepare: (app, routers) => installMounts(app, [seed000Mount(routers)]),
      trustedProxies: ['127.0.0.1'],
    });
    server = http.createServer(h.server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test('when an allowed address calls as the seed shows, without a key, then it is answered as its platform', async () => {
    const list = await call(base, '127.0.0.6', 'GET', '/robot/platform_user_list?platform_id=star_chain');
    expect(list).toMatchObject({ status: 200, body: { ret: 0, login_user_list: [] } });
    const hosts = await call(base, '127.0.0.6', 'GET', '/robot/host_list?username=13600000000');
    expect(hosts).toMatchObject({ status: 200, body: { ret: 0, data: [] } });
  });

  test('when an address no platform allows calls without a key, then 401 missing_key', async () => {
    const res = await call(base, '127.0.0.7', 'GET', '/robot/host_list?username=13600000000');
    expect(res).toMatchObject({ status: 401, body: { ret: -1, code: 'missing_key' } });
  });

  test('when the address is allowed for another platform than the one named, then 403 platform_mismatch', async () => {
    const res = await call(base, '127.0.0.6', 'GET', '/robot/platform_user_list?platform_id=frxs');
    expect(res).toMatchObject({ status: 403, body: { ret: -1, code: 'platform_mismatch' } });
  });

  test('when several platforms admit the address, then the request must name one', async () => {
    const vague = await call(base, '127.0.0.5', 'GET', '/robot/host_list?username=13600000000');
    expect(vague).toMatchObject({ status: 400, body: { ret: -1, code: 'platform_required' } });
    const named = await call(base, '127.0.0.5', 'GET', '/robot/host_list?username=13600000000&platform_id=star_chain');
    expect(named).toMatchObject({ status: 200, body: { ret: 0, data: [] } });
  });

  test('when a trusted proxy forwards an allowed client, then X-Forwarded-For counts; from anyone else it does not', async () => {
    const viaProxy = await call(base, '127.0.0.1', 'GET', '/robot/platform_user_list?platform_id=star_chain', {
      headers: { 'X-Forwarded-For': '127.0.0.6' },
    });
    expect(viaProxy.status).toBe(200);
    const spoofed = await call(base, '127.0.0.8', 'GET', '/robot/platform_user_list?platform_id=star_chain', {
      headers: { 'X-Forwarded-For': '127.0.0.6' },
    });
    expect(spoofed).toMatchObject({ status: 401, body: { code: 'missing_key' } });
  });

  test('when a key is sent, then it decides, from any address', async () => {
    const res = await call(base, '127.0.0.8', 'GET', '/robot/platform_user_list', {
      headers: { 'X-Platform-Key': GY_KEY },
    });
    expect(res).toMatchObject({ status: 200, body: { ret: 0 } });
    const wrong = await call(base, '127.0.0.6', 'GET', '/robot/platform_user_list', {
      headers: { 'X-Platform-Key': 'not-a-platform-key-0123456789' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'invalid_key' } });
  });
});
