import { seed004Endpoints, type Seed004Deps } from '../../../src/api/compat/seed004';
import { start, type Started } from '../../../src/main';
import { collectionFingerprints, testMongoUri, useTestDatabase } from '../../support/mongo';
import { seed004Client } from '../../support/seed004-client';

/**
 * Every seed 004 endpoint, signed as the admin (who may do everything), gets malformed bodies in
 * both encodings and fields of the wrong shape: each answer is the seed envelope with one of its
 * listed refusal codes, never a 5xx, and nothing in the database changes.
 */
const t = useTestDatabase(__filename);
const ADMIN_PASSWORD = 'Seed004-robust-pass1';
const LISTED = new Set([300, 301, 302, 303, 304, 305, 306, 401, 402, 404]);
const FIELDS = [
  'name',
  'url_path',
  'super_id_id',
  'rules_list',
  'login_user',
  'password',
  'password1',
  'password2',
  'role_id',
  'company_id',
  'username',
  'position',
  'status',
  'groupName',
  'userProfile',
  'companyName',
  'contentWords',
  'talkGroupName',
  'talkGroupId',
];
const HUGE = 'x'.repeat(70_000);
/** Values no field takes: wrong JSON types, too long, unreadable. */
const WRONG: unknown[] = [{ $gt: '' }, [['a']], HUGE];

let qunbot: Started;
beforeAll(async () => {
  qunbot = await start({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
    QUNBOT_ADMIN_KEY: 'qb_seed004-robustness-admin-key',
    QUNBOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    SEED004_ENABLED: 'true',
  });
});
afterAll(() => qunbot.stop());

/** Every collection but those a signed request touches by design: sessions note their last use, the replay guard keeps each signature, failures are counted. */
const snapshot = () =>
  collectionFingerprints(t.db, ['sessions', 'seed004_signatures', 'auth_failures', 'audit_log', 'apikeys']);

describe('robustness: malformed requests across every seed 004 endpoint', () => {
  test('when hundreds of malformed requests arrive signed by the admin, then each is a listed seed code in the envelope, none a 5xx, and nothing is written', async () => {
    const seed = seed004Client(() => qunbot.url);
    const admin = await seed.signIn('admin', ADMIN_PASSWORD);
    const endpoints = seed004Endpoints
      .flatMap((f) => f({ people: {}, scripts: {}, timeZone: 'UTC' } as unknown as Seed004Deps))
      .filter((e) => !('open' in e));
    expect(endpoints.length).toBeGreaterThan(20);
    // Lists make what they show on first use (qunbot's permission tree as items, numbers of old records).
    for (const list of [
      'access_rules',
      'admin_role',
      'admin_userprofile',
      'talkGroupManageShow',
      'speechDetailsManageShow',
    ])
      expect((await seed.as(admin).get(list)).body.code).toBe(200);
    const before = await snapshot();
    const failures: string[] = [];
    const codes = new Map<number, number>();
    let sent = 0;
    const check = (label: string, method: string, res: { status: number; body: { code?: unknown } }) => {
      sent++;
      const code = Number(res.body?.code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      const fine = LISTED.has(code) || (method === 'get' && code === 200);
      if (res.status >= 500 || !fine)
        failures.push(`${label} -> ${res.status} ${JSON.stringify(res.body).slice(0, 100)}`);
    };
    for (const e of endpoints) {
      const path = e.path.replace(/^\//, '').replace(/:id/, '1');
      const label = `${e.method} ${e.path}`;
      if (e.method === 'get') {
        for (const q of [
          'talkGroupId=x',
          'talkGroupId=99999',
          `talkGroupId=${HUGE.slice(0, 3000)}`,
          'super_id_id__isnull[$gt]=',
        ])
          check(`${label} ?${q.slice(0, 20)}`, 'get', await seed.as(admin).get(`${path}?${q}`));
        for (const id of ['0', 'x', '-1', '1e999', '99999999999999'])
          if (e.path.includes(':id'))
            check(`${label} id=${id}`, 'get', await seed.as(admin).get(e.path.replace(/^\//, '').replace(/:id/, id)));
        continue;
      }
      const raw: [string, string][] = [
        ['application/json', '{"name":'],
        ['application/json', 'null'],
        ['application/json', '[]'],
        ['application/json', '42'],
        ['application/json', '{"__proto__":{"admin":true}}'],
        ['application/x-www-form-urlencoded', 'name[$gt]=&rules_list[]=1'],
        ['text/plain', 'hello'],
        ['application/xml', '<a/>'],
      ];
      for (const [type, text] of raw) {
        const res = await seed
          .api()
          .post(`/zhugeleida/admin/${path}?${seed.signed(admin.userId, admin.token)}`)
          .set('Content-Type', type)
          .send(text);
        check(`${label} ${type} ${text.slice(0, 20)}`, 'post', res);
      }
      for (const field of FIELDS)
        for (const v of WRONG) {
          check(`${label} json ${field}`, 'post', await seed.as(admin).postJson(path, { [field]: v }));
          if (typeof v === 'string')
            check(`${label} form ${field}`, 'post', await seed.as(admin).post(path, { [field]: v }));
        }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(1000);
    expect(await snapshot()).toEqual(before);
    // The generator reached parsing, types, forms and ids.
    expect([...codes.keys()]).toEqual(expect.arrayContaining([301, 302, 303]));
  }, 300_000);
});
