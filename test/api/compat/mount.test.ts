import Router from '@koa/router';
import request from 'supertest';
import {
  claimsOf,
  findConflicts,
  installMounts,
  owningMount,
  pathMatches,
  patternsOverlap,
  type Mount,
} from '../../../src/api/compat/mount';
import { seed000Mount } from '../../../src/api/compat/seed000';
import { seed001Mount } from '../../../src/api/compat/seed001';
import { seed003Mount } from '../../../src/api/compat/seed003';
import { createApp } from '../../../src/api/app';
import { silentLog } from '../../support/logger';

/** A router answering `routes` (method, path) with 200, optionally under a prefix. */
function routerOf(routes: [method: 'get' | 'post' | 'all', path: string][], prefix = ''): Router {
  const router = new Router(prefix ? { prefix } : {});
  for (const [method, path] of routes)
    router[method](path, (ctx) => {
      ctx.body = { ok: true };
    });
  return router;
}

describe('mount paths (pure)', () => {
  test.each([
    ['/robots/:id/login', '/robots/:id/login', true],
    ['/robots/:id', '/robots/abc', true],
    ['/robot/show', '/robot/:x', true],
    ['/robot/show', '/robot/distribution', false],
    ['/api/:name', '/api/robots', true],
    ['/api/:name', '/api/v1/robots', false],
    ['/api/v1/*rest', '/api/v1/robots/:id', true],
    ['/api/v1/*rest', '/api/v1', false],
    ['/robot/getqrcode/', '/robot/getqrcode', true],
    ['/robots', '/robots/:id', false],
    ['/Robot/Show', '/robot/show', true],
  ])('when %j and %j are compared, then they overlap: %j', (a, b, want) => {
    expect(patternsOverlap(a, b)).toBe(want);
    expect(patternsOverlap(b, a)).toBe(want);
  });

  test.each([
    ['/robots/:id/login', '/robots/r1/login', true],
    ['/robots/:id/login', '/robots/r1', false],
    ['/robot/getqrcode', '/robot/getqrcode/', true],
    ['/api/:name', '/api/v1/robots', false],
    ['/s/*rest', '/s/a/b', true],
    ['/s/*rest', '/s', false],
    ['/robot/getqrcode', '/ROBOT/GetQRCode', true],
  ])('when the pattern %j meets the path %j, then it matches: %j', (pattern, path, want) => {
    expect(pathMatches(pattern, path)).toBe(want);
  });

  test('when a router is read, then every method and path it answers is claimed, HEAD left out and the prefix included', () => {
    const claims = claimsOf([
      routerOf(
        [
          ['get', '/robot/show'],
          ['post', '/robot/distribution'],
        ],
        '/s2',
      ),
    ]);
    expect(claims).toEqual([
      { method: 'GET', path: '/s2/robot/show' },
      { method: 'POST', path: '/s2/robot/distribution' },
    ]);
  });

  const seed002Like = (prefix = ''): Mount => ({
    name: 'seed002',
    routers: [
      routerOf(
        [
          ['get', '/robot/show'],
          ['post', '/robot/distribution'],
        ],
        prefix,
      ),
    ],
  });
  const seed000 = seed000Mount([
    routerOf([
      ['post', '/robot/getqrcode'],
      ['get', '/robot/host_list'],
    ]),
  ]);
  const seed001 = (prefix = '') =>
    seed001Mount(
      [
        routerOf(
          [
            ['post', '/robots'],
            ['get', '/robots/:id'],
          ],
          prefix,
        ),
      ],
      prefix,
    );
  const seed003 = seed003Mount([routerOf([['all', '/api/:name']])]);

  test.each<[string, string[], Mount[]]>([
    ['seed 000 and a dialect sharing /robot/ with other paths', [], [seed000, seed002Like()]],
    ['seed 001 at /api beside seed 003 at /api/<name>', ['seed001 (POST /api/robots)'], [seed001('/api'), seed003]],
    ['seed 001 at its own paths beside seed 003', [], [seed001(), seed003]],
    [
      'two dialects claiming GET /robot/show',
      ['seed002 (GET /robot/show) and other (GET /robot/show)'],
      [seed002Like(), { ...seed002Like(), name: 'other' }],
    ],
    ['the same paths under different prefixes', [], [seed002Like('/a'), { ...seed002Like('/b'), name: 'other' }]],
  ])('when %s are mounted, then the conflicts name %j', (_, want, mounts) => {
    const found = findConflicts(mounts);
    expect(found.length > 0).toBe(want.length > 0);
    for (const w of want) expect(found.some((f) => f.includes(w))).toBe(true);
  });

  const shared = [seed000, seed002Like(), seed001(), { name: 'native', routers: [], territory: '/api/v1' }, seed003];
  test.each([
    ['GET', '/robot/show', 'seed002'],
    ['POST', '/robot/show', 'seed002'],
    ['POST', '/robot/getqrcode/', 'seed000'],
    ['GET', '/robot/nothing', 'seed000'],
    ['GET', '/robot', 'seed000'],
    ['GET', '/robots/r1', 'seed001'],
    ['DELETE', '/robots/r1/unknown', 'seed001'],
    ['POST', '/api/sendMsg', 'seed003'],
    ['GET', '/api/v1/nothing', 'native'],
    ['GET', '/ROBOT/SHOW', 'seed002'],
    ['GET', '/Robot/nothing', 'seed000'],
    ['GET', '/API/V1/nothing', 'native'],
    ['GET', '/robotx', undefined],
    ['GET', '/elsewhere', undefined],
  ])('when %s %s is answered, then its errors are in the shape of %j', (method, path, want) => {
    expect(owningMount(shared, method, path)?.name).toBe(want);
  });
});

describe('two dialects sharing the /robot/ prefix over HTTP', () => {
  // A stand-in for seed 002 (a later issue): its own routes under /robot/, its own error shape.
  const seed002: Mount = {
    name: 'seed002',
    routers: [
      routerOf([
        ['get', '/robot/show'],
        ['post', '/robot/distribution'],
      ]),
    ],
    rewriteError: (status, error) => ({ code: status, msg: String(error.message), data: null }),
  };
  const seed000 = seed000Mount([routerOf([['post', '/robot/getqrcode']])]);
  const app = createApp({
    log: silentLog,
    db: { ping: async () => true },
    routers: [...seed000.routers, ...seed002.routers],
  });
  installMounts(app, [seed000, seed002]);
  const server = app.callback();

  test("when malformed JSON is posted to the other dialect's /robot/ route, then it answers in its own shape, not seed 000's", async () => {
    const res = await request(server).post('/robot/distribution').set('Content-Type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, msg: expect.any(String), data: null });
    expect(res.body.ret).toBeUndefined();
  });

  test("when the other dialect's route is called with a wrong method, then its 405 is in its shape", async () => {
    const res = await request(server).delete('/robot/show');
    expect(res.status).toBe(405);
    expect(res.body).toMatchObject({ code: 405, data: null });
  });

  test("when malformed JSON goes to seed 000's route or an unknown /robot/ path, then seed 000 answers in its shape", async () => {
    const bad = await request(server).post('/robot/getqrcode/').set('Content-Type', 'application/json').send('{');
    expect([bad.status, bad.body.ret, bad.body.code]).toEqual([400, -1, 'invalid_json']);
    const missing = await request(server).get('/robot/nothing');
    expect([missing.status, missing.body.ret, missing.body.code]).toEqual([404, -1, 'not_found']);
  });

  test('when the other dialect succeeds, then its body is untouched', async () => {
    const res = await request(server).get('/robot/show');
    expect([res.status, res.body]).toEqual([200, { ok: true }]);
  });
});
