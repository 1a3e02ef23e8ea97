import request from 'supertest';
import { start, type Started } from '../../../src/main';
import { testMongoUri, useTestDatabase } from '../../support/mongo';
import { startMockService, type MockService } from '../../support/puppet-mock';
import { openEventStream } from '../../support/sse';

/**
 * GET /api/v1/events over a real qunbot and a puppet-service mock robot: the stream tells the
 * robot's owner (and admins) when a QR code waits and when the robot logged in, without polling.
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_events-e2e-test-admin-key-0123';
const ADMIN_PASSWORD = 'Events-admin-pass1';

let qunbot: Started;
let svc: MockService;
beforeAll(async () => {
  svc = await startMockService('EventsBot');
  qunbot = await start({
    NODE_ENV: 'test',
    PORT: '0',
    MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
    QUNBOT_ADMIN_KEY: ADMIN_KEY,
    QUNBOT_ADMIN_PASSWORD: ADMIN_PASSWORD,
    QUNBOT_EVENTS_HEARTBEAT_SEC: '0.2',
  });
});
afterAll(async () => {
  await qunbot.stop();
  await svc.stop();
});

const api = () => request(qunbot.url);
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

describe('the runtime event stream', () => {
  test('when a robot shows a QR code and then logs in, then its owner’s stream says so as it happens, and another owner’s stream says nothing of it', async () => {
    const acme = (await api().post('/api/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'a', owner: 'acme' })).body
      .key as string;
    const globex = (await api().post('/api/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: 'g', owner: 'globex' }))
      .body.key as string;
    const mine = openEventStream(`${qunbot.url}/api/v1/events`, bearer(acme));
    const theirs = openEventStream(`${qunbot.url}/api/v1/events`, bearer(globex));
    await mine.next((e) => e.event === 'ready');
    await theirs.next((e) => e.event === 'ready');
    expect([mine.status, mine.contentType]).toEqual([200, 'text/event-stream; charset=utf-8']);

    // Puppet settings are an admin's to choose: the admin makes acme's robot.
    const robot = await api()
      .post('/api/v1/robots')
      .set(bearer(ADMIN_KEY))
      .send({
        name: 'r',
        owner: 'acme',
        puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
      });
    expect(robot.status).toBe(201);
    const robotId = robot.body.id as string;
    expect((await api().post(`/api/v1/robots/${robotId}/login`).set(bearer(acme))).status).toBe(200);
    const qr = mine.next((e) => e.event === 'qrcode' && e.data.robotId === robotId);
    // The mock shows no QR code by itself: it is asked to, as WeChat would show one.
    await mine.next((e) => e.event === 'robot' && e.data.robotId === robotId);
    svc.mocker.scan('https://login.weixin.qq.com/l/events-test', 2);
    expect((await qr).data.expiresAt).toEqual(expect.any(String));
    const code = await api().get(`/api/v1/robots/${robotId}/qrcode`).set(bearer(acme));
    expect(code.body.payload).toBe('https://login.weixin.qq.com/l/events-test');
    svc.mocker.login(svc.user);
    const loggedIn = await mine.next(
      (e) => e.event === 'robot' && e.data.robotId === robotId && e.data.wxName !== undefined,
    );
    expect(loggedIn.data).toMatchObject({ status: 'logged_in', wxName: 'EventsBot' });
    // A marker the other stream must see after everything above: its own robot's event.
    const other = await api()
      .post('/api/v1/robots')
      .set(bearer(ADMIN_KEY))
      .send({ name: 'g', owner: 'globex', puppet: { kind: 'mock' } });
    await api().post(`/api/v1/robots/${other.body.id}/login`).set(bearer(globex));
    await theirs.next((e) => e.data.robotId === other.body.id);
    expect(theirs.events.filter((e) => e.data.robotId === robotId)).toEqual([]);
    mine.close();
    theirs.close();
    await api().post(`/api/v1/robots/${other.body.id}/stop`).set(bearer(globex));
  });

  test('when the operator’s session ends while the stream is open, then it says ended and closes; without robots.read it is 403', async () => {
    const signIn = await api().post('/api/v1/sessions').send({ username: 'admin', password: ADMIN_PASSWORD });
    const token = signIn.body.token as string;
    const stream = openEventStream(`${qunbot.url}/api/v1/events`, bearer(token));
    await stream.next((e) => e.event === 'ready');
    expect((await api().delete('/api/v1/sessions/current').set(bearer(token))).status).toBe(200);
    const ended = await stream.next((e) => e.event === 'ended');
    expect(ended.data.reason).toMatch(/sign in again/);
    await stream.end();
    expect(stream.ended).toBe(true);

    const role = await api().post('/api/v1/roles').set(bearer(ADMIN_KEY)).send({ name: 'blind', permissions: [] });
    await api()
      .post('/api/v1/operators')
      .set(bearer(ADMIN_KEY))
      .send({ username: 'blind', roleId: role.body.id, password: 'Blind-pass-123' });
    const blind = (await api().post('/api/v1/sessions').send({ username: 'blind', password: 'Blind-pass-123' })).body
      .token as string;
    const refused = await api().get('/api/v1/events').set(bearer(blind));
    expect([refused.status, refused.body.error.code]).toEqual([403, 'forbidden']);
  });
});
