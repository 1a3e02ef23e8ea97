import request from 'supertest';
import { seed002Router, type Seed002Deps } from '../../../src/api/compat/seed002';
import { claimsOf } from '../../../src/api/compat/mount';
import { start, type Started } from '../../../src/main';
import { collectionFingerprints, testMongoUri, useTestDatabase } from '../../support/mongo';

/**
 * Every seed 002 route, called with both the platform's key and a group owner's token, gets
 * malformed bodies and queries, fields of the wrong shape and ids that are nobody's: each answer
 * is the seed envelope with one of its codes, never a 5xx, and nothing in the database changes.
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_seed002-robustness-admin-key-0';
const LISTED = new Set([1200, 1401, 1403, 1404, 1405, 1600, 2003]);
const FIELDS = [
  'union_id',
  'open_id',
  'robot_id',
  'group_ids',
  'cancel_reason',
  'welcome_msg',
  'remark_name',
  'group_codes',
  'keywords',
  'reply_content',
  'id',
  'alt_switch',
  'group_code',
  'mem_code',
  'content',
  'type',
  'code',
  'rcv_task_flag',
  'taskId',
  'groupIds',
  'command',
  'data',
  'message',
  'send_date',
  'status',
];
const HUGE = 'x'.repeat(70_000);
const WRONG: unknown[] = [{ $gt: '' }, [['a']], HUGE, -1, null];

/** Every method and path the dialect answers, read from its router (built over stand-in services). */
function routes(): { method: string; path: string }[] {
  const stub: unknown = new Proxy(() => stub, { get: () => stub, apply: () => stub });
  const deps = new Proxy({ prefix: '' } as Record<string, unknown>, {
    get: (target, key: string) => (key in target ? target[key] : stub),
  }) as unknown as Seed002Deps;
  return claimsOf([seed002Router(deps)]);
}

let qunbot: Started;
let platformKey: string;
let token: string;
beforeAll(async () => {
  qunbot = await start({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
    QUNBOT_ADMIN_KEY: ADMIN_KEY,
    QUNBOT_ADMIN_PASSWORD: 'Seed002-robust-pass1',
    SEED002_ENABLED: 'true',
    SEED002_OWNER: 'platform-x',
  });
  platformKey = (
    await request(qunbot.url)
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${ADMIN_KEY}`)
      .send({ name: 'p', owner: 'platform-x' })
  ).body.key;
  await qunbot.groupOwners.owners.register('platform-x', { unionId: 'union-robust' });
  token = (await request(qunbot.url).post('/auth').set('X-Api-Key', platformKey).send({ union_id: 'union-robust' }))
    .body.access_token;
});
afterAll(() => qunbot.stop());

/** Every collection but the failure counts and the key that was used. */
const snapshot = () => collectionFingerprints(t.db, ['auth_failures', 'apikeys']);

describe('robustness: malformed requests across every seed 002 route', () => {
  test('when a thousand and more malformed requests arrive with valid credentials, then each is a seed 002 code in the envelope, none a 5xx, and nothing is written', async () => {
    const all = routes();
    expect(all.length).toBeGreaterThanOrEqual(38);
    const before = await snapshot();
    const failures: string[] = [];
    const codes = new Map<number, number>();
    let sent = 0;
    const call = (method: string, path: string) =>
      (request(qunbot.url) as unknown as Record<string, (p: string) => request.Test>)[method.toLowerCase()]!(path)
        .set('X-Api-Key', platformKey)
        .set('Authorization', `Bearer ${token}`);
    const check = (label: string, res: request.Response) => {
      sent++;
      const code = Number(res.body?.code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (res.status >= 500 || !LISTED.has(code))
        failures.push(`${label} -> ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
    };
    for (const r of all) {
      const ids = ['ffffffffffffffffffffffff', 'x', '-1', HUGE.slice(0, 2000)];
      const paths = r.path.includes(':') ? ids.map((id) => r.path.replace(/:[a-z_]+/g, id)) : [r.path];
      for (const path of paths) {
        const label = `${r.method} ${r.path}`;
        for (const q of [
          'current_page=-1',
          'page_size=x',
          'status=9',
          'direction=sideways',
          'task_id=',
          `q[$gt]=`,
          'date=2026-13-40',
        ])
          check(`${label} ?${q}`, await call(r.method, `${path}?${q}`));
        if (r.method === 'GET') continue;
        for (const text of ['{"union_id":', 'null', '[]', '42', '"x"', '{"__proto__":{"admin":true}}'])
          check(`${label} ${text}`, await call(r.method, path).set('Content-Type', 'application/json').send(text));
        for (const field of FIELDS)
          for (const v of WRONG)
            check(
              `${label} ${field}=${JSON.stringify(v).slice(0, 12)}`,
              await call(r.method, path).send({ [field]: v }),
            );
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
    expect(await snapshot()).toEqual(before);
    // The generator reached authentication-passed parsing (1403) and unknown ids (1404).
    expect(codes.get(1403)).toBeGreaterThan(500);
    expect(codes.get(1404)).toBeGreaterThan(10);
  }, 120_000);
});
