import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { RateLimiterMongo } from 'rate-limiter-flexible';
import { start } from '../../src/main';
import { AuthFailureLimiter, credentialKey } from '../../src/auth/auth-failure-limiter';
import { freePort } from '../../src/lib/free-port';
import { call, type Answer } from '../support/http-from';
import { memoryLog } from '../support/logger';
import { qunbotEnv, startLoggedQunbot } from '../support/qunbot-process';
import { testMongoUri, uniqueDbName, useTestDatabase } from '../support/mongo';

/**
 * Failed authentication is limited per client address and per credential prefix, at every door
 * (native API, seeds 000, 001, 003), with the counts in MongoDB. Clients come from different
 * loopback addresses (127.0.0.x: Linux routes the whole 127/8 to lo), so "another address" is a
 * real other socket address.
 */
const t = useTestDatabase(__filename);

describe('failed-authentication limit at every door of a running qunbot', () => {
  const ADMIN = 'qb_failed-auth-test-admin-key-0123456789';
  const PLATFORM_KEY = 'platform-key-of-frxs-0123456789';
  let qunbot: Awaited<ReturnType<typeof start>>;
  const dbName = uniqueDbName('auth_limit');
  const uri = `${testMongoUri().replace(/\/$/, '')}/${dbName}`;
  const env = {
    NODE_ENV: 'test',
    MONGODB_URI: uri,
    PORT: '0',
    QUNBOT_ADMIN_KEY: ADMIN,
    QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
    QUNBOT_AUTH_FAILURES_PER_ADDRESS: '3',
    QUNBOT_AUTH_FAILURES_PER_CREDENTIAL: '4',
    QUNBOT_AUTH_BLOCK_SEC: '120',
    QUNBOT_TRUSTED_PROXIES: '127.0.9.9',
    SEED001_ENABLED: 'true',
    SEED000_ENABLED: 'true',
    SEED000_PLATFORMS: JSON.stringify([{ id: 'frxs', key: PLATFORM_KEY }]),
    SEED003_ENABLED: 'true',
    SEED003_CHANNELS: JSON.stringify([{ chid: 'CH01', key: 'channel-key-0123456789' }]),
  };

  beforeAll(async () => {
    qunbot = await start(env);
  });
  afterAll(() => qunbot?.stop());

  const wrongKey = (i: number) => `qb_wrong-key-number-${i}-${'x'.repeat(30)}`;

  test('when one address sends wrong API keys past the limit, then it gets 429 with Retry-After even with the right key; another address is unaffected', async () => {
    const from = '127.0.0.2';
    for (let i = 0; i < 3; i++) {
      const res = await call(qunbot.url, from, 'GET', '/api/v1/robots', {
        headers: { Authorization: `Bearer ${wrongKey(i)}` },
      });
      expect(res.status).toBe(401);
    }
    const refused = await call(qunbot.url, from, 'GET', '/api/v1/robots', {
      headers: { Authorization: `Bearer ${wrongKey(3)}` },
    });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ error: { code: 'too_many_failures' } });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(120);
    // Blocked before the key is checked: the right key from there is refused too.
    const rightFromThere = await call(qunbot.url, from, 'GET', '/api/v1/robots', {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(rightFromThere.status).toBe(429);
    const rightElsewhere = await call(qunbot.url, '127.0.0.3', 'GET', '/api/v1/robots', {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(rightElsewhere.status).toBe(200);
    // A missing key is no guess: it is not counted.
    for (let i = 0; i < 5; i++) expect((await call(qunbot.url, '127.0.0.4', 'GET', '/api/v1/robots')).status).toBe(401);
  });

  test('when a browser keeps sending a stale session cookie, then each is a plain 401 that clears the cookie, and the address is not blocked', async () => {
    const from = '127.0.5.1';
    const json = { 'Content-Type': 'application/json' };
    const signIn = await call(qunbot.url, from, 'POST', '/api/v1/sessions', {
      headers: json,
      body: JSON.stringify({ username: 'admin', password: 'Test-admin-pass1' }),
    });
    expect(signIn.status).toBe(201);
    const cookie = String(signIn.headers['set-cookie']?.[0]).split(';')[0] as string;
    expect(cookie).toMatch(/^qunbot_session=qs_/);
    // Plain HTTP without a proxy: no Secure flag (the browser would drop it).
    expect(signIn.headers['set-cookie']?.[0]).not.toMatch(/secure/i);
    const out = await call(qunbot.url, from, 'DELETE', '/api/v1/sessions/current', {
      headers: { Cookie: cookie, 'X-CSRF-Token': String(signIn.body.csrfToken) },
    });
    expect(out.status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const stale = await call(qunbot.url, from, 'GET', '/api/v1/me', { headers: { Cookie: cookie } });
      expect(stale.status).toBe(401);
      expect(stale.headers['set-cookie']?.[0]).toMatch(/^qunbot_session=;.*expires=Thu, 01 Jan 1970/);
    }
    const key = await call(qunbot.url, from, 'GET', '/api/v1/robots', {
      headers: { Authorization: `Bearer ${ADMIN}` },
    });
    expect(key.status).toBe(200);
  });

  test('when a trusted TLS proxy forwards a sign-in with X-Forwarded-Proto https, then the cookie is Secure; from an untrusted client the header is ignored', async () => {
    const body = JSON.stringify({ username: 'admin', password: 'Test-admin-pass1' });
    const headers = { 'Content-Type': 'application/json', 'X-Forwarded-Proto': 'https', 'X-Forwarded-For': '10.0.0.7' };
    const proxied = await call(qunbot.url, '127.0.9.9', 'POST', '/api/v1/sessions', { headers, body });
    expect(proxied.status).toBe(201);
    expect(proxied.headers['set-cookie']?.[0]).toMatch(/; secure/i);
    const direct = await call(qunbot.url, '127.0.9.8', 'POST', '/api/v1/sessions', { headers, body });
    expect(direct.status).toBe(201);
    expect(direct.headers['set-cookie']?.[0]).not.toMatch(/secure/i);
  });

  test('when wrong keys with one prefix come from many addresses, then that prefix is refused everywhere while other keys still work', async () => {
    const prefix = 'qb_SAMEPREFIX';
    for (let i = 0; i < 4; i++) {
      const res = await call(qunbot.url, `127.0.1.${i + 1}`, 'GET', '/api/v1/robots', {
        headers: { 'X-Api-Key': `${prefix}-guess-${i}-${'y'.repeat(30)}` },
      });
      expect(res.status).toBe(401);
    }
    const refused = await call(qunbot.url, '127.0.1.9', 'GET', '/api/v1/robots', {
      headers: { 'X-Api-Key': `${prefix}-guess-9-${'y'.repeat(30)}` },
    });
    expect(refused.status).toBe(429);
    const other = await call(qunbot.url, '127.0.1.9', 'GET', '/api/v1/robots', {
      headers: { 'X-Api-Key': ADMIN },
    });
    expect(other.status).toBe(200);
  });

  test.each([
    [
      'seed 000',
      '127.0.2.1',
      (i: number) => ({
        method: 'GET',
        path: '/robot/host_list?username=u1',
        headers: { 'X-Platform-Key': `pk-${i}` },
      }),
      401,
      (a: Answer) => expect(a.body).toMatchObject({ ret: -1, code: 'too_many_failures' }),
    ],
    [
      'seed 001',
      '127.0.2.2',
      (i: number) => ({ method: 'GET', path: `/robots/0123456789abcdef01234567?token=${wrongKey(i)}`, headers: {} }),
      200,
      (a: Answer) => expect(a.body).toMatchObject({ retCode: 2000, errorMsg: expect.stringContaining('请求过于频繁') }),
    ],
    [
      'seed 003',
      '127.0.2.3',
      (i: number) => ({
        method: 'POST',
        path: '/api/botStatus',
        headers: {
          'Content-Type': 'application/json',
          'X-Ecaspsplus-Signature': `${i}`.padStart(32, '0'),
          'X-Ecaspsplus-SignatureType': 'MD5',
        },
        body: JSON.stringify({ reqHead: { chid: 'CH01', txcode: `T${i}`, txtime: '20261203120000' }, reqBody: {} }),
      }),
      401,
      (a: Answer) => expect(a.body).toMatchObject({ rtCode: '2007' }),
    ],
  ])(
    'when %s gets wrong credentials past the limit from one address, then it answers 429 in its own envelope with Retry-After',
    async (_door, from, request, failStatus, checkRefusal) => {
      for (let i = 0; i < 3; i++) {
        const r = request(i);
        const res = await call(qunbot.url, from, r.method, r.path, r);
        expect(res.status).toBe(failStatus);
      }
      const r = request(3);
      const refused = await call(qunbot.url, from, r.method, r.path, r);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      checkRefusal(refused);
    },
  );

  test('when a second qunbot process serves the same database, then it refuses the blocked address too', async () => {
    const port = await freePort();
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-auth-'));
    const child = startLoggedQunbot({ ...qunbotEnv(home, dbName), ...env, PORT: String(port) });
    try {
      await child.logged('qunbot started');
      const base = `http://127.0.0.1:${port}`;
      const blocked = await call(base, '127.0.0.2', 'GET', '/api/v1/robots', {
        headers: { Authorization: `Bearer ${ADMIN}` },
      });
      expect(blocked.status).toBe(429);
      const elsewhere = await call(base, '127.0.0.3', 'GET', '/api/v1/robots', { headers: { 'X-Api-Key': ADMIN } });
      expect(elsewhere.status).toBe(200);
    } finally {
      child.child.kill('SIGTERM');
      await child.exited;
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('the limiter itself', () => {
  test('when many failures come, then the log has one line per address and window and one per block, never the credential', async () => {
    const logs = memoryLog('debug');
    const limiter = new AuthFailureLimiter(
      t.db.connection,
      { perAddress: 5, perCredential: 100, windowSec: 60, blockSec: 60 },
      logs.log,
    );
    const secret = 'qb_secret-credential-that-must-not-be-logged';
    for (let i = 0; i < 20; i++)
      await limiter.failed({ door: 'native', address: '10.9.8.7', credential: `${secret}-${i}` });
    expect(logs.lines.filter((l) => l.level === 30)).toHaveLength(1);
    expect(logs.lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(JSON.stringify(logs.lines)).not.toContain('secret-credential');
    // Stored: the address and a hash of the credential prefix, never the credential.
    const stored = await t.db.connection.collection('auth_failures').find({}).toArray();
    expect(stored.map((d) => d.key)).toEqual(
      expect.arrayContaining(['addr:10.9.8.7', `cred:${credentialKey('native', secret)}`]),
    );
    expect(JSON.stringify(stored)).not.toContain('secret-credential');
  });

  test('when one client authenticates again within a second, then its counter is read once (no database trip per request)', async () => {
    const limiter = new AuthFailureLimiter(
      t.db.connection,
      { perAddress: 5, perCredential: 5, windowSec: 60, blockSec: 60 },
      memoryLog('debug').log,
    );
    const reads = jest.spyOn(RateLimiterMongo.prototype, 'get');
    try {
      const attempt = { door: 'native' as const, address: '10.7.7.7', credential: undefined };
      for (let i = 0; i < 5; i++) await limiter.check(attempt);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  test('when the database is unreachable, then attempts are let through (authentication still decides) and one warning is logged', async () => {
    const logs = memoryLog('debug');
    // Nothing listens on port 1; without buffering every operation fails at once.
    const closed = mongoose.createConnection('mongodb://127.0.0.1:1/none', {
      serverSelectionTimeoutMS: 200,
      bufferCommands: false,
    });
    await closed.asPromise().catch(() => undefined);
    const limiter = new AuthFailureLimiter(
      closed,
      { perAddress: 1, perCredential: 1, windowSec: 60, blockSec: 60 },
      logs.log,
    );
    const attempt = { door: 'native' as const, address: '10.0.0.1', credential: 'qb_x' };
    await expect(limiter.guard(attempt, () => null)).resolves.toBeNull();
    await expect(limiter.guard(attempt, () => null)).resolves.toBeNull();
    await expect(limiter.guard(attempt, () => ({ ok: true }))).resolves.toEqual({ ok: true });
    expect(logs.lines.filter((l) => l.level === 40)).toHaveLength(1);
    await closed.close();
  });
});
