import request from 'supertest';
import { start, type Started } from '../../src/main';
import { testMongoUri, useTestDatabase } from '../support/mongo';
import { startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent } from '../support/runtime';
import { inviteRobotIntoNewGroup, loggedInServiceRobot } from '../support/service-robots';

/**
 * Group owners over a real qunbot and two puppet-service mock robots: a platform user signs up
 * and gets the least-loaded robot, invites it into a group (the group becomes theirs, their
 * WeChat id is learnt from their nickname), an operator cancels the group (the robot leaves),
 * and a blocked owner gets no robot. Another tenant sees none of it.
 */
const t = useTestDatabase(__filename);
const ADMIN_KEY = 'qb_owners-e2e-test-admin-key-012345';
const env = () => ({
  NODE_ENV: 'test',
  PORT: '0',
  MONGODB_URI: `${testMongoUri().replace(/\/$/, '')}/${t.db.connection.name}`,
  QUNBOT_ADMIN_KEY: ADMIN_KEY,
  QUNBOT_ADMIN_PASSWORD: 'Owners-admin-pass1',
});

let qunbot: Started;
let services: MockService[];
let acme: string;
let globex: string;
const robotIds: string[] = [];

const api = () => request(qunbot.url);
const bearer = (key: string) => ({ Authorization: `Bearer ${key}` });

beforeAll(async () => {
  services = [await startMockService('RobotA'), await startMockService('RobotB')];
  qunbot = await start(env());
  const key = async (owner: string) =>
    (await api().post('/api/v1/api-keys').set(bearer(ADMIN_KEY)).send({ name: owner, owner })).body.key as string;
  [acme, globex] = [await key('acme'), await key('globex')];
  for (const [i, svc] of services.entries())
    robotIds.push(await loggedInServiceRobot(qunbot, ADMIN_KEY, svc, { name: `r${i}`, owner: 'acme' }));
});
afterAll(async () => {
  await qunbot?.stop();
  for (const svc of services ?? []) await svc.stop();
});

/** The mock service of a robot id. */
const serviceOf = (robotId: string) => services[robotIds.indexOf(robotId)];

/** `by` invites the robot of `svc` into a new room; resolves when qunbot has recorded it. */
/** `by` invites the robot of `svc` into a new group; resolves when qunbot has recorded it. */
const invite = (svc: MockService, by: ReturnType<MockService['mocker']['createContact']>, topic: string) =>
  inviteRobotIntoNewGroup(qunbot, svc, by, topic);

