import { useTestDatabase } from '../../support/mongo';
import { apiHarness } from '../../support/api';
import { robotWithRoom } from '../../support/plugin-rooms';

const t = useTestDatabase(__filename);

describe('native API: sign-in', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  beforeAll(async () => {
    h = await apiHarness(t.db);
  });

  test('when an owner manages a sign-in rule, then create, get, patch, put, list and delete work on the stored rule', async () => {
    const alice = await h.owner('alice');
    const { room } = await robotWithRoom(h.runtime, 'alice', 'Alice group');
    const created = await alice
      .post('/api/v1/sign-in-rules')
      .send({ keywords: ['签到'], roomIds: [room.id], points: 2, windows: [{ start: '06:00', end: '10:00' }] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      owner: 'alice',
      keywords: ['签到'],
      points: 2,
      roomIds: [room.id],
      enabled: true,
    });
    expect(created.body.replies.first).toContain('{points}');
    const id = created.body.id as string;

    expect((await alice.get(`/api/v1/sign-in-rules/${id}`)).body.windows).toEqual([{ start: '06:00', end: '10:00' }]);
    const patched = await alice
      .patch(`/api/v1/sign-in-rules/${id}`)
      .send({ streakBonus: 1, replies: { repeat: '{name} 已签' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      points: 2,
      streakBonus: 1,
      roomIds: [room.id],
      replies: { repeat: '{name} 已签', first: created.body.replies.first },
    });
    const put = await alice.put(`/api/v1/sign-in-rules/${id}`).send({ keywords: ['打卡'] });
    expect(put.body).toMatchObject({
      keywords: ['打卡'],
      points: 1,
      roomIds: [],
      windows: [],
      replies: { repeat: '{name} 已签' },
    });

    const list = await alice.get('/api/v1/sign-in-rules?enabled=true');
    expect(list.body.items.map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await alice.delete(`/api/v1/sign-in-rules/${id}`)).body).toEqual({ ok: true });
    expect(await h.plugins['sign-in'].signIn.rules('alice')).toEqual([]);
  });

  test("when members have signed in, then the leaderboard ranks them and a member's history shows days and total", async () => {
    const carol = await h.owner('carol');
    const { robot, room } = await robotWithRoom(h.runtime, 'carol', 'Carol group');
    const rule = await h.plugins['sign-in'].signIn.createRule('carol', {
      keywords: ['签到'],
      points: 3,
      streakBonus: 1,
      maxStreakBonusDays: 5,
    });
    const sign = (memberId: string, memberName: string, at: string) =>
      h.plugins['sign-in'].signIn.signIn({
        rule,
        robotId: robot.id,
        roomId: room.id,
        memberId,
        memberName,
        at: new Date(at),
      });
    await sign('wx-ann', 'Ann', '2024-03-01T01:00:00Z');
    await sign('wx-ann', 'Ann', '2024-03-02T01:00:00Z');
    await sign('wx-ben', 'Ben', '2024-03-02T02:00:00Z');

    const board = await carol.get(`/api/v1/rooms/${room.id}/sign-ins/leaderboard?limit=10`);
    expect(board.status).toBe(200);
    expect(board.body).toEqual({
      roomId: room.id,
      items: [
        { rank: 1, memberId: 'wx-ann', memberName: 'Ann', points: 7, days: 2 },
        { rank: 2, memberId: 'wx-ben', memberName: 'Ben', points: 3, days: 1 },
      ],
    });
    const ann = await carol.get(`/api/v1/rooms/${room.id}/sign-ins/members/wx-ann`);
    expect(ann.status).toBe(200);
    expect(ann.body).toMatchObject({ roomId: room.id, memberId: 'wx-ann', memberName: 'Ann', total: 7 });
    expect(
      ann.body.history.map((r: { day: string; streak: number; points: number }) => [r.day, r.streak, r.points]),
    ).toEqual([
      ['2024-03-02', 2, 4],
      ['2024-03-01', 1, 3],
    ]);
    expect(typeof ann.body.history[0].at).toBe('string');
    expect((await carol.get(`/api/v1/rooms/${room.id}/sign-ins/members/nobody`)).body).toMatchObject({
      total: 0,
      history: [],
    });

    const bob = await h.owner('bob');
    expect((await bob.get(`/api/v1/rooms/${room.id}/sign-ins/leaderboard`)).status).toBe(404);
    expect((await bob.get(`/api/v1/rooms/${room.id}/sign-ins/members/wx-ann`)).status).toBe(404);
  });

  test('when no key is sent, then 401', async () => {
    expect((await h.anonymous().get('/api/v1/sign-in-rules')).status).toBe(401);
    const res = await h
      .anonymous()
      .post('/api/v1/sign-in-rules')
      .send({ keywords: ['x'] });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('unauthorized');
  });

  test('when another owner asks for a rule, then 404 and the rule is unchanged', async () => {
    const bob = await h.owner('bob');
    const rule = await h.plugins['sign-in'].signIn.createRule('alice', { keywords: ['mine'] });
    for (const res of [
      await bob.get(`/api/v1/sign-in-rules/${rule.id}`),
      await bob.patch(`/api/v1/sign-in-rules/${rule.id}`).send({ enabled: false }),
      await bob.put(`/api/v1/sign-in-rules/${rule.id}`).send({ keywords: ['theirs'] }),
      await bob.delete(`/api/v1/sign-in-rules/${rule.id}`),
      await bob.get('/api/v1/sign-in-rules/12345'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('not_found');
    }
    expect(await h.plugins['sign-in'].signIn.ruleById(rule.id)).toMatchObject({ keywords: ['mine'], enabled: true });
    expect((await bob.get('/api/v1/sign-in-rules')).body.items).toEqual([]);
  });

  test('when the input is bad, then 400 naming the fields and nothing is written', async () => {
    const dan = await h.owner('dan');
    const { room: otherRoom } = await robotWithRoom(h.runtime, 'alice', "Not dan's");
    const res = await dan
      .post('/api/v1/sign-in-rules')
      .send({ keywords: ['签到'], windows: [{ start: '25:00', end: '10:00' }], points: -1 });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['points', 'windows.0.start']);
    const foreign = await dan.post('/api/v1/sign-in-rules').send({ keywords: ['签到'], roomIds: [otherRoom.id] });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.code).toBe('unknown_room');
    expect(foreign.body.error.details[0].path).toBe('roomIds.0');
    expect(await h.plugins['sign-in'].signIn.rules('dan')).toEqual([]);
    const { room } = await robotWithRoom(h.runtime, 'dan', 'Dan group');
    expect((await dan.get(`/api/v1/rooms/${room.id}/sign-ins/leaderboard?limit=0`)).body.error.details[0].path).toBe(
      'limit',
    );
  });
});
