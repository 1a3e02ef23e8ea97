import { NotReadyError, OutboxFullError, RobotOutbox, type Sender } from '../../src/bot/outbox';
import { SendLogService } from '../../src/bot/send-log.service';
import type { OutboundContent } from '../../src/bot/content';
import { FakeClock } from '../support/fake-clock';
import { silentLog } from '../support/logger';
import { useTestDatabase } from '../support/mongo';

const ROBOT = '6740a0000000000000000001';
const text = (t: string): OutboundContent => ({ type: 'text', text: t });

/** A sender that records the fake time of every send. */
function recordingSender(clock: FakeClock) {
  const sent: { at: number; to: string; text: string }[] = [];
  let ready = true;
  const sender: Sender = {
    async send(to, content) {
      if (!ready) throw new NotReadyError('not logged in');
      if (to === 'missing@chatroom') return { status: 'room_not_found' };
      if (to === 'broken@chatroom') throw new Error('puppet exploded');
      sent.push({ at: clock.now(), to, text: content.type === 'text' ? content.text : content.type });
      return { status: 'sent', messageId: `m${sent.length}` };
    },
  };
  return { sent, sender, setReady: (r: boolean) => (ready = r) };
}

// File-level, so its teardown runs after every describe's own afterAll.
const t = useTestDatabase(__filename);

