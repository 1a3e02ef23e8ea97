import type { mock } from 'wechaty-puppet-mock';
import { createPuppetFactory } from '../../src/bot/puppets';
import type { Runtime } from '../../src/bot/runtime';
import { memoryLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { nextEvent, testRuntime } from '../support/runtime';

const t = useTestDatabase(__filename);

/**
 * Puppets repeat one failure for every room or contact. wechaty-puppet-mock (as in the demo)
 * raises GErrors with stack traces on every room join ("no payload found for id …@chatroom");
 * a user sees one short warning per distinct cause, the rest at debug.
 */
describe('puppet errors in the log', () => {
  const logs = memoryLog('debug');
  let runtime: Runtime;
  let mocker!: mock.Mocker;

  afterAll(() => runtime.manager.shutdown());

  test('when the same puppet error repeats for several room joins, then one short warning without a stack is logged per cause', async () => {
    runtime = testRuntime(t.db, {
      log: logs.log,
      createPuppet: createPuppetFactory({ mockSetup: (m) => (mocker = m) }),
    });
    const robot = await runtime.manager.create({ name: 'demo-like', owner: 'o', puppet: { kind: 'mock' } });
    await runtime.manager.start(robot.id);
    const user = mocker.createContact({ name: '小助手' });
    const people = mocker.createContacts(3);
    const room = mocker.createRoom({ topic: '粉丝福利群', memberIdList: [user.id, ...people.map((p) => p.id)] });
    const synced = nextEvent(runtime.manager, 'rooms-synced', (e) => e.robotId === robot.id);
    mocker.login(user);
    await synced;

    const bot = runtime.manager.robot(robot.id)?.wechaty;
    if (!bot) throw new Error('robot not started');
    const errors: unknown[] = [];
    let errored: () => void = () => undefined;
    bot.on('error', (err) => {
      errors.push(err);
      errored();
    });
    for (let i = 0; i < 3; i++) {
      const erred = new Promise<void>((resolve) => (errored = resolve));
      const joined = nextEvent(runtime.manager, 'handled', (e) => e.event.kind === 'room-join');
      room.add(mocker.createContact()).by(people[0]);
      await Promise.all([erred, joined]);
    }
    // A different cause is warned about on its own.
    (bot as unknown as NodeJS.EventEmitter).emit('error', new Error('something else broke for 123@chatroom'));

    const warnings = logs.lines.filter((l) => l.level === 40 && String(l.msg).startsWith('puppet error'));
    expect(errors.length).toBeGreaterThanOrEqual(4);
    expect(warnings.map((w) => w.cause)).toEqual(['no payload found for id <id>', 'something else broke for <id>']);
    for (const w of warnings) expect(JSON.stringify(w)).not.toMatch(/stack|\n\s+at /);
    // Every occurrence is still there at debug, with its details.
    expect(logs.lines.filter((l) => l.level === 20 && l.msg === 'puppet error').length).toBe(errors.length);
  });
});
