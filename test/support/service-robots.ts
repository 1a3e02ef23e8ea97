import request from 'supertest';
import type { Started } from '../../src/main';
import type { MockService } from './puppet-mock';
import { nextEvent } from './runtime';

/**
 * Creates a robot of `owner` over a puppet-service mock (with an admin key: only admins choose
 * puppet settings), logs it in and resolves with its id once its rooms are synced.
 */
export async function loggedInServiceRobot(
  qunbot: Pick<Started, 'url' | 'runtime'>,
  adminKey: string,
  svc: MockService,
  robot: { name: string; owner: string },
): Promise<string> {
  const auth = { Authorization: `Bearer ${adminKey}` };
  const created = await request(qunbot.url)
    .post('/api/v1/robots')
    .set(auth)
    .send({ ...robot, puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true } });
  const id = created.body.id as string;
  const synced = nextEvent(qunbot.runtime.manager, 'rooms-synced', (e) => e.robotId === id);
  await request(qunbot.url).post(`/api/v1/robots/${id}/login`).set(auth);
  svc.mocker.login(svc.user);
  await synced;
  return id;
}

/** The calendar day `YYYY-MM-DD` of an instant (default now) in `timeZone`. */
export const calendarDay = (timeZone: string, at: Date = new Date()) =>
  new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

/**
 * `by` creates a group of three with two others and invites the robot of `svc` into it; resolves
 * once qunbot handled the join and recorded whose group it is.
 */
export async function inviteRobotIntoNewGroup(
  qunbot: Pick<Started, 'runtime' | 'groupOwners'>,
  svc: MockService,
  by: ReturnType<MockService['mocker']['createContact']>,
  topic: string,
) {
  const others = svc.mocker.createContacts(2);
  const room = svc.mocker.createRoom({ topic, memberIdList: [by.id, ...others.map((o) => o.id)], ownerId: by.id });
  const joined = nextEvent(
    qunbot.runtime.manager,
    'handled',
    (e) => e.event.kind === 'room-join' && e.event.room.id === room.id,
  );
  room.add(svc.user).by(by);
  const { roomId } = await joined;
  await qunbot.groupOwners.invitations.settled();
  return { room, roomId: roomId as string, others };
}
