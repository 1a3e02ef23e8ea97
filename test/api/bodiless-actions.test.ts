import { apiHarness } from '../support/api';
import { useTestDatabase } from '../support/mongo';

const t = useTestDatabase(__filename);

/** Actions that take no body accept none or `{}`; anything else is refused before they run. */
describe('bodiless actions', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let robotId: string;

  beforeAll(async () => {
    h = await apiHarness(t.db);
    robotId = (await h.admin.post('/api/v1/robots').send({ name: 'bodiless', owner: 'o1', puppet: { kind: 'mock' } }))
      .body.id;
    // Desired running (as after a login), so a stop would show.
    await h.runtime.robots.setDesired(robotId, 'running');
  });

  test.each([
    ['text/plain', 'stop please', 415, 'unsupported_media_type'],
    ['application/x-www-form-urlencoded', 'a=1', 415, 'unsupported_media_type'],
    ['application/xml', '<stop/>', 415, 'unsupported_media_type'],
    ['application/json', '[]', 400, 'invalid_request'],
    ['application/json', '{"force":true}', 400, 'invalid_request'],
  ])(
    'when POST /robots/{id}/stop has a %s body %j, then %i %s and the robot is not stopped',
    async (type, body, status, code) => {
      const res = await h.admin.post(`/api/v1/robots/${robotId}/stop`).set('Content-Type', type).send(body);
      expect([res.status, res.body.error?.code]).toEqual([status, code]);
      expect((await h.runtime.robots.get(robotId))?.desired).not.toBe('stopped');
    },
  );

  test.each([
    ['no body', undefined],
    ['an empty JSON object', '{}'],
  ])('when POST /robots/{id}/stop has %s, then the robot is stopped', async (_what, body) => {
    const req = h.admin.post(`/api/v1/robots/${robotId}/stop`);
    const res = body === undefined ? await req : await req.set('Content-Type', 'application/json').send(body);
    expect(res.status).toBe(200);
    expect((await h.runtime.robots.get(robotId))?.desired).toBe('stopped');
    await h.runtime.robots.setDesired(robotId, 'running');
  });
});
