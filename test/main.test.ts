import { spawn } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { start } from '../src/main';
import { testMongoUri } from './support/mongo';

const ROOT = path.resolve(__dirname, '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function run(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(TSX, ['src/main.ts'], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('main', () => {
  test('when started with MONGODB_URI, then it serves /readyz 200 and stops cleanly', async () => {
    const { url, stop } = await start({ NODE_ENV: 'test', MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/qb_main_start`, PORT: '0' });
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
});
