import request from 'supertest';
import { seed004Endpoints, type Seed004Deps } from '../../src/api/compat/seed004';
import { ALL_PERMISSIONS } from '../../src/http/permissions';
import { seed004Client } from '../support/seed004-client';
import { start, type Started } from '../../src/main';
import { testMongoUri, useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_permission-walk-test-admin-key';

type Operation = { method: string; path: string; permission: string };

let qunbot: Started;
let operations: Operation[];
beforeAll(async () => {
  qunbot = await start({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
    QUNBOT_ADMIN_KEY: ADMIN_KEY,
    QUNBOT_ADMIN_PASSWORD: 'Walk-admin-pass1',
    // Every dialect with native endpoints is on, so theirs are walked too.
    SEED001_ENABLED: 'true',
    SEED004_ENABLED: 'true',
  });
  const doc = (await request(qunbot.url).get('/api/v1/openapi.json')).body as {
    paths: Record<string, Record<string, { 'x-permission'?: string }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method, path, permission: op['x-permission'] ?? '(none)' })),
  );
});
afterAll(() => qunbot.stop());

/** An operator (made once per permission) whose role holds every permission but `permission`. */
const lacking = new Map<string, string>();
async function operatorLacking(permission: string): Promise<string> {
  const known = lacking.get(permission);
  if (known) return known;
  const admin = (
    await request(qunbot.url).post('/api/v1/sessions').send({ username: 'admin', password: 'Walk-admin-pass1' })
  ).body.token as string;
  const name = `lacks-${permission.replace(/\W/g, '-')}`;
  const role = await request(qunbot.url)
    .post('/api/v1/roles')
    .set('Authorization', `Bearer ${admin}`)
    .send({ name, permissions: ALL_PERMISSIONS.filter((p) => p !== permission) });
  const made = await request(qunbot.url)
    .post('/api/v1/operators')
    .set('Authorization', `Bearer ${admin}`)
    .send({ username: name, roleId: role.body.id, password: 'Walk-oper-pass1' });
  expect(made.status).toBe(201);
  lacking.set(permission, name);
  return name;
}

describe('every native endpoint and its permission', () => {
  test('when the OpenAPI document is read, then every operation declares a permission of the tree, `any` or `public`', () => {
    expect(operations.length).toBeGreaterThan(60);
    const allowed = new Set<string>([...ALL_PERMISSIONS, 'any', 'public']);
    expect(operations.filter((o) => !allowed.has(o.permission))).toEqual([]);
    // Only signing in is public.
    expect(operations.filter((o) => o.permission === 'public').map((o) => `${o.method} ${o.path}`)).toEqual([
      'post /api/v1/sessions',
    ]);
  });

  test('when an operator whose role lacks exactly one permission calls each endpoint needing it, then every call is 403 naming that permission', async () => {
    const needed = [...new Set(operations.map((o) => o.permission))].filter((p) => p !== 'any' && p !== 'public');
    expect(needed.length).toBeGreaterThan(15);
    const refused: string[] = [];
    const wrong: string[] = [];
    for (const permission of needed) {
      const name = await operatorLacking(permission);
      const token = (
        await request(qunbot.url).post('/api/v1/sessions').send({ username: name, password: 'Walk-oper-pass1' })
      ).body.token as string;
      for (const op of operations.filter((o) => o.permission === permission)) {
        const path = op.path.replace(/\{(\w+)\}/g, '6740d0000000000000000001');
        const res = await (request(qunbot.url) as unknown as Record<string, (p: string) => request.Test>)[op.method]!(
          path,
        )
          .set('Authorization', `Bearer ${token}`)
          .send({});
        const line = `${op.method} ${op.path}`;
        if (res.status === 403 && res.body.error?.message === `this needs the permission ${permission}`)
          refused.push(line);
        else wrong.push(`${line}: ${res.status} ${JSON.stringify(res.body).slice(0, 120)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(refused.length).toBe(operations.filter((o) => needed.includes(o.permission)).length);
  });
});

describe('every seed 004 endpoint and its permission', () => {
  // The endpoint list itself (read from the dialect's definitions; building them touches nothing).
  const endpoints = seed004Endpoints
    .flatMap((f) => f({ people: {}, scripts: {}, timeZone: 'UTC' } as unknown as Seed004Deps))
    .filter((e): e is typeof e & { permission: string } => 'permission' in e && typeof e.permission === 'string');
  const seed = seed004Client(() => qunbot.url);

  test('when an operator whose role lacks exactly one permission calls each seed 004 endpoint needing it, then every call is 非法请求 naming it and nothing changes', async () => {
    expect(endpoints.length).toBeGreaterThan(15);
    for (const e of endpoints) await operatorLacking(e.permission);
    const snapshot = async () =>
      Promise.all(
        ['/api/v1/operators', '/api/v1/roles', '/api/v1/script-groups', '/api/v1/companies'].map(async (path) =>
          JSON.stringify((await request(qunbot.url).get(path).set('Authorization', `Bearer ${ADMIN_KEY}`)).body),
        ),
      );
    const before = await snapshot();
    const wrong: string[] = [];
    for (const e of endpoints) {
      const user = await seed.signIn(await operatorLacking(e.permission), 'Walk-oper-pass1');
      const path = e.path.replace(/^\//, '').replace(/:id/, '1');
      const form = { name: 'x', login_user: 'walker', password: 'Walk-pass-123', groupName: 'g', contentWords: 'w' };
      const res = e.method === 'get' ? await seed.as(user).get(path) : await seed.as(user).post(path, form);
      if (res.body.code !== 404 || res.body.msg !== `非法请求 (this needs the permission ${e.permission})`)
        wrong.push(`${e.method} ${e.path}: ${JSON.stringify(res.body).slice(0, 120)}`);
    }
    expect(wrong).toEqual([]);
    // Nothing was made, changed or deleted by the refused calls (lastLoginAt aside: they logged in).
    const strip = (json: string) => json.replace(/"(lastLoginAt|updatedAt)":"[^"]*"/g, '');
    expect((await snapshot()).map(strip)).toEqual(before.map(strip));
  });
});
