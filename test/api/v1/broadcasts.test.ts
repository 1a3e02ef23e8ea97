import type { SendRecord } from '../../../src/bot/send-log.service';
import { apiHarness } from '../../support/api';
import { FakeClock } from '../../support/fake-clock';
import { useTestDatabase } from '../../support/mongo';
import { createRooms, startMockService, type MockService } from '../../support/puppet-mock';
import { nextEvent, testRuntime } from '../../support/runtime';

// Two databases: the fake-clock tests tick every due task of theirs, so they must not see the
// system-clock tests' tasks (nor those theirs).
const t = useTestDatabase(__filename);
const tClock = useTestDatabase(`${__filename}-clock`);

type Harness = Awaited<ReturnType<typeof apiHarness>>;
type Client = Awaited<ReturnType<Harness['owner']>>;

const MIN = 60_000;
const text = (s: string) => ({ type: 'text', text: s });
const link = { type: 'link', title: '今晚直播', url: 'https://example.com/live' };
const inMinutes = (m: number, from = Date.now()) => new Date(from + m * MIN).toISOString();
/** A broadcast body sent an hour from now to all rooms of its owner. */
const later = (over: Record<string, unknown> = {}) => ({
  name: 'Morning news',
  materials: [text('早上好')],
  targets: { mode: 'all' },
  schedule: { kind: 'once', at: inMinutes(60) },
  ...over,
});

/** A robot (not started) of `owner` with `n` rooms. */
async function robotWithRooms(h: Harness, owner: string, n: number) {
  const robot = await h.runtime.manager.create({ name: `${owner}'s robot`, owner });
  const { rooms } = await h.runtime.rooms.sync(
    robot.id,
    undefined,
    Array.from({ length: n }, (_, i) => ({
      puppetId: `${owner}-${i}@chatroom`,
      topic: `${owner} group ${i}`,
      memberCount: 3,
    })),
  );
  return { robot, rooms };
}

/** What the store holds, to show that a refused request wrote nothing. */
async function stored(h: Harness) {
  const { Task, Run, Delivery } = h.broadcasts.service;
  return {
    tasks: await Task.countDocuments(),
    runs: await Run.countDocuments(),
    deliveries: await Delivery.countDocuments(),
  };
}

let h: Harness;
let alice: Client;
let bob: Client;

beforeAll(async () => {
  h = await apiHarness(t.db);
  alice = await h.owner('alice');
  bob = await h.owner('bob');
});

afterAll(async () => {
  await h.broadcasts.close();
  await h.runtime.manager.stopAll();
});

