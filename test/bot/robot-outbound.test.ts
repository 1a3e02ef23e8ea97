import { WechatyBuilder, type Wechaty } from 'wechaty';
import { mock } from 'wechaty-puppet-mock';
import type { ConversationKind, Sender } from '../../src/bot/outbox';
import { RobotOutbox } from '../../src/bot/outbox';
import { conversationKind, sayTo } from '../../src/bot/robot-outbound';
import { SendLogService } from '../../src/bot/send-log.service';
import { FakeClock } from '../support/fake-clock';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';
import { RecordingPuppetMock } from '../support/puppet-mock';

const t = useTestDatabase(__filename);

describe('saying content through an in-process PuppetMock', () => {
  let bot: Wechaty;
  let puppet: RecordingPuppetMock;
  let roomId: string;
  let people: mock.ContactMock[];

  beforeAll(async () => {
    const mocker = new mock.Mocker();
    puppet = new RecordingPuppetMock({ mocker });
    bot = WechatyBuilder.build({ puppet: puppet as never });
    // A send to an unknown id makes Wechaty emit an error; an unheard one would kill the process.
    bot.on('error', () => undefined);
    await bot.start();
    const user = mocker.createContact({ name: 'QunBot' });
    people = mocker.createContacts(2);
    roomId = mocker.createRoom({ topic: 'g', memberIdList: [user.id, ...people.map((p) => p.id)] }).id;
    const loggedIn = new Promise((resolve) => bot.once('login', resolve));
    mocker.login(user);
    await loggedIn;
  });

  afterAll(async () => {
    await bot.stop();
  });

  test('when the puppet is asked about an id, then a room is a room and a person is a contact', async () => {
    expect(await conversationKind(bot, roomId)).toBe('room');
    expect(await conversationKind(bot, people[0].id)).toBe('contact');
    expect(await conversationKind(bot, 'nobody')).toBe('contact');
  });

  test('when content goes out without a known kind, then the puppet decides where and mentions go to rooms only', async () => {
    const before = puppet.received.length;
    expect(await sayTo(bot, people[0].id, { type: 'text', text: 'hi' }, [people[1].id])).toMatchObject({
      status: 'sent',
    });
    expect(await sayTo(bot, roomId, { type: 'text', text: 'hey' }, [people[1].id])).toMatchObject({ status: 'sent' });
    expect(await sayTo(bot, roomId, { type: 'image', url: 'https://example.com/a.png' }, [], 'room')).toMatchObject({
      status: 'sent',
    });
    expect(
      await sayTo(bot, roomId, { type: 'miniprogram', appid: 'wx1', username: 'gh_1', title: 'm' }, []),
    ).toMatchObject({ status: 'sent' });
    const got = puppet.received.slice(before).map((r) => [r.conversationId, r.kind, r.mentionIds]);
    expect(got).toEqual([
      [people[0].id, 'text', undefined],
      [roomId, 'text', [people[1].id]],
      [roomId, 'file', undefined],
      [roomId, 'miniprogram', undefined],
    ]);
  });

  test('when the conversation does not exist, then the send ends as room_not_found', async () => {
    expect(await sayTo(bot, 'nobody', { type: 'text', text: 'x' }, [])).toEqual({ status: 'room_not_found' });
    expect(await sayTo(bot, 'gone@chatroom', { type: 'text', text: 'x' }, [], 'room')).toEqual({
      status: 'room_not_found',
    });
  });
});

describe('the outbox tells its sender what it knows of the conversation', () => {
  test('when a send names a room record, then the sender hears "room"; without one, it hears nothing', async () => {
    const kinds: [string, ConversationKind | undefined][] = [];
    const sender: Sender = {
      async send(to, _content, _mentions, kind) {
        kinds.push([to, kind]);
        return { status: 'sent' };
      },
    };
    const outbox = new RobotOutbox({
      robotId: '6740a0000000000000000002',
      sender,
      sendLog: new SendLogService(t.db.connection),
      clock: new FakeClock(),
      policy: { ratePerSec: 100, burst: 100, roomGapMs: 0, jitterMs: 0, maxQueue: 10 },
      log: silentLog,
      random: () => 0,
    });
    outbox.start();
    outbox.resume();
    const content = { type: 'text' as const, text: 'x' };
    const tickets = [
      await outbox.enqueue({ conversationId: 'r1@chatroom', roomId: '6740a00000000000000000aa', content }),
      await outbox.enqueue({ conversationId: 'wxid_1', content }),
    ];
    await Promise.all(tickets.map((x) => x.settled));
    await outbox.stop();
    expect(kinds).toEqual([
      ['r1@chatroom', 'room'],
      ['wxid_1', undefined],
    ]);
  });
});
