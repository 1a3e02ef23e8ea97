import type { PipelineStage } from '../../src/bot/pipeline';
import type { BotEvent } from '../../src/bot/plugin';
import type { Runtime } from '../../src/bot/runtime';
import { useTestDatabase } from '../support/mongo';
import { createRooms, startMockService, type MockService } from '../support/puppet-mock';
import { nextEvent, testRuntime } from '../support/runtime';

const t = useTestDatabase(__filename);

describe('two robots in one process', () => {
  let a: MockService;
  let b: MockService;
  let runtime: Runtime;
  const seen: { robotId: string; event: BotEvent }[] = [];
  const ids: Record<string, string> = {};

  const stages: PipelineStage[] = [
    {
      name: 'echo',
      events: ['message'],
      handle: async (ctx) => {
        seen.push({ robotId: ctx.robot.id, event: ctx.event });
        if (ctx.event.kind === 'message') await ctx.reply(`${ctx.robot.name} heard ${ctx.event.text}`);
      },
    },
  ];

  beforeAll(async () => {
    [a, b] = await Promise.all([startMockService('Bot A'), startMockService('Bot B')]);
    runtime = testRuntime(t.db, { stages });
    for (const [name, svc] of [
      ['A', a],
      ['B', b],
    ] as const) {
      createRooms(svc, 2, 3, (i) => `${name} room ${i}`);
      const robot = await runtime.manager.create({
        name,
        owner: `owner-${name}`,
        puppet: { kind: 'service', token: svc.token, endpoint: svc.endpoint, tlsDisable: true },
      });
      ids[name] = robot.id;
      const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robot.id);
      await runtime.manager.start(robot.id);
      svc.mocker.login(svc.user);
      await synced;
    }
  });

  afterAll(async () => {
    await runtime.manager.stopAll();
    await Promise.all([a.stop(), b.stop()]);
  });

  test('when both sync, then each has only its own rooms', async () => {
    expect((await runtime.rooms.list(ids.A)).map((r) => r.topic)).toEqual(['A room 0', 'A room 1']);
    expect((await runtime.rooms.list(ids.B)).map((r) => r.topic)).toEqual(['B room 0', 'B room 1']);
  });

  test('when a message arrives for one robot, then only that robot handles and answers it', async () => {
    const roomA = a.mocker.RoomMock.load((await runtime.rooms.list(ids.A))[0].puppetId);
    const member = a.mocker.ContactMock.load(roomA.payload.memberIdList[1]);
    const replied = a.puppet.receivedCount(a.puppet.received.length + 1);
    member.say('hello A').to(roomA);
    const [reply] = (await replied).slice(-1);
    expect(reply.text).toBe('A heard hello A');
    expect(seen.filter((s) => s.event.kind === 'message' && s.event.text === 'hello A').map((s) => s.robotId)).toEqual([
      ids.A,
    ]);
    expect(b.puppet.received).toHaveLength(0);
  });

  test('when one robot is stopped, then the other keeps working', async () => {
    await runtime.manager.stop(ids.A);
    expect(runtime.manager.robot(ids.A)).toBeUndefined();
    const roomB = b.mocker.RoomMock.load((await runtime.rooms.list(ids.B))[1].puppetId);
    const replied = b.puppet.receivedCount(b.puppet.received.length + 1);
    b.mocker.ContactMock.load(roomB.payload.memberIdList[2]).say('still there?').to(roomB);
    expect((await replied).slice(-1)[0].text).toBe('B heard still there?');
    expect((await runtime.robots.get(ids.A))?.desired).toBe('stopped');
    expect((await runtime.robots.get(ids.B))?.status).toBe('logged_in');
  });
});
