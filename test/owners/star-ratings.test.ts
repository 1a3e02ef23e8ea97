import { TargetResolver } from '../../src/broadcasts/targets';
import { apiHarness } from '../support/api';
import { useTestDatabase } from '../support/mongo';

/**
 * Star ratings on the native API: rooms are rated with history, the room shows the latest, a
 * broadcast may target only well-rated rooms (`minStar`), and a rating naming a room the caller
 * does not see rates nothing.
 */
const t = useTestDatabase(__filename);

describe('star ratings', () => {
  let h: Awaited<ReturnType<typeof apiHarness>>;
  let rooms: string[];
  let otherRoom: string;

  beforeAll(async () => {
    h = await apiHarness(t.db);
    const robot = await h.runtime.manager.create({ name: 'r', owner: 'acme' });
    const synced = await h.runtime.rooms.sync(
      robot.id,
      undefined,
      ['a', 'b', 'c'].map((x) => ({ puppetId: `${x}@chatroom`, topic: `Room ${x}`, memberCount: 3 })),
    );
    rooms = synced.rooms.map((r) => r.id).sort();
    const other = await h.runtime.manager.create({ name: 'o', owner: 'globex' });
    otherRoom = (
      await h.runtime.rooms.sync(other.id, undefined, [{ puppetId: 'z@chatroom', topic: 'Z', memberCount: 2 }])
    ).rooms[0]!.id;
  });

  test('when rooms are rated twice, then the room shows the latest, the history keeps both, and minStar targets only rooms rated high enough', async () => {
    const acme = await h.owner('acme');
    const first = await acme.post('/api/v1/rooms/star-ratings').send({
      items: [
        { roomId: rooms[0], star: 5, state: 1 },
        { roomId: rooms[1], star: 2 },
      ],
    });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    await acme.post('/api/v1/rooms/star-ratings').send({ items: [{ roomId: rooms[1], star: 4, state: 2 }] });
    expect((await acme.get(`/api/v1/rooms/${rooms[1]}`)).body.starLevel).toBe(4);
    const history = await acme.get(`/api/v1/rooms/${rooms[1]}/star-ratings`);
    expect(history.body.items.map((r: { star: number; state: number }) => [r.star, r.state])).toEqual([
      [4, 2],
      [2, 5],
    ]);
    expect(history.body.items[0].source).toMatch(/^api-key:/);

    const resolver = new TargetResolver(t.db.connection);
    const four = await resolver.resolve('acme', { mode: 'all', minStar: 4 }, 100);
    expect(four.rooms.map((r) => r.roomId).sort()).toEqual([rooms[0], rooms[1]].sort());
    const five = await resolver.resolve('acme', { mode: 'all', minStar: 5 }, 100);
    expect(five.rooms.map((r) => r.roomId)).toEqual([rooms[0]]);
    expect((await resolver.resolve('acme', { mode: 'all' }, 100)).rooms).toHaveLength(3);
  });

  test('when a broadcast targets rooms with at least 4 stars, then it is stored with the filter; 6 stars is refused', async () => {
    const acme = await h.owner('acme');
    const created = await acme.post('/api/v1/broadcasts').send({
      name: 'good rooms',
      materials: [{ type: 'text', text: 'hi' }],
      targets: { mode: 'all', minStar: 4 },
      schedule: { kind: 'cron', expression: '0 9 * * *' },
    });
    expect(created.status).toBe(201);
    expect(created.body.targets).toEqual({ mode: 'all', minStar: 4 });
    const bad = await acme.post('/api/v1/broadcasts').send({
      name: 'bad',
      materials: [{ type: 'text', text: 'hi' }],
      targets: { mode: 'all', minStar: 6 },
      schedule: { kind: 'cron', expression: '0 9 * * *' },
    });
    expect(bad.status).toBe(400);
  });

  test.each([
    [{ items: [{ roomId: 'other', star: 3 }] }, 'items.0.roomId'],
    [{ items: [{ roomId: 'first', star: 6 }] }, 'items.0.star'],
    [{ items: [{ roomId: 'first', star: 3, state: 7 }] }, 'items.0.state'],
    [{ items: [] }, 'items'],
    [
      {
        items: [
          { roomId: 'first', star: 3 },
          { roomId: 'other', star: 3 },
        ],
      },
      'items.1.roomId',
    ],
  ])('when a rating is %j, then 400 names %s and nothing is rated', async (body, path) => {
    const acme = await h.owner('acme');
    const fill = (id: string) => (id === 'other' ? otherRoom : id === 'first' ? rooms[2] : id);
    const sent = { items: body.items.map((i) => ({ ...i, roomId: fill(i.roomId) })) };
    const before = await t.db.connection.collection('starratings').countDocuments();
    const res = await acme.post('/api/v1/rooms/star-ratings').send(sent);
    expect([res.status, res.body.error.code]).toEqual([400, 'invalid_request']);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    expect(await t.db.connection.collection('starratings').countDocuments()).toBe(before);
    expect((await acme.get(`/api/v1/rooms/${rooms[2]}`)).body.starLevel).toBeUndefined();
  });
});
