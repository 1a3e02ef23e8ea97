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
