import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { start } from '../../../src/main';
import { testMongoUri, uniqueDbName } from '../../support/mongo';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A seed 001 qrcode_url is handed to a person or embedded in a page: it must keep working when
 * qunbot restarts within the link's lifetime, and point at the public address behind a proxy.
 * Mock robots (PUPPET=mock) show a QR code half a second after they start.
 */
describe('seed 001 qrcode_url across a restart', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'qunbot-links-'));
  const ADMIN = 'qb_seed001-links-admin-key-0123456789';
  const env = {
    NODE_ENV: 'test',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${uniqueDbName('seed001_links')}`,
    PORT: '0',
    DATA_DIR: path.join(home, 'data'),
    QUNBOT_ADMIN_KEY: ADMIN,
    QUNBOT_ADMIN_PASSWORD: 'Test-admin-pass1',
    QUNBOT_PUBLIC_ORIGIN: 'https://bot.example.com/',
    PUPPET: 'mock',
    SEED001_ENABLED: 'true',
  };
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  test('when qunbot restarts, then a link from before still serves the QR code and names the public origin', async () => {
    const first = await start(env);
    let link: URL;
    try {
      const created = await request(first.url).post('/robots').send({ token: ADMIN, username: 'links' });
      const id = created.body.data.robot.id as string;
      const login = await request(first.url).post(`/robots/${id}/login`).send({ token: ADMIN });
      expect(login.body.retCode).toBe(0);
      link = new URL(login.body.data.qrcode_url);
      expect(link.origin).toBe('https://bot.example.com');
      expect(link.pathname).toBe(`/robots/${id}/qrcode`);
    } finally {
      await first.stop();
    }

    const second = await start(env);
    try {
      // The robot is desired running: the new process starts it, and the link waits for its new QR code.
      const res = await request(second.url)
        .get(link.pathname + link.search)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/png');
      expect((res.body as Buffer).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    } finally {
      await second.stop();
    }
  });
});
