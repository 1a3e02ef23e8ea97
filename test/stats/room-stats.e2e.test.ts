import request from 'supertest';
import { start, type Started } from '../../src/main';
import { testMongoUri, useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent } from '../support/runtime';
import { calendarDay } from '../support/service-robots';

/**
 * Rooms' daily statistics over a real qunbot and a puppet-service mock robot: members talk, join
 * and leave, the robot sends, and the statistics endpoints count it all (from the event stream,
 * written in a batch that the read itself flushes: the interval here is an hour).
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_stats-e2e-test-admin-key-01234';
const env = () => ({
  NODE_ENV: 'test',
  PORT: '0',
  MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
  QUNBOT_ADMIN_KEY: ADMIN_KEY,
  QUNBOT_ADMIN_PASSWORD: 'Stats-admin-pass1',
  QUNBOT_STATS_FLUSH_SEC: '3600',
  QUNBOT_TIME_ZONE: 'Asia/Shanghai',
});

let qunbot: Started;
let svc: MockService;
let mockRooms: ReturnType<typeof createRooms>;
let acme: string;
let globex: string;
let robotId: string;
let roomId: string;

const api = () => request(qunbot.url);
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });
const today = () => calendarDay('Asia/Shanghai');

beforeAll(async () => {
  svc = await startMockService('StatsBot');
  mockRooms = createRooms(svc, 1, 4, () => '统计群');
  qunbot = await start(env());
  const key = async (owner: string) =>
    (await api().post('/api/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: owner, owner })).body.key as string;
  [acme, globex] = [await key('acme'), await key('globex')];
  const robot = await api()
    .post('/api/v1/robots')
    .set(bearer(ADMIN_KEY))
    .send({
      name: 's',
      owner: 'acme',
      puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
    });
  robotId = robot.body.id;
  const synced = nextEvent(qunbot.runtime.manager, 'rooms-synced', (e) => e.robotId === robotId);
  await api().post(`/api/v1/robots/${robotId}/login`).set(bearer(acme));
  svc.mocker.login(svc.user);
  await synced;
  roomId = (await api().get(`/api/v1/rooms?robotId=${robotId}`).set(bearer(acme))).body.items[0].id;
  // No welcome: the only send counted is the one below.
  await api()
    .patch(`/api/v1/rooms/${roomId}`)
    .set(bearer(acme))
    .send({ plugins: { welcome: false } });
});
afterAll(async () => {
  await qunbot?.stop();
  await svc?.stop();
});

describe('room statistics', () => {
  test('when members talk, join and leave and the robot sends, then the room’s day and the owner’s day count it; another owner sees none of it', async () => {
    const { room, people } = mockRooms[0];
    const handled = (n: number) => {
      let seen = 0;
      return nextEvent(qunbot.runtime.manager, 'handled', (e) => e.robotId === robotId && ++seen === n);
    };
    const three = handled(3);
    people[0].say('早上好').to(room);
    people[0].say('今天开会').to(room);
    people[1].say('收到').to(room);
    await three;
    const newcomer = svc.mocker.createContact({ name: '新人' });
    let joined = nextEvent(qunbot.runtime.manager, 'handled', (e) => e.event.kind === 'room-join');
    room.add(newcomer).by(people[0]);
    await joined;
    joined = nextEvent(qunbot.runtime.manager, 'handled', (e) => e.event.kind === 'room-leave');
    room.remove(newcomer).by(people[0]);
    await joined;
    const sent = nextEvent(qunbot.runtime.manager, 'settled', (e) => e.record.status === 'sent');
    const queued = await api()
      .post('/api/v1/messages')
      .set(bearer(acme))
      .send({ robotId, roomId, content: { type: 'text', text: '通知' } });
    expect(queued.status).toBe(202);
    await sent;

    const days = await api().get(`/api/v1/rooms/${roomId}/statistics`).set(bearer(acme));
    expect(days.status).toBe(200);
    expect(days.body).toEqual({
      roomId,
      timeZone: 'Asia/Shanghai',
      items: [{ day: today(), messages: 3, speakers: 2, joins: 1, exits: 1, sent: 1, members: 5 }],
    });
    const mine = await api().get('/api/v1/statistics/day').set(bearer(acme));
    expect(mine.body).toEqual({
      day: today(),
      timeZone: 'Asia/Shanghai',
      rooms: 1,
      messages: 3,
      sent: 1,
      joins: 1,
      exits: 1,
    });
    const theirs = await api().get('/api/v1/statistics/day').set(bearer(globex));
    expect(theirs.body).toMatchObject({ rooms: 0, messages: 0, sent: 0 });
    expect((await api().get(`/api/v1/rooms/${roomId}/statistics`).set(bearer(globex))).status).toBe(404);
    expect((await api().get('/api/v1/statistics/day?owner=acme').set(bearer(globex))).status).toBe(403);
    expect((await api().get('/api/v1/statistics/day?owner=acme').set(bearer(ADMIN_KEY))).body.messages).toBe(3);
  });

  test.each([
    ['from=2026-02-30', 'from'],
    ['to=2026-13-01', 'to'],
    ['from=2026-12-05&to=2026-12-04', 'from'],
    ['from=2025-01-01&to=2026-12-04', 'from'],
    ['from=yesterday', 'from'],
  ])('when a room’s statistics are asked with %s, then 400 names %s', async (query, field) => {
    const res = await api().get(`/api/v1/rooms/${roomId}/statistics?${query}`).set(bearer(acme));
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
  });

  test('when qunbot stops and starts again, then the counts are stored and the next day range still finds them', async () => {
    await qunbot.stop();
    const stored = await t.db.connection.collection('roomdays').find({}).toArray();
    expect(stored.map((d) => [d.day, d.messages, d.speakers.length])).toEqual([[today(), 3, 2]]);
    qunbot = await start(env());
    const res = await api().get(`/api/v1/rooms/${roomId}/statistics?from=2026-01-01&to=${today()}`).set(bearer(acme));
    expect(res.body.items).toHaveLength(1);
  });
});
