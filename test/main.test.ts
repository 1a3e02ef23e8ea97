import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { start } from '../src/main';
import { testMongoUri, uniqueDbName } from './support/mongo';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('main', () => {
  test('when started with MONGODB_URI, then it serves /readyz 200 and stops cleanly', async () => {
    const { url, stop } = await start({
      NODE_ENV: 'test',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/qb_main_start`,
      PORT: '0',
      // A key of its own, so the test run does not print a generated one.
      QUNBOT_ADMIN_KEY: 'test-admin-key-of-the-start-test-0123',
      QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
    });
    try {
      const res = await request(url).get('/readyz');
      expect(res.status).toBe(200);
    } finally {
      await stop();
    }
    await expect(request(url).get('/healthz')).rejects.toThrow(/ECONNREFUSED/);
  });

  test('when a config value is invalid, then the process exits non-zero naming the key', async () => {
    const { code, stderr } = await run({ NODE_ENV: 'test', PORT: 'not-a-port', MONGODB_URI: testMongoUri() });
    expect(code).toBe(1);
    expect(stderr).toContain('http.port (from PORT="not-a-port")');
  });
  test('when started the first time without QUNBOT_ADMIN_KEY and QUNBOT_ADMIN_PASSWORD, then an admin key and an admin operator password are printed once and work; the next start prints none', async () => {
    const env = {
      NODE_ENV: 'test',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${uniqueDbName('first_key')}`,
      PORT: '0',
    };
    const printed: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      printed.push(String(chunk));
      return true;
    });
    let first: Awaited<ReturnType<typeof start>> | undefined;
    let second: Awaited<ReturnType<typeof start>> | undefined;
    try {
      first = await start(env);
      const key = /(qb_[\w-]{43})/.exec(printed.join(''))?.[1];
      expect(key).toBeDefined();
      expect((await request(first.url).get('/api/v1/robots').set('Authorization', `Bearer ${key}`)).status).toBe(200);
      expect((await request(first.url).get('/api/v1/robots')).status).toBe(401);
      const password = /operator "admin" with the password[^\n]*\n\s+(\S+)/.exec(printed.join(''))?.[1];
      expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
      const signedIn = await request(first.url).post('/api/v1/sessions').send({ username: 'admin', password });
      expect([signedIn.status, signedIn.body.mustChangePassword]).toEqual([201, true]);
      await first.stop();
      first = undefined;
      printed.length = 0;
      second = await start(env);
      expect(printed.join('')).not.toMatch(/qb_|password/);
    } finally {
      spy.mockRestore();
      await first?.stop();
      await second?.stop();
    }
  });

  test('when QUNBOT_ADMIN_KEY is set, then that key is the admin key', async () => {
    const adminKey = 'test-admin-key-from-env-0123456789';
    const { url, stop } = await start({
      NODE_ENV: 'test',
      MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/qb_main_env_key`,
      PORT: '0',
      QUNBOT_ADMIN_KEY: adminKey,
      QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
    });
    try {
      expect(
        (
          await request(url)
            .post('/api/v1/api-keys')
            .set('Authorization', `Bearer ${adminKey}`)
            .send({ name: 'k', owner: 'o' })
        ).status,
      ).toBe(201);
      expect(
        (await request(url).get('/api/v1/robots').set('Authorization', 'Bearer wrong-key-0123456789')).status,
      ).toBe(401);
    } finally {
      await stop();
    }
  });
});
