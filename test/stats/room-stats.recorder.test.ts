import { EventEmitter } from 'node:events';
import type { RoomDayUpdate } from '../../src/stats/day-tally';
import { RoomStatsRecorder } from '../../src/stats/room-stats.recorder';
import { silentLog } from '../support/logger';

/** The recorder over a stand-in manager (an EventEmitter) and a store that fails when told to. */
function setUp(timeZone = 'Asia/Shanghai') {
  const manager = new EventEmitter();
  const stored: RoomDayUpdate[][] = [];
  const store = { failNext: false, refuse: [] as string[] };
  const recorder = new RoomStatsRecorder({
    manager: manager as never,
    stats: {
      apply: async (updates) => {
        if (store.failNext) {
          store.failNext = false;
          throw new Error('database down');
        }
        stored.push([...updates]);
        return updates.filter((u) => store.refuse.includes(u.roomId));
      },
    },
    timeZone,
    flushMs: 3_600_000,
    log: silentLog,
  }).attach();
  const message = (roomId: string, at: string, talker = 'amy') =>
    manager.emit('handled', {
      robotId: 'bot',
      roomId,
      event: { kind: 'message', at: new Date(at), talker: { id: talker } },
    });
  return { manager, recorder, stored, store, message };
}

describe('the room statistics recorder', () => {
  test('when a message comes at 00:30 in Shanghai (16:30 UTC the day before), then it counts on the Shanghai day', async () => {
    const { recorder, stored, message } = setUp();
    message('r1', '2026-12-03T16:30:00Z');
    message('r1', '2026-12-03T15:59:59Z');
    await recorder.flush();
    expect(stored[0].map((u) => [u.day, u.messages])).toEqual([
      ['2026-12-04', 1],
      ['2026-12-03', 1],
    ]);
    await recorder.close();
  });

  test('when a direct message (no room) or a failed send comes, then nothing is counted', async () => {
    const { manager, recorder, stored } = setUp();
    manager.emit('handled', { robotId: 'bot', event: { kind: 'message', at: new Date(), talker: { id: 'x' } } });
    manager.emit('settled', { robotId: 'bot', record: { status: 'failed', roomId: 'r1' } });
    await recorder.flush();
    expect(stored).toEqual([]);
    await recorder.close();
  });

  test('when the database is down for one write, then the counts wait and go with the next, added to the newer ones', async () => {
    const { recorder, stored, store, message } = setUp();
    message('r1', '2026-12-04T02:00:00Z', 'amy');
    store.failNext = true;
    await recorder.flush();
    expect(stored).toEqual([]);
    message('r1', '2026-12-04T03:00:00Z', 'ben');
    await recorder.flush();
    expect(stored[0]).toEqual([expect.objectContaining({ messages: 2, speakers: ['amy', 'ben'] })]);
    await recorder.close();
  });

  test('when one room-day of a batch is not stored, then only that one is kept for the next write', async () => {
    const { recorder, stored, store, message } = setUp();
    message('r1', '2026-12-04T02:00:00Z');
    message('r2', '2026-12-04T02:00:00Z');
    store.refuse = ['r2'];
    await recorder.flush();
    store.refuse = [];
    await recorder.flush();
    expect(stored.map((batch) => batch.map((u) => u.roomId))).toEqual([['r1', 'r2'], ['r2']]);
    await recorder.close();
  });

  test('when it is closed, then it stops listening and writes what it counted', async () => {
    const { manager, recorder, stored, message } = setUp();
    message('r1', '2026-12-04T02:00:00Z');
    await recorder.close();
    expect(stored).toHaveLength(1);
    expect(manager.listenerCount('handled') + manager.listenerCount('settled')).toBe(0);
  });
});