describe('native API: broadcasts (robots not running)', () => {
  test('when a schedule is previewed, then its next five runs come back in order and nothing is created; a bad cron is 400 invalid_schedule', async () => {
    const before = (await alice.get('/api/v1/broadcasts')).body.items.length as number;
    const res = await alice
      .post('/api/v1/broadcasts/preview')
      .send({ schedule: { kind: 'cron', expression: '0 30 9 * * 1-5', timeZone: 'Asia/Shanghai' } });
    expect(res.status).toBe(200);
    expect(res.body.timeZone).toBe('Asia/Shanghai');
    const runs = (res.body.runs as string[]).map((r) => new Date(r));
    expect(runs).toHaveLength(5);
    expect(runs.map((r) => r.getTime())).toEqual([...runs.map((r) => r.getTime())].sort((a, b) => a - b));
    // 09:30 in Shanghai is 01:30 UTC, on weekdays.
    for (const r of runs) {
      expect([r.getUTCHours(), r.getUTCMinutes()]).toEqual([1, 30]);
      expect([0, 6]).not.toContain(new Date(r.getTime() + 8 * 3_600_000).getUTCDay());
    }
    const limited = await alice
      .post('/api/v1/broadcasts/preview')
      .send({ schedule: { kind: 'cron', expression: '0 9 * * *' }, maxRuns: 2 });
    expect(limited.body.runs).toHaveLength(2);
    const bad = await alice
      .post('/api/v1/broadcasts/preview')
      .send({ schedule: { kind: 'cron', expression: '61 * * * *' } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'invalid_schedule']);
    // The same time checks as creation: a past once time, a past end, a schedule that never runs.
    const refusals = await Promise.all(
      [
        { schedule: { kind: 'once', at: '2020-01-01T00:00:00Z' } },
        { schedule: { kind: 'cron', expression: '0 9 * * *' }, endAt: '2020-01-01T00:00:00Z' },
        { schedule: { kind: 'once', at: '2099-01-02T00:00:00Z' }, endAt: '2099-01-01T00:00:00Z' },
      ].map(async (body) => (await alice.post('/api/v1/broadcasts/preview').send(body)).body.error?.code),
    );
    expect(refusals).toEqual(['schedule_in_past', 'invalid_schedule', 'invalid_schedule']);
    expect((await alice.get('/api/v1/broadcasts')).body.items.length).toBe(before);
  });

  test('when an owner creates a broadcast for later, then it is stored active with its next run, visible to the owner and an admin and 404 to another owner', async () => {
    const at = '2099-03-01T09:30:00.250+08:00';
    const res = await alice.post('/api/v1/broadcasts').send(later({ schedule: { kind: 'once', at }, maxRuns: 1 }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      owner: 'alice',
      name: 'Morning news',
      materials: [text('早上好')],
      targets: { mode: 'all' },
      schedule: { kind: 'once', at: '2099-03-01T01:30:00.250Z' },
      maxRuns: 1,
      state: 'active',
      // Schedules fire on whole seconds.
      nextRunAt: '2099-03-01T01:30:01.000Z',
      runs: 0,
      executed: 0,
      source: 'api',
    });
    const id = res.body.id as string;

    const got = await alice.get(`/api/v1/broadcasts/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, state: 'active', lastRun: null, deliveries: [] });
    expect((await h.admin.get(`/api/v1/broadcasts/${id}`)).status).toBe(200);
    const hidden = await bob.get(`/api/v1/broadcasts/${id}`);
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.code).toBe('not_found');
    expect((await alice.get('/api/v1/broadcasts/0123456789abcdef01234567')).status).toBe(404);
    expect((await alice.get('/api/v1/broadcasts/not-an-id')).status).toBe(404);

    const byAdmin = await h.admin.post('/api/v1/broadcasts').send(later({ owner: 'alice' }));
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body.owner).toBe('alice');
  });

  test('when a create names no owner with an admin key or another owner with an owner key, then it is refused and nothing is written', async () => {
    const before = await stored(h);
    const noOwner = await h.admin.post('/api/v1/broadcasts').send(later());
    expect(noOwner.status).toBe(400);
    expect(noOwner.body.error.code).toBe('invalid_request');
    expect((await alice.post('/api/v1/broadcasts').send(later({ owner: 'bob' }))).status).toBe(403);
    expect(await stored(h)).toEqual(before);
  });

  test('when a "now" broadcast is created and its robot is not running, then it runs at once and every room is reported failed (robot_not_running)', async () => {
    const { robot, rooms } = await robotWithRooms(h, 'alice', 2);
    const res = await alice
      .post('/api/v1/broadcasts')
      .send(later({ schedule: { kind: 'now' }, targets: { mode: 'rooms', roomIds: rooms.map((r) => r.id) } }));
    expect(res.status).toBe(201);
    await h.broadcasts.runner.idle();
    const id = res.body.id as string;

    const got = await alice.get(`/api/v1/broadcasts/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ state: 'finished', nextRunAt: null, runs: 1, executed: 1 });
    expect(got.body.lastRun).toMatchObject({
      seq: 1,
      plan: 'run',
      state: 'finished',
      missed: 0,
      report: { failed: 2, sent: 0, total: 2 },
    });
    expect(got.body.deliveries).toEqual(
      rooms.map((r) => ({
        roomId: r.id,
        robotId: robot.id,
        topic: r.topic,
        status: 'failed',
        reason: 'robot_not_running',
        sends: [],
      })),
    );
    expect(await h.broadcasts.service.Delivery.countDocuments({ taskId: id })).toBe(2);
  });

  test('when the runs of a broadcast are read, then each run is listed with its report and one run by its number; an unknown number is 404', async () => {
    const { rooms } = await robotWithRooms(h, 'runner', 1);
    const runner = await h.owner('runner');
    const id = (await runner.post('/api/v1/broadcasts').send(later({ schedule: { kind: 'now' } }))).body.id as string;
    await h.broadcasts.runner.idle();

    const runs = await runner.get(`/api/v1/broadcasts/${id}/runs`);
    expect(runs.status).toBe(200);
    expect(runs.body.items).toHaveLength(1);
    expect(runs.body.items[0]).toMatchObject({ seq: 1, state: 'finished', report: { failed: 1, total: 1 } });
    expect(runs.body.nextCursor).toBeUndefined();

    const one = await runner.get(`/api/v1/broadcasts/${id}/runs/1`);
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      id: runs.body.items[0].id,
      seq: 1,
      deliveries: [{ roomId: rooms[0].id, status: 'failed', reason: 'robot_not_running' }],
    });

    const unknown = await runner.get(`/api/v1/broadcasts/${id}/runs/2`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
    for (const seq of ['0', 'abc', '-1', '1.5']) {
      const bad = await runner.get(`/api/v1/broadcasts/${id}/runs/${seq}`);
      expect({ seq, status: bad.status, code: bad.body.error?.code }).toEqual({
        seq,
        status: 400,
        code: 'invalid_request',
      });
    }
    expect((await runner.get(`/api/v1/broadcasts/${id}/runs?limit=0`)).status).toBe(400);
    expect((await bob.get(`/api/v1/broadcasts/${id}/runs`)).status).toBe(404);
    expect((await bob.get(`/api/v1/broadcasts/${id}/runs/1`)).status).toBe(404);
    expect((await h.admin.get(`/api/v1/broadcasts/${id}/runs/1`)).status).toBe(200);
  });

  test('when a cron broadcast is created, then its next run is the next occurrence in its zone (the configured zone when none is named)', async () => {
    const named = await alice
      .post('/api/v1/broadcasts')
      .send(later({ schedule: { kind: 'cron', expression: '0 9 * * *', timeZone: 'Asia/Tokyo' } }));
    expect(named.status).toBe(201);
    expect(named.body.schedule).toEqual({ kind: 'cron', expression: '0 9 * * *', timeZone: 'Asia/Tokyo' });
    const next = new Date(named.body.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getTime()).toBeLessThanOrEqual(Date.now() + 24 * 60 * MIN);
    expect([next.getUTCHours(), next.getUTCMinutes(), next.getUTCSeconds()]).toEqual([0, 0, 0]); // 09:00 in Tokyo

    const unnamed = await alice.post('/api/v1/broadcasts').send(
      later({
        schedule: { kind: 'cron', expression: '30 0 9 * * 1-5' },
        targets: { mode: 'flag', flag: 'production' },
      }),
    );
    expect(unnamed.status).toBe(201);
    expect(unnamed.body.schedule).toEqual({ kind: 'cron', expression: '30 0 9 * * 1-5', timeZone: 'Asia/Shanghai' });
    expect(unnamed.body.targets).toEqual({ mode: 'flag', flag: 'production' });
    const first = new Date(unnamed.body.nextRunAt);
    expect([first.getUTCHours(), first.getUTCMinutes(), first.getUTCSeconds()]).toEqual([1, 0, 30]); // 09:00:30 in Shanghai
  });

  test('when the input is bad, then 400 with a stable code and nothing is written', async () => {
    const { rooms: bobRooms } = await robotWithRooms(h, 'bob', 1);
    const { rooms: aliceRooms } = await robotWithRooms(h, 'alice', 1);
    const cases: [string, unknown, string][] = [
      ['cron minute out of range', later({ schedule: { kind: 'cron', expression: '61 * * * *' } }), 'invalid_schedule'],
      ['cron that is not one', later({ schedule: { kind: 'cron', expression: 'every day' } }), 'invalid_schedule'],
      ['cron with 7 fields', later({ schedule: { kind: 'cron', expression: '0 0 9 * * * 2030' } }), 'invalid_schedule'],
      [
        'unknown time zone',
        later({ schedule: { kind: 'cron', expression: '0 9 * * *', timeZone: 'Mars/Olympus' } }),
        'invalid_schedule',
      ],
      ['once in the past', later({ schedule: { kind: 'once', at: '2020-01-01T00:00:00Z' } }), 'schedule_in_past'],
      ['once without a zone', later({ schedule: { kind: 'once', at: '2099-11-23 09:30' } }), 'invalid_request'],
      [
        'endAt in the past',
        later({ schedule: { kind: 'cron', expression: '0 9 * * *' }, endAt: '2020-01-01T00:00:00+08:00' }),
        'invalid_schedule',
      ],
      [
        'endAt before the once time',
        later({ schedule: { kind: 'once', at: inMinutes(60) }, endAt: inMinutes(30) }),
        'invalid_schedule',
      ],
      ['rooms of another owner', later({ targets: { mode: 'rooms', roomIds: [bobRooms[0].id] } }), 'unknown_room'],
      [
        'own and foreign rooms',
        later({ targets: { mode: 'rooms', roomIds: [aliceRooms[0].id, bobRooms[0].id] } }),
        'unknown_room',
      ],
      [
        'a room id that does not exist',
        later({ targets: { mode: 'rooms', roomIds: ['0123456789abcdef01234567'] } }),
        'unknown_room',
      ],
      ['a room id that is not an id', later({ targets: { mode: 'rooms', roomIds: ['room-1'] } }), 'invalid_request'],
      ['no rooms listed', later({ targets: { mode: 'rooms', roomIds: [] } }), 'invalid_request'],
      ['unknown target flag', later({ targets: { mode: 'flag', flag: 'vip' } }), 'invalid_request'],
      ['empty materials', later({ materials: [] }), 'invalid_request'],
      [
        'eleven materials',
        later({ materials: Array.from({ length: 11 }, (_, i) => text(`m${i}`)) }),
        'invalid_request',
      ],
      ['empty text', later({ materials: [text('')] }), 'invalid_request'],
      [
        'unknown material type',
        later({ materials: [{ type: 'video', url: 'https://example.com/v.mp4' }] }),
        'invalid_request',
      ],
      [
        'image that is not http',
        later({ materials: [{ type: 'image', url: 'file:///etc/passwd' }] }),
        'invalid_request',
      ],
      ['unknown field', later({ colour: 'red' }), 'invalid_request'],
      ['unknown schedule field', later({ schedule: { kind: 'now', at: inMinutes(5) } }), 'invalid_request'],
      ['unknown targets field', later({ targets: { mode: 'all', roomIds: [aliceRooms[0].id] } }), 'invalid_request'],
      ['unknown schedule kind', later({ schedule: { kind: 'weekly' } }), 'invalid_request'],
      ['name is a number', later({ name: 42 }), 'invalid_request'],
      ['blank name', later({ name: '   ' }), 'invalid_request'],
      ['maxRuns as a string', later({ maxRuns: '3' }), 'invalid_request'],
      ['maxRuns zero', later({ maxRuns: 0 }), 'invalid_request'],
      ['schedule missing', { name: 'x', materials: [text('x')], targets: { mode: 'all' } }, 'invalid_request'],
      ['an array body', [later()], 'invalid_request'],
    ];
    const before = await stored(h);
    for (const [what, body, code] of cases) {
      const res = await alice.post('/api/v1/broadcasts').send(body as object);
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status: 400, code });
    }
    const foreign = await alice
      .post('/api/v1/broadcasts')
      .send(later({ targets: { mode: 'rooms', roomIds: [aliceRooms[0].id, bobRooms[0].id] } }));
    expect(foreign.body.error.details).toEqual([
      expect.objectContaining({ path: 'targets.roomIds', code: 'unknown_room', message: bobRooms[0].id }),
    ]);
    const notJson = await alice.post('/api/v1/broadcasts').set('Content-Type', 'application/json').send('{"name":');
    expect(notJson.status).toBe(400);
    expect(await stored(h)).toEqual(before);
  });

  test('when a broadcast has not run yet, then PUT replaces it (limits left out are removed); bad input changes nothing; another owner gets 404', async () => {
    const created = await alice
      .post('/api/v1/broadcasts')
      .send(later({ schedule: { kind: 'cron', expression: '0 9 * * *' }, endAt: '2099-01-01T00:00:00Z', maxRuns: 3 }));
    const id = created.body.id as string;
    const at = inMinutes(120);
    const put = await alice.put(`/api/v1/broadcasts/${id}`).send({
      name: 'Renamed',
      materials: [text('new'), link],
      targets: { mode: 'flag', flag: 'launch' },
      schedule: { kind: 'once', at },
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      id,
      owner: 'alice',
      name: 'Renamed',
      materials: [text('new'), link],
      targets: { mode: 'flag', flag: 'launch' },
      schedule: { kind: 'once', at },
      state: 'active',
      runs: 0,
    });
    expect(put.body.endAt).toBeUndefined();
    expect(put.body.maxRuns).toBeUndefined();
    expect(new Date(put.body.nextRunAt).getTime()).toBe(Math.ceil(new Date(at).getTime() / 1000) * 1000);
    const after = (await alice.get(`/api/v1/broadcasts/${id}`)).body;
    expect(after).toMatchObject({ name: 'Renamed', schedule: { kind: 'once', at } });

    const before = await stored(h);
    const refused: [string, unknown, number, string][] = [
      ['invalid cron', later({ schedule: { kind: 'cron', expression: '0 25 * * *' } }), 400, 'invalid_schedule'],
      ['once in the past', later({ schedule: { kind: 'once', at: '2020-01-01T00:00:00Z' } }), 400, 'schedule_in_past'],
      ['an owner field', later({ owner: 'alice' }), 400, 'invalid_request'],
      ['partial body', { name: 'only a name' }, 400, 'invalid_request'],
    ];
    for (const [what, body, status, code] of refused) {
      const res = await alice.put(`/api/v1/broadcasts/${id}`).send(body as object);
      expect({ what, status: res.status, code: res.body.error?.code }).toEqual({ what, status, code });
    }
    expect((await bob.put(`/api/v1/broadcasts/${id}`).send(later({ name: 'hijacked' }))).status).toBe(404);
    expect((await alice.put('/api/v1/broadcasts/0123456789abcdef01234567').send(later())).status).toBe(404);
    expect(await stored(h)).toEqual(before);
    expect((await alice.get(`/api/v1/broadcasts/${id}`)).body).toEqual(after);

    // A paused broadcast can be changed too, and stays paused.
    expect((await alice.post(`/api/v1/broadcasts/${id}/pause`)).status).toBe(200);
    const paused = await alice.put(`/api/v1/broadcasts/${id}`).send(later({ name: 'Paused edit' }));
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ name: 'Paused edit', state: 'paused' });
  });

  test('when a broadcast has run once, then PUT is 409 broadcast_started and it is unchanged', async () => {
    const id = (await alice.post('/api/v1/broadcasts').send(later({ schedule: { kind: 'now' } }))).body.id as string;
    await h.broadcasts.runner.idle();
    const before = (await alice.get(`/api/v1/broadcasts/${id}`)).body;
    expect(before.runs).toBe(1);
    const res = await alice.put(`/api/v1/broadcasts/${id}`).send(later({ name: 'Too late' }));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('broadcast_started');
    expect((await alice.get(`/api/v1/broadcasts/${id}`)).body).toEqual(before);
  });

  test('when a broadcast is paused and resumed, then each works once; a second pause or resume is 409; another owner gets 404', async () => {
    const id = (await alice.post('/api/v1/broadcasts').send(later())).body.id as string;
    expect((await bob.post(`/api/v1/broadcasts/${id}/pause`)).status).toBe(404);
    const paused = await alice.post(`/api/v1/broadcasts/${id}/pause`);
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id, state: 'paused' });
    const twice = await alice.post(`/api/v1/broadcasts/${id}/pause`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.code).toBe('broadcast_not_active');

    expect((await bob.post(`/api/v1/broadcasts/${id}/resume`)).status).toBe(404);
    const resumed = await alice.post(`/api/v1/broadcasts/${id}/resume`);
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ id, state: 'active' });
    await h.broadcasts.runner.idle();
    const again = await alice.post(`/api/v1/broadcasts/${id}/resume`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('broadcast_not_paused');
    expect((await alice.get(`/api/v1/broadcasts/${id}`)).body).toMatchObject({ state: 'active', runs: 0 });
    expect((await alice.post('/api/v1/broadcasts/0123456789abcdef01234567/pause')).status).toBe(404);
  });

  test('when a broadcast that has not run is recalled, then it never runs, the report is empty and pause/resume are 409', async () => {
    const id = (
      await alice.post('/api/v1/broadcasts').send(later({ schedule: { kind: 'cron', expression: '*/5 * * * *' } }))
    ).body.id as string;
    expect((await bob.post(`/api/v1/broadcasts/${id}/recall`)).status).toBe(404);
    const recall = await alice.post(`/api/v1/broadcasts/${id}/recall`);
    expect(recall.status).toBe(200);
    expect(recall.body).toEqual({ cancelled: 0, recalled: 0, notRecalled: [] });
    expect((await alice.get(`/api/v1/broadcasts/${id}`)).body).toMatchObject({
      state: 'recalled',
      nextRunAt: null,
      runs: 0,
      lastRun: null,
    });
    expect((await alice.post(`/api/v1/broadcasts/${id}/recall`)).body).toEqual({
      cancelled: 0,
      recalled: 0,
      notRecalled: [],
    });
    expect((await alice.post(`/api/v1/broadcasts/${id}/pause`)).body.error.code).toBe('broadcast_not_active');
    expect((await alice.post(`/api/v1/broadcasts/${id}/resume`)).body.error.code).toBe('broadcast_not_paused');
    expect((await alice.put(`/api/v1/broadcasts/${id}`).send(later())).status).toBe(409);
    expect((await alice.post('/api/v1/broadcasts/0123456789abcdef01234567/recall')).status).toBe(404);
  });

  test('when a broadcast is deleted, then it is gone with its runs and deliveries; another owner gets 404', async () => {
    await robotWithRooms(h, 'deleter', 2);
    const deleter = await h.owner('deleter');
    const id = (await deleter.post('/api/v1/broadcasts').send(later({ schedule: { kind: 'now' } }))).body.id as string;
    await h.broadcasts.runner.idle();
    const { Run, Delivery } = h.broadcasts.service;
    expect(await Delivery.countDocuments({ taskId: id })).toBe(2);

    expect((await bob.delete(`/api/v1/broadcasts/${id}`)).status).toBe(404);
    const del = await deleter.delete(`/api/v1/broadcasts/${id}`);
    expect(del.status).toBe(200);
    expect(del.body).toEqual({ ok: true });
    expect((await deleter.get(`/api/v1/broadcasts/${id}`)).status).toBe(404);
    expect((await deleter.get(`/api/v1/broadcasts/${id}/runs`)).status).toBe(404);
    expect(await Run.countDocuments({ taskId: id })).toBe(0);
    expect(await Delivery.countDocuments({ taskId: id })).toBe(0);
    expect((await deleter.delete(`/api/v1/broadcasts/${id}`)).status).toBe(404);
  });

  test('when broadcasts are listed, then an owner key pages through its own only and an admin may filter by owner and state', async () => {
    const lister = await h.owner('lister');
    const other = await h.owner('other-lister');
    const names = Array.from({ length: 5 }, (_, i) => `list ${i}`);
    for (const name of names) expect((await lister.post('/api/v1/broadcasts').send(later({ name }))).status).toBe(201);
    for (const name of ['x', 'y'])
      expect((await other.post('/api/v1/broadcasts').send(later({ name }))).status).toBe(201);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await lister.get(`/api/v1/broadcasts?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      for (const b of res.body.items) expect(b.owner).toBe('lister');
      seen.push(...res.body.items.map((b: { name: string }) => b.name));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor);
    expect(seen).toEqual(names);
    expect(pages).toBe(3);
    expect((await other.get('/api/v1/broadcasts')).body.items.map((b: { name: string }) => b.name)).toEqual(['x', 'y']);
    expect((await lister.get('/api/v1/broadcasts?owner=other-lister')).status).toBe(403);
    expect((await lister.get('/api/v1/broadcasts?owner=lister')).body.items).toHaveLength(5);

    const byAdmin = await h.admin.get('/api/v1/broadcasts?owner=lister&limit=100');
    expect(byAdmin.body.items.map((b: { name: string }) => b.name)).toEqual(names);
    const firstId = byAdmin.body.items[0].id as string;
    await lister.post(`/api/v1/broadcasts/${firstId}/pause`);
    const paused = await h.admin.get('/api/v1/broadcasts?owner=lister&state=paused');
    expect(paused.body.items.map((b: { id: string }) => b.id)).toEqual([firstId]);
    expect((await lister.get('/api/v1/broadcasts?state=active')).body.items).toHaveLength(4);
    const everyone = await h.admin.get('/api/v1/broadcasts?limit=100');
    expect(everyone.body.items.filter((b: { owner: string }) => b.owner === 'lister')).toHaveLength(5);
    expect(everyone.body.items.filter((b: { owner: string }) => b.owner === 'other-lister')).toHaveLength(2);

    for (const q of ['limit=0', 'limit=1000', 'state=bogus', 'cursor=bad', 'owner=has%20space']) {
      const res = await h.admin.get(`/api/v1/broadcasts?${q}`);
      expect({ q, status: res.status, code: res.body.error?.code }).toEqual({
        q,
        status: 400,
        code: 'invalid_request',
      });
    }
  });

  test('when no key or an unknown key is sent, then every broadcasts endpoint answers 401', async () => {
    const id = (await alice.post('/api/v1/broadcasts').send(later())).body.id as string;
    const before = await stored(h);
    const calls: [string, string][] = [
      ['post', '/api/v1/broadcasts'],
      ['get', '/api/v1/broadcasts'],
      ['get', `/api/v1/broadcasts/${id}`],
      ['get', `/api/v1/broadcasts/${id}/runs`],
      ['get', `/api/v1/broadcasts/${id}/runs/1`],
      ['put', `/api/v1/broadcasts/${id}`],
      ['post', `/api/v1/broadcasts/${id}/pause`],
      ['post', `/api/v1/broadcasts/${id}/resume`],
      ['post', `/api/v1/broadcasts/${id}/recall`],
      ['delete', `/api/v1/broadcasts/${id}`],
    ];
    const anonymous = (method: string, path: string) => {
      const a = h.anonymous();
      if (method === 'get') return a.get(path);
      if (method === 'delete') return a.delete(path);
      return (method === 'put' ? a.put(path) : a.post(path)).send(later());
    };
    for (const [method, path] of calls) {
      const none = await anonymous(method, path);
      expect({ method, path, status: none.status, code: none.body.error?.code }).toEqual({
        method,
        path,
        status: 401,
        code: 'unauthorized',
      });
      const bad = await anonymous(method, path).set('Authorization', 'Bearer qb_not-a-real-key-at-all');
      expect({ method, path, status: bad.status }).toEqual({ method, path, status: 401 });
    }
    expect(await stored(h)).toEqual(before);
    expect((await alice.get(`/api/v1/broadcasts/${id}`)).body.state).toBe('active');
  });

  test('when the OpenAPI document is fetched, then it lists the broadcasts endpoints', async () => {
    const res = await h.anonymous().get('/api/v1/openapi.json');
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/broadcasts',
        '/api/v1/broadcasts/{id}',
        '/api/v1/broadcasts/{id}/runs',
        '/api/v1/broadcasts/{id}/runs/{seq}',
        '/api/v1/broadcasts/{id}/pause',
        '/api/v1/broadcasts/{id}/resume',
        '/api/v1/broadcasts/{id}/recall',
      ]),
    );
  });
});

describe('native API: broadcasts on a robot over puppet-service', () => {
  let svc: MockService;
  let robotId: string;
  let rita: Client;
  const topic = (i: number) => `Cast group ${i}`;
  let mockRooms: ReturnType<typeof createRooms>;
  const settled: SendRecord[] = [];
  const onSettled = ({ record }: { record: SendRecord }) => settled.push(record);

  /** Resolves once `n` sends of the run have settled (each settle is an event of the manager). */
  async function runSettled(runId: string, n: number) {
    while (settled.filter((r) => r.batchId === runId).length < n) await nextEvent(h.runtime.manager, 'settled');
  }

  /** Creates a "now" broadcast and waits for its run to be dispatched; returns the broadcast and run ids. */
  async function sendNow(materials: unknown[]) {
    const res = await rita
      .post('/api/v1/broadcasts')
      .send(later({ name: 'live', materials, schedule: { kind: 'now' } }));
    expect(res.status).toBe(201);
    await h.broadcasts.runner.idle();
    const id = res.body.id as string;
    const runId = (await rita.get(`/api/v1/broadcasts/${id}`)).body.lastRun.id as string;
    return { id, runId };
  }

  beforeAll(async () => {
    svc = await startMockService('CastBot');
    mockRooms = createRooms(svc, 2, 2, topic);
    rita = await h.owner('rita');
    const robot = await h.runtime.manager.create({
      name: 'caster',
      owner: 'rita',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
    robotId = robot.id;
    // Known rooms before the login, as after an earlier session; the login's sync matches them by id.
    await h.runtime.rooms.sync(
      robotId,
      undefined,
      mockRooms.map(({ room }, i) => ({ puppetId: room.id, topic: topic(i), memberCount: 3 })),
    );
    h.runtime.manager.on('settled', onSettled);
    // Started but not logged in: the outbox holds its sends until the login.
    await h.runtime.manager.start(robotId);
  });

  afterAll(async () => {
    h.runtime.manager.off('settled', onSettled);
    await h.runtime.manager.stopAll();
    await svc.stop();
  });

  test('when a run is still sending (the robot is not logged in yet), then DELETE is 409 broadcast_sending; recall cancels its sends and DELETE then removes it', async () => {
    const { id, runId } = await sendNow([text('doomed')]);
    const got = (await rita.get(`/api/v1/broadcasts/${id}`)).body;
    expect(got.lastRun).toMatchObject({ id: runId, state: 'sending', report: { queued: 2, total: 2 } });
    expect(got.deliveries.map((d: { status: string }) => d.status)).toEqual(['queued', 'queued']);
    expect(got.deliveries.flatMap((d: { sends: { status: string }[] }) => d.sends.map((s) => s.status))).toEqual([
      'queued',
      'queued',
    ]);

    const before = await stored(h);
    const busy = await rita.delete(`/api/v1/broadcasts/${id}`);
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('broadcast_sending');
    expect(await stored(h)).toEqual(before);

    const recall = await rita.post(`/api/v1/broadcasts/${id}/recall`);
    expect(recall.status).toBe(200);
    expect(recall.body).toEqual({ cancelled: 2, recalled: 0, notRecalled: [] });
    const recalled = (await rita.get(`/api/v1/broadcasts/${id}`)).body;
    expect(recalled).toMatchObject({
      state: 'recalled',
      lastRun: { state: 'finished', report: { cancelled: 2, total: 2 } },
    });
    expect(recalled.deliveries.map((d: { status: string }) => d.status)).toEqual(['cancelled', 'cancelled']);

    expect((await rita.delete(`/api/v1/broadcasts/${id}`)).status).toBe(200);
    expect((await rita.get(`/api/v1/broadcasts/${id}`)).status).toBe(404);
  });

  test('when the robot is logged in, then a "now" broadcast reaches every room, each room shows sent with its message id, and a recall the puppet refuses is reported', async () => {
    const synced = nextEvent(h.runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
    svc.mocker.login(svc.user);
    expect((await synced).result).toMatchObject({ created: 0, updated: 2 });

    const { id, runId } = await sendNow([text('今晚八点开播'), link]);
    const received = await svc.puppet.receivedCount(4);
    await runSettled(runId, 4);
    // The last settle finishes the run in the background; finishing again is a no-op once it is.
    await h.broadcasts.runner.finish(runId);

    // The recalled broadcast's sends never went out, even though the outbox held them until the login.
    expect(received.map((r) => r.text)).not.toContain('doomed');
    for (const { room } of mockRooms) {
      expect(received.filter((r) => r.conversationId === room.id).map((r) => r.kind)).toEqual(['text', 'url']);
    }
    const got = (await rita.get(`/api/v1/broadcasts/${id}`)).body;
    expect(got).toMatchObject({
      state: 'finished',
      runs: 1,
      lastRun: { id: runId, state: 'finished', report: { sent: 2, total: 2 } },
    });
    const ids = new Set(received.map((r) => r.messageId));
    expect(got.deliveries).toHaveLength(2);
    for (const d of got.deliveries) {
      expect(d).toMatchObject({ robotId, status: 'sent' });
      expect(d.sends).toHaveLength(2);
      for (const s of d.sends) {
        expect(s.status).toBe('sent');
        expect(ids.has(s.puppetMessageId)).toBe(true);
        expect(typeof s.sentAt).toBe('string');
      }
    }

    const recall = await rita.post(`/api/v1/broadcasts/${id}/recall`);
    expect(recall.status).toBe(200);
    expect(recall.body.cancelled).toBe(0);
    expect(recall.body.recalled).toBe(0);
    expect(recall.body.notRecalled).toHaveLength(4);
    for (const n of recall.body.notRecalled) expect(n.reason).toBe('recall_refused');
    const sends = got.deliveries.flatMap((d: { sends: { id: string }[] }) => d.sends.map((s) => s.id)).sort();
    expect(recall.body.notRecalled.map((n: { sendId: string }) => n.sendId).sort()).toEqual(sends);
    const after = (await rita.get(`/api/v1/broadcasts/${id}`)).body;
    expect(after.deliveries.map((d: { status: string }) => d.status)).toEqual(['sent', 'sent']);
    expect(after.deliveries[0].sends[0].recallError).toEqual(expect.any(String));
  });

  test('when the puppet allows the recall, then every sent message is withdrawn and the rooms show recalled', async () => {
    svc.puppet.recallable = true;
    const before = svc.puppet.received.length;
    const { id, runId } = await sendNow([text('wrong price')]);
    const received = (await svc.puppet.receivedCount(before + 2)).slice(before);
    await runSettled(runId, 2);
    await h.broadcasts.runner.finish(runId);

    const recall = await rita.post(`/api/v1/broadcasts/${id}/recall`);
    expect(recall.status).toBe(200);
    expect(recall.body).toEqual({ cancelled: 0, recalled: 2, notRecalled: [] });
    expect([...svc.puppet.recalled].sort()).toEqual(received.map((r) => r.messageId).sort());
    const got = (await rita.get(`/api/v1/broadcasts/${id}`)).body;
    expect(got).toMatchObject({
      state: 'recalled',
      lastRun: { state: 'finished', report: { recalled: 2, sent: 0, total: 2 } },
    });
    expect(got.deliveries.map((d: { status: string }) => d.status)).toEqual(['recalled', 'recalled']);
    expect(got.deliveries[0].sends[0].recalledAt).toEqual(expect.any(String));
    // A second recall has nothing left to withdraw.
    expect((await rita.post(`/api/v1/broadcasts/${id}/recall`)).body).toEqual({
      cancelled: 0,
      recalled: 0,
      notRecalled: [],
    });
  });
});

describe('native API: broadcasts on a fake clock', () => {
  let hc: Harness;
  let clock: FakeClock;
  let cara: Client;

  beforeAll(async () => {
    clock = new FakeClock(Date.UTC(2026, 10, 22, 1, 0, 0));
    hc = await apiHarness(tClock.db, { runtime: testRuntime(tClock.db, { clock }) });
    cara = await hc.owner('cara');
    await robotWithRooms(hc, 'cara', 2);
  });

  afterAll(() => hc.broadcasts.close());

  test('when a cron broadcast falls due, then a tick runs it once; its runs are listed in pages; it ends at its end date', async () => {
    const res = await cara.post('/api/v1/broadcasts').send(
      later({
        schedule: { kind: 'cron', expression: '30 9 * * *', timeZone: 'Asia/Shanghai' },
        endAt: '2026-11-24T00:00:00Z',
      }),
    );
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    expect(res.body.nextRunAt).toBe('2026-11-22T01:30:00.000Z');

    expect((await hc.broadcasts.runner.tick()).fired).toBe(0);
    clock.advance(30 * MIN);
    expect(await hc.broadcasts.runner.tick()).toMatchObject({ fired: 1, missed: 0 });
    expect((await hc.broadcasts.runner.tick()).fired).toBe(0);
    const first = (await cara.get(`/api/v1/broadcasts/${id}`)).body;
    expect(first).toMatchObject({ state: 'active', runs: 1, executed: 1, nextRunAt: '2026-11-23T01:30:00.000Z' });
    expect(first.lastRun).toMatchObject({
      seq: 1,
      scheduledFor: '2026-11-22T01:30:00.000Z',
      state: 'finished',
      report: { failed: 2, total: 2 },
    });
    expect(
      (await cara.put(`/api/v1/broadcasts/${id}`).send(later({ schedule: { kind: 'now' } }))).body.error.code,
    ).toBe('broadcast_started');

    clock.advance(24 * 60 * MIN);
    expect((await hc.broadcasts.runner.tick()).fired).toBe(1);
    // The next occurrence (11-24 01:30) is after the end date: finished.
    expect((await cara.get(`/api/v1/broadcasts/${id}`)).body).toMatchObject({
      state: 'finished',
      runs: 2,
      executed: 2,
      nextRunAt: null,
    });

    const page1 = await cara.get(`/api/v1/broadcasts/${id}/runs?limit=1`);
    expect(page1.body.items.map((r: { seq: number }) => r.seq)).toEqual([1]);
    const page2 = await cara.get(`/api/v1/broadcasts/${id}/runs?limit=1&cursor=${page1.body.nextCursor}`);
    expect(page2.body.items).toMatchObject([{ seq: 2, scheduledFor: '2026-11-23T01:30:00.000Z', state: 'finished' }]);
    expect(page2.body.nextCursor).toBeUndefined();
    expect((await cara.get(`/api/v1/broadcasts/${id}/runs/2`)).body.deliveries).toHaveLength(2);
    expect((await cara.get(`/api/v1/broadcasts/${id}/runs/3`)).status).toBe(404);
  });

  test('when a paused broadcast falls due, then no tick runs it; resuming within the grace period runs it', async () => {
    const id = (
      await cara
        .post('/api/v1/broadcasts')
        .send(later({ schedule: { kind: 'once', at: new Date(clock.now() + 5 * MIN).toISOString() } }))
    ).body.id as string;
    expect((await cara.post(`/api/v1/broadcasts/${id}/pause`)).status).toBe(200);
    clock.advance(6 * MIN);
    expect((await hc.broadcasts.runner.tick()).fired).toBe(0);
    expect((await cara.get(`/api/v1/broadcasts/${id}`)).body.runs).toBe(0);
    expect((await cara.post(`/api/v1/broadcasts/${id}/resume`)).status).toBe(200);
    await hc.broadcasts.runner.idle();
    expect((await cara.get(`/api/v1/broadcasts/${id}`)).body).toMatchObject({
      state: 'finished',
      runs: 1,
      executed: 1,
      lastRun: { seq: 1, plan: 'run', state: 'finished' },
    });
  });

  test('when the schedule is judged against the clock, then a time before the clock is in the past and a cron that never runs before its end is refused', async () => {
    const before = await stored(hc);
    const past = await cara
      .post('/api/v1/broadcasts')
      .send(later({ schedule: { kind: 'once', at: new Date(clock.now() - MIN).toISOString() } }));
    expect(past.status).toBe(400);
    expect(past.body.error.code).toBe('schedule_in_past');
    const never = await cara.post('/api/v1/broadcasts').send(
      later({
        schedule: { kind: 'cron', expression: '0 9 1 1 *', timeZone: 'UTC' },
        endAt: new Date(clock.now() + 7 * 24 * 60 * MIN).toISOString(),
      }),
    );
    expect(never.status).toBe(400);
    expect(never.body.error.code).toBe('invalid_schedule');
    const endPast = await cara.post('/api/v1/broadcasts').send(
      later({
        schedule: { kind: 'cron', expression: '0 9 * * *' },
        endAt: new Date(clock.now() - 1000).toISOString(),
      }),
    );
    expect(endPast.body.error.code).toBe('invalid_schedule');
    expect(await stored(hc)).toEqual(before);
  });
});
