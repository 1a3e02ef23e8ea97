import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config';

const base = { NODE_ENV: 'development' } as NodeJS.ProcessEnv;

describe('loadConfig', () => {
  test('when nothing is set, then the defaults of default.json apply', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      env: 'development',
      http: { host: '127.0.0.1', port: 3000 },
      dataDir: 'data',
      log: { level: 'info', pretty: false },
    });
    expect(c.mongodb.uri).toBeUndefined();
  });

  test('when NODE_ENV=test, then test.json overrides the defaults', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).http.port).toBe(0);
  });

  test.each([
    ['PORT', '8080', (c: ReturnType<typeof loadConfig>) => c.http.port, 8080],
    ['HOST', '0.0.0.0', (c: ReturnType<typeof loadConfig>) => c.http.host, '0.0.0.0'],
    ['LOG_PRETTY', '1', (c: ReturnType<typeof loadConfig>) => c.log.pretty, true],
    ['LOG_PRETTY', 'off', (c: ReturnType<typeof loadConfig>) => c.log.pretty, false],
    ['LOG_LEVEL', 'debug', (c: ReturnType<typeof loadConfig>) => c.log.level, 'debug'],
    [
      'MONGODB_URI',
      'mongodb://u:p@db:27017/q',
      (c: ReturnType<typeof loadConfig>) => c.mongodb.uri,
      'mongodb://u:p@db:27017/q',
    ],
    ['MONGODB_EMBEDDED', 'secantus', (c: ReturnType<typeof loadConfig>) => c.mongodb.embedded, 'secantus'],
    ['DATA_DIR', '/var/lib/qunbot', (c: ReturnType<typeof loadConfig>) => c.dataDir, '/var/lib/qunbot'],
  ])('when %s=%s, then the config reflects it', (name, value, pick, expected) => {
    expect(pick(loadConfig({ ...base, [name]: value }))).toEqual(expected);
  });

  test.each([
    ['PORT', 'abc', 'http.port (from PORT="abc")'],
    ['PORT', '70000', 'http.port (from PORT="70000")'],
    ['LOG_LEVEL', 'loud', 'log.level (from LOG_LEVEL="loud")'],
    ['LOG_PRETTY', 'maybe', 'log.pretty (from LOG_PRETTY="maybe")'],
    ['NODE_ENV', 'staging', 'env (from NODE_ENV="staging")'],
    ['MONGODB_EMBEDDED', 'docker', 'mongodb.embedded'],
  ])('when %s=%s, then start-up stops naming the key', (name, value, expected) => {
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, [name]: value })).toThrow(expected);
  });

  test('when a secret is invalid, then the error names the key but not the value', () => {
    let message = '';
    try {
      loadConfig({ ...base, MONGODB_URI: 'http://hunter2@db' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('mongodb.uri (from MONGODB_URI)');
    expect(message).not.toContain('hunter2');
  });

  test.each([
    ['127.0.0.1, localhost,10.0.0.0/8', ['127.0.0.1', 'localhost', '10.0.0.0/8']],
    ['', []],
  ])('when QUNBOT_WEBHOOK_ALLOW_HOSTS is %j, then webhooks.allowHosts is %j', (value, hosts) => {
    expect(loadConfig({ ...base, QUNBOT_WEBHOOK_ALLOW_HOSTS: value }).webhooks.allowHosts).toEqual(hosts);
  });

  describe('with a config folder of its own', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qb-config-'));
      fs.copyFileSync(path.join(__dirname, '../../config/default.json'), path.join(dir, 'default.json'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    test('when a file holds a secret, then start-up refuses it', () => {
      fs.writeFileSync(path.join(dir, 'development.json'), JSON.stringify({ mongodb: { uri: 'mongodb://x/y' } }));
      expect(() => loadConfig(base, dir)).toThrow(/mongodb\.uri is a secret; set it only through MONGODB_URI/);
    });

    test('when a file has an unknown key, then start-up names it', () => {
      fs.writeFileSync(path.join(dir, 'development.json'), JSON.stringify({ http: { prot: 1 } }));
      expect(() => loadConfig(base, dir)).toThrow(/http: Unrecognized key: "prot"/);
    });

    test('when a file is not JSON, then start-up names the file', () => {
      fs.writeFileSync(path.join(dir, 'development.json'), '{ nope');
      expect(() => loadConfig(base, dir)).toThrow(/development\.json is not valid JSON/);
    });
  });

  test('when loaded, then the config is deeply frozen', () => {
    const c = loadConfig(base);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.http)).toBe(true);
    expect(() => {
      (c.http as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});
