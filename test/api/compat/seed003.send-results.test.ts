import { EventEmitter } from 'node:events';
import { answer, RtCode } from '../../../src/api/compat/seed003/envelope';
import { ReplayStore } from '../../../src/api/compat/seed003/replay.service';
import { followSendResults } from '../../../src/api/compat/seed003/send-results';
import type { SendRecord } from '../../../src/bot/send-log.service';
import { silentLog } from '../../support/logger';
import { useTestDatabase } from '../../support/mongo';

const t = useTestDatabase(__filename);

const CHANNEL = { chid: 'CH01', key: 'k'.repeat(16), owner: 'o', notifyUrl: 'https://biz.example.com/n' };

/**
 * What a restart leaves: the request that queued the send is stored with its answer, the process
 * that waited for the send is gone. The new process only sees the send settle (the robot's
 * outbox resumes it) as the manager's `settled` event.
 */
describe('seed 003 sendResult after a restart', () => {
  const now = () => Date.now();
  let replay: ReplayStore;
  beforeAll(async () => {
    replay = new ReplayStore(t.db.connection, now);
    const stored = (txcode: string, msgid: number, sendId: string, sendStatus: string) =>
      replay.run({ chid: 'CH01', day: '20261203', txcode }, 'roomSendText', async () => ({
        answer: answer(RtCode.ok, '成功', { msgid, sendStatus }),
        meta: { robotId: 'robot-1', msgid, sendId },
      }));
    await stored('T1', 41, '6740d0000000000000000a01', '0');
    await stored('T2', 42, '6740d0000000000000000a02', '1');
  });

  function follow() {
    const manager = new EventEmitter();
    const told: unknown[][] = [];
    let tell: () => void = () => undefined;
    // Every lookup the follower made, answered.
    const looked = new EventEmitter();
    let lookups = 0;
    const stop = followSendResults({
      manager: manager as never,
      replay: {
        answeredQueued: async (id) => {
          const found = await replay.answeredQueued(id);
          lookups += 1;
          looked.emit('looked', lookups);
          return found;
        },
      },
      bindings: { of: async () => [{ chid: 'CH01', botcode: 'bot-a' }] },
      channels: new Map([['CH01', CHANNEL]]),
      notifier: {
        toChannel: async (...args: unknown[]) => {
          told.push(args.slice(1));
          tell();
        },
      },
      log: silentLog,
    });
    const next = () => new Promise<void>((r) => (tell = r));
    const settle = (id: string, status: SendRecord['status'], source = 'seed003') =>
      manager.emit('settled', { robotId: 'robot-1', record: { id, status, source } as SendRecord });
    const lookedUp = (n: number) =>
      new Promise<void>((resolve) => {
        if (lookups >= n) return resolve();
        const on = (count: number) => count >= n && (looked.off('looked', on), resolve());
        looked.on('looked', on);
      });
    return { told, next, settle, stop, manager, lookedUp };
  }

  test('when a send answered "0" settles in a new process, then its channel is told the msgid and final sendStatus, keyed by the send', async () => {
    const f = follow();
    const told = f.next();
    f.settle('6740d0000000000000000a01', 'sent');
    await told;
    expect(f.told).toEqual([
      ['bot-a', 'robot-1', { event: 'sendResult', msgid: 41, sendStatus: '1' }, 'SR6740d0000000000000000a01'],
    ]);
    f.stop();
    expect(f.manager.listenerCount('settled')).toBe(0);
  });

  test('when a send answered "1", another source\'s send, or an unknown send settles, then nothing is told', async () => {
    const f = follow();
    f.settle('6740d0000000000000000a02', 'sent');
    f.settle('6740d0000000000000000a01', 'failed', 'api');
    f.settle('6740d0000000000000000a09', 'sent');
    // Another source's send is not even looked up; the two others are, and dropped.
    await f.lookedUp(2);
    expect(f.told).toEqual([]);
    // The follower still works: a later send answered "0" is told.
    await replay.run({ chid: 'CH01', day: '20261203', txcode: 'T3' }, 'roomSendText', async () => ({
      answer: answer(RtCode.ok, '成功', { msgid: 43, sendStatus: '0' }),
      meta: { robotId: 'robot-1', msgid: 43, sendId: '6740d0000000000000000a03' },
    }));
    const told = f.next();
    f.settle('6740d0000000000000000a03', 'failed');
    await told;
    expect(f.told).toEqual([
      ['bot-a', 'robot-1', { event: 'sendResult', msgid: 43, sendStatus: '3' }, 'SR6740d0000000000000000a03'],
    ]);
    f.stop();
  });
});