describe('group owners', () => {
  test('when robot A already serves a group, then a new owner is assigned robot B; asking again keeps it; an unassignable robot is never picked', async () => {
    // Robot B serves one group of an earlier owner.
    const first = await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-first' });
    expect(first.status).toBe(200);
    expect(first.body.robot.id).toBe(robotIds[0]);
    await api().patch(`/api/v1/group-owners/${first.body.owner.userId}`).set(bearer(acme)).send({ nickName: 'First' });
    const firstContact = serviceOf(robotIds[0]).mocker.createContact({ name: 'First' });
    const { roomId } = await invite(serviceOf(robotIds[0]), firstContact, '第一个群');
    expect((await api().get(`/api/v1/rooms/${roomId}/group-owner`).set(bearer(acme))).body.userId).toBe(
      first.body.owner.userId,
    );

    const amy = await api()
      .post('/api/v1/group-owners/assign')
      .set(bearer(acme))
      .send({ unionId: 'union-amy', openId: 'open-amy', channel: 'wx', sharingUserId: first.body.owner.userId });
    expect(amy.status).toBe(200);
    expect(amy.body.robot).toMatchObject({ id: robotIds[1], wxName: 'RobotB' });
    expect(amy.body.owner).toMatchObject({ unionId: 'union-amy', openId: 'open-amy', channel: 'wx', tenant: 'acme' });
    const again = await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-amy' });
    expect([again.body.owner.userId, again.body.robot.id]).toEqual([amy.body.owner.userId, robotIds[1]]);

    await api().patch(`/api/v1/robots/${robotIds[1]}`).set(bearer(acme)).send({ assignable: false });
    const third = await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-third' });
    expect(third.body.robot.id).toBe(robotIds[0]);
    await api().patch(`/api/v1/robots/${robotIds[0]}`).set(bearer(acme)).send({ assignable: false });
    const none = await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-fourth' });
    expect([none.status, none.body.error.code]).toEqual([409, 'no_robot']);
    for (const id of robotIds) await api().patch(`/api/v1/robots/${id}`).set(bearer(acme)).send({ assignable: true });
  });

  test('when an owner invites their robot into a group, then it is theirs and their WeChat id is learnt; a stranger’s invitation makes no group', async () => {
    const amy = (await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-amy' })).body;
    await api().patch(`/api/v1/group-owners/${amy.owner.userId}`).set(bearer(acme)).send({ nickName: 'Amy' });
    const svc = serviceOf(amy.robot.id);
    const amyContact = svc.mocker.createContact({ name: 'Amy' });
    const { roomId } = await invite(svc, amyContact, 'Amy 的群');
    const owner = await api().get(`/api/v1/group-owners/${amy.owner.userId}`).set(bearer(acme));
    expect(owner.body.wxId).toBe(amyContact.id);
    // Known by id now: a second group is hers even after her nickname changed.
    await api().patch(`/api/v1/group-owners/${amy.owner.userId}`).set(bearer(acme)).send({ nickName: 'Amy 2' });
    const second = await invite(svc, amyContact, 'Amy 的第二个群');
    const stranger = await invite(svc, svc.mocker.createContact({ name: 'Stranger' }), '陌生人的群');

    const groups = await api().get(`/api/v1/group-owners/${amy.owner.userId}/groups`).set(bearer(acme));
    expect(groups.body.total).toBe(2);
    expect(groups.body.items.map((g: { roomId: string }) => g.roomId)).toEqual([roomId, second.roomId]);
    expect((await api().get(`/api/v1/rooms/${stranger.roomId}/group-owner`).set(bearer(acme))).status).toBe(404);

    // Another tenant sees neither the owner nor the groups.
    expect((await api().get(`/api/v1/group-owners/${amy.owner.userId}`).set(bearer(globex))).status).toBe(404);
    expect((await api().get(`/api/v1/group-owners/${amy.owner.userId}/groups`).set(bearer(globex))).status).toBe(404);
    expect((await api().get('/api/v1/group-owners').set(bearer(globex))).body.items).toEqual([]);
    expect((await api().post(`/api/v1/rooms/${roomId}/cancel`).set(bearer(globex)).send({ reason: 1 })).status).toBe(
      404,
    );
  });

  test('when an operator cancels a group, then the robot leaves the room, the room is gone and the group is listed as cancelled', async () => {
    const amy = (await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-amy' })).body;
    const svc = serviceOf(amy.robot.id);
    const [group] = (await api().get(`/api/v1/group-owners/${amy.owner.userId}/groups`).set(bearer(acme))).body.items;
    const room = (await api().get(`/api/v1/rooms/${group.roomId}`).set(bearer(acme))).body;
    const cancelled = await api().post(`/api/v1/rooms/${group.roomId}/cancel`).set(bearer(acme)).send({ reason: 3 });
    expect(cancelled.body).toEqual({ roomId: group.roomId, left: true });
    expect(svc.puppet.quitRooms).toContain(room.puppetId);
    expect((await api().get(`/api/v1/rooms/${group.roomId}`).set(bearer(acme))).body.present).toBe(false);
    const active = (await api().get(`/api/v1/group-owners/${amy.owner.userId}/groups`).set(bearer(acme))).body;
    expect(active.items.map((g: { roomId: string }) => g.roomId)).not.toContain(group.roomId);
    const all = await api().get(`/api/v1/group-owners/${amy.owner.userId}/groups?cancelled=true`).set(bearer(acme));
    expect(all.body.items.find((g: { roomId: string }) => g.roomId === group.roomId)).toMatchObject({
      cancelReason: 3,
    });
    // Twice: nothing active to cancel.
    expect((await api().post(`/api/v1/rooms/${group.roomId}/cancel`).set(bearer(acme)).send({})).status).toBe(404);
  });

  test('when an assigned owner asks the robot to be friends and invites it into a room, then it accepts both and learns their WeChat id from the invitation; a stranger’s or a copycat’s request stays unanswered', async () => {
    const cleo = (await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-cleo' }))
      .body;
    await api().patch(`/api/v1/group-owners/${cleo.owner.userId}`).set(bearer(acme)).send({ nickName: 'Cleo' });
    const svc = serviceOf(cleo.robot.id);
    const ask = async (send: () => string) => {
      const heard = nextEvent(qunbot.runtime.manager, 'request', (e) => e.robotId === cleo.robot.id);
      const id = send();
      await heard;
      await qunbot.groupOwners.requests!.settled();
      return id;
    };
    const cleoContact = svc.mocker.createContact({ name: 'Cleo' });
    const friend = await ask(() => svc.puppet.askFriend(cleoContact.id, '我是 Cleo'));
    expect(svc.puppet.accepted).toContain(friend);
    // A name is easy to copy: a friend request does not teach who Cleo is; her invitation does.
    const wxIdOfCleo = async () =>
      (await api().get(`/api/v1/group-owners/${cleo.owner.userId}`).set(bearer(acme))).body.wxId as string | undefined;
    expect(await wxIdOfCleo()).toBeUndefined();
    const invitation = await ask(() => svc.puppet.inviteToRoom(cleoContact.id, 'Cleo 的新群'));
    expect(svc.puppet.accepted).toContain(invitation);
    expect(await wxIdOfCleo()).toBe(cleoContact.id);
    // Known by id now: someone else called Cleo is a stranger.
    const copycat = svc.mocker.createContact({ name: 'Cleo' });
    const copied = await ask(() => svc.puppet.inviteToRoom(copycat.id, '冒充的群'));
    expect(svc.puppet.accepted).not.toContain(copied);

    const stranger = svc.mocker.createContact({ name: 'Mallory' });
    const refused = await ask(() => svc.puppet.askFriend(stranger.id, 'hi'));
    const refusedRoom = await ask(() => svc.puppet.inviteToRoom(stranger.id, 'spam'));
    expect(svc.puppet.accepted).not.toContain(refused);
    expect(svc.puppet.accepted).not.toContain(refusedRoom);
  });

  test('when an owner is blocked, then they get no robot until unblocked', async () => {
    const bob = (await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-bob' })).body;
    const blocked = await api()
      .patch(`/api/v1/group-owners/${bob.owner.userId}`)
      .set(bearer(acme))
      .send({ blocked: true });
    expect(blocked.body.blocked).toBe(true);
    const refused = await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-bob' });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'owner_blocked']);
    // A blocked owner's requests are not answered.
    const svc = serviceOf(bob.robot.id);
    const bobContact = svc.mocker.createContact({ name: 'Bob' });
    await api().patch(`/api/v1/group-owners/${bob.owner.userId}`).set(bearer(acme)).send({ nickName: 'Bob' });
    const heard = nextEvent(qunbot.runtime.manager, 'request', (e) => e.robotId === bob.robot.id);
    const asked = svc.puppet.askFriend(bobContact.id, 'hi');
    await heard;
    await qunbot.groupOwners.requests!.settled();
    expect(svc.puppet.accepted).not.toContain(asked);
    await api().patch(`/api/v1/group-owners/${bob.owner.userId}`).set(bearer(acme)).send({ blocked: false });
    expect(
      (await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send({ unionId: 'union-bob' })).status,
    ).toBe(200);
  });

  test.each([
    [{}, 'unionId'],
    [{ unionId: '' }, 'unionId'],
    [{ unionId: 'has space' }, 'unionId'],
    [{ unionId: 'x'.repeat(129) }, 'unionId'],
    [{ unionId: 'ok', extra: 1 }, ''],
    [{ unionId: 'ok', channel: 7 }, 'channel'],
  ])('when assign gets %j, then 400 names %p and nobody is signed up', async (body, path) => {
    const before = await t.db.connection.collection('groupowners').countDocuments();
    const res = await api().post('/api/v1/group-owners/assign').set(bearer(acme)).send(body);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await t.db.connection.collection('groupowners').countDocuments()).toBe(before);
  });

  test('when an admin key assigns without naming the tenant, then 400; another tenant’s sign-up of the same union id is its own and leaves acme’s untouched', async () => {
    const res = await api().post('/api/v1/group-owners/assign').set(bearer(ADMIN_KEY)).send({ unionId: 'u-admin' });
    expect(res.status).toBe(400);
    // globex has no robot: its sign-up is kept, but it gets none.
    const theirs = await api()
      .post('/api/v1/group-owners/assign')
      .set(bearer(globex))
      .send({ unionId: 'union-amy', openId: 'globex-open' });
    expect([theirs.status, theirs.body.error.code]).toEqual([409, 'no_robot']);
    const stored = await t.db.connection.collection('groupowners').find({ unionId: 'union-amy' }).toArray();
    expect(stored.map((o) => [o.tenant, o.openId]).sort()).toEqual([
      ['acme', 'open-amy'],
      ['globex', 'globex-open'],
    ]);
  });
});