describe('RobotOutbox', () => {
  const policy = { ratePerSec: 0.5, burst: 2, roomGapMs: 3000, jitterMs: 0, maxQueue: 5 };

  function make(clock: FakeClock, sender: Sender, over: Partial<typeof policy> = {}) {
    const outbox = new RobotOutbox({
      robotId: ROBOT,
      sender,
      sendLog: new SendLogService(t.db.connection),
      clock,
      policy: { ...policy, ...over },
      log: silentLog,
      random: () => 0,
    });
    outbox.start();
    outbox.resume();
    return outbox;
  }

  /**
   * Lets the outbox run; whenever it waits on the clock, moves time to the end of that wait.
   * Checks for a wait already pending before listening for the next one, so none is missed.
   */
  async function drive(clock: FakeClock, until: Promise<unknown>): Promise<void> {
    let done = false;
    void until.then(() => (done = true));
    while (!done) {
      if (clock.advanceToNext()) continue;
      await Promise.race([clock.nextSleep(), until]);
    }
  }

  test('when five sends go to five rooms, then two go at once and the rest one per 2 s', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { sent, sender } = recordingSender(clock);
    const outbox = make(clock, sender);
    const tickets = [];
    for (const i of [1, 2, 3, 4, 5])
      tickets.push(await outbox.enqueue({ conversationId: `r${i}@chatroom`, content: text(`m${i}`) }));
    await drive(clock, Promise.all(tickets.map((x) => x.settled)));
    await outbox.stop();
    expect(sent.map((s) => s.at - start)).toEqual([0, 0, 2000, 4000, 6000]);
    const results = await Promise.all(tickets.map((x) => x.settled));
    expect(results.map((r) => r.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);
    expect(results[0].puppetMessageId).toBe('m1');
  });

  test('when three sends go to one room, then the room gap spaces them 3 s apart', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { sent, sender } = recordingSender(clock);
    const outbox = make(clock, sender, { ratePerSec: 100, burst: 100 });
    const tickets = [];
    for (const m of ['a', 'b', 'c'])
      tickets.push(await outbox.enqueue({ conversationId: 'same@chatroom', content: text(m) }));
    await drive(clock, Promise.all(tickets.map((x) => x.settled)));
    await outbox.stop();
    expect(sent.map((s) => [s.at - start, s.text])).toEqual([
      [0, 'a'],
      [3000, 'b'],
      [6000, 'c'],
    ]);
  });

  test('when one room is in its gap, then another room does not wait behind it', async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { sent, sender } = recordingSender(clock);
    const outbox = make(clock, sender, { ratePerSec: 100, burst: 100 });
    const tickets = [
      await outbox.enqueue({ conversationId: 'busy@chatroom', content: text('1') }),
      await outbox.enqueue({ conversationId: 'busy@chatroom', content: text('2') }),
      await outbox.enqueue({ conversationId: 'other@chatroom', content: text('3') }),
    ];
    await drive(clock, Promise.all(tickets.map((x) => x.settled)));
    await outbox.stop();
    expect(sent.map((s) => [s.at - start, s.text])).toEqual([
      [0, '1'],
      [0, '3'],
      [3000, '2'],
    ]);
  });

  test('when jitter is configured, then each send waits up to jitterMs more', async () => {
    const clock = new FakeClock();
    const { sender } = recordingSender(clock);
    const outbox = new RobotOutbox({
      robotId: ROBOT,
      sender,
      sendLog: new SendLogService(t.db.connection),
      clock,
      policy: { ...policy, jitterMs: 1000 },
      log: silentLog,
      random: () => 0.25,
    });
    outbox.start();
    outbox.resume();
    const sleeping = clock.nextSleep();
    const ticket = await outbox.enqueue({ conversationId: 'j@chatroom', content: text('j') });
    expect(await sleeping).toBe(250);
    clock.advance(250);
    expect((await ticket.settled).status).toBe('sent');
    await outbox.stop();
  });

  test('when the queue is full, then new sends are rejected with outbox_full and not logged', async () => {
    const clock = new FakeClock();
    const { sender } = recordingSender(clock);
    const outbox = make(clock, sender);
    outbox.pause();
    for (let i = 0; i < 5; i++) await outbox.enqueue({ conversationId: `f${i}@chatroom`, content: text('x') });
    const before = await t.db.connection.collection('sendlogs').countDocuments({ 'content.text': 'overflow' });
    await expect(outbox.enqueue({ conversationId: 'f9@chatroom', content: text('overflow') })).rejects.toBeInstanceOf(
      OutboxFullError,
    );
    await expect(outbox.enqueue({ conversationId: 'f9@chatroom', content: text('overflow') })).rejects.toMatchObject({
      code: 'outbox_full',
    });
    expect(await t.db.connection.collection('sendlogs').countDocuments({ 'content.text': 'overflow' })).toBe(before);
    expect(outbox.size).toBe(5);
    await outbox.stop();
  });

  test('when sends that belong together do not all fit, then none is queued or logged; when they fit, they queue in order', async () => {
    const clock = new FakeClock();
    const { sent, sender } = recordingSender(clock);
    const outbox = make(clock, sender);
    outbox.pause();
    for (let i = 0; i < 4; i++) await outbox.enqueue({ conversationId: `p${i}@chatroom`, content: text('x') });
    const pair = [
      { conversationId: 'pair@chatroom', content: text('pair-text') },
      { conversationId: 'pair@chatroom', content: text('pair-image') },
    ];
    await expect(outbox.enqueueAll(pair)).rejects.toBeInstanceOf(OutboxFullError);
    expect(await t.db.connection.collection('sendlogs').countDocuments({ conversationId: 'pair@chatroom' })).toBe(0);
    expect(outbox.size).toBe(4);
    const fits = make(clock, sender);
    const tickets = await fits.enqueueAll(pair);
    await drive(clock, Promise.all(tickets.map((x) => x.settled)));
    expect(sent.map((s) => s.text)).toEqual(['pair-text', 'pair-image']);
    await outbox.stop();
    await fits.stop();
  });

  test('when one send of a pair cannot be logged, then neither is, and callers arriving together cannot overfill the queue', async () => {
    const clock = new FakeClock();
    const { sender } = recordingSender(clock);
    const outbox = make(clock, sender);
    outbox.pause();
    const bad = [
      { conversationId: 'half@chatroom', content: text('text') },
      // No conversation: the send log refuses it.
      { conversationId: undefined as unknown as string, content: text('image') },
    ];
    await expect(outbox.enqueueAll(bad)).rejects.toThrow();
    expect(await t.db.connection.collection('sendlogs').countDocuments({ conversationId: 'half@chatroom' })).toBe(0);
    expect(outbox.size).toBe(0);
    // maxQueue is 5 here: three pairs asked at once, at most two get in.
    const pair = (i: number) => [
      { conversationId: `race${i}@chatroom`, content: text('a') },
      { conversationId: `race${i}@chatroom`, content: text('b') },
    ];
    const results = await Promise.allSettled([0, 1, 2].map((i) => outbox.enqueueAll(pair(i))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(outbox.size).toBe(4);
    await outbox.stop();
  });

  test('when the room is missing or the puppet fails, then the send log says so', async () => {
    const clock = new FakeClock();
    const { sender } = recordingSender(clock);
    const outbox = make(clock, sender, { ratePerSec: 100, burst: 100 });
    const missing = await outbox.enqueue({ conversationId: 'missing@chatroom', content: text('x') });
    const broken = await outbox.enqueue({ conversationId: 'broken@chatroom', content: text('y') });
    await drive(clock, Promise.all([missing.settled, broken.settled]));
    expect(await missing.settled).toMatchObject({ status: 'room_not_found' });
    expect(await broken.settled).toMatchObject({ status: 'failed', error: 'puppet exploded' });
    await outbox.stop();
  });

  test('when the robot is not ready, then the send waits queued and goes after resume', async () => {
    const clock = new FakeClock();
    const { sent, sender, setReady } = recordingSender(clock);
    setReady(false);
    const outbox = make(clock, sender, { ratePerSec: 100, burst: 100 });
    const waiting = new Promise((resolve) => outbox.once('waiting', resolve));
    const ticket = await outbox.enqueue({ conversationId: 'later@chatroom', content: text('later') });
    expect(await waiting).toBe(ticket.record.id);
    const logs = new SendLogService(t.db.connection);
    expect((await logs.get(ticket.record.id))?.status).toBe('queued');
    expect(outbox.size).toBe(1);
    expect(sent).toHaveLength(0);
    setReady(true);
    outbox.resume();
    await drive(clock, ticket.settled);
    expect((await ticket.settled).status).toBe('sent');
    expect(sent.map((s) => s.text)).toEqual(['later']);
    await outbox.stop();
  });

  test('when a previous run crashed, then queued sends resume and sending ones become unknown, never resent', async () => {
    const clock = new FakeClock();
    const logs = new SendLogService(t.db.connection);
    const robot = '6740a0000000000000000002';
    const queued = await logs.create({ robotId: robot, conversationId: 'q@chatroom', content: text('resume me') });
    const inFlight = await logs.create({ robotId: robot, conversationId: 'q@chatroom', content: text('maybe sent') });
    await logs.claim(inFlight.id);
    const { sent, sender } = recordingSender(clock);
    const outbox = new RobotOutbox({
      robotId: robot,
      sender,
      sendLog: logs,
      clock,
      policy: { ...policy, ratePerSec: 100, burst: 100 },
      log: silentLog,
      random: () => 0,
    });
    const settled = new Promise((resolve) => outbox.once('settled', resolve));
    expect(await outbox.recover()).toEqual({ requeued: 1, unknown: 1 });
    outbox.start();
    outbox.resume();
    await drive(clock, settled);
    await outbox.stop();
    expect(sent.map((s) => s.text)).toEqual(['resume me']);
    expect((await logs.get(queued.id))?.status).toBe('sent');
    expect((await logs.get(inFlight.id))?.status).toBe('unknown');
  });
});
