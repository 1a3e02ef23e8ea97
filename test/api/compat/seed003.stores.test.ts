import { BotBindings } from '../../../src/api/compat/seed003/bot-binding.service';
import { answer, RtCode } from '../../../src/api/compat/seed003/envelope';
import { MsgIds } from '../../../src/api/compat/seed003/msg-id.service';
import { ReplayStore, type Outcome } from '../../../src/api/compat/seed003/replay.service';
import { useTestDatabase } from '../../support/mongo';
import { testRuntime } from '../../support/runtime';

const t = useTestDatabase(__filename);

/** An action that counts its runs and answers with the run number. */
function counted() {
  let runs = 0;
  const act = async (): Promise<Outcome> => {
    runs += 1;
    return { answer: answer(RtCode.ok, '成功', { msgid: runs }), meta: { msgid: runs } };
  };
  return { act, runs: () => runs };
}

/** An action held until `release` is called (the first request still running). */
function held() {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  const act = async (): Promise<Outcome> => {
    started();
    await gate;
    return { answer: answer(RtCode.ok, '成功', { msgid: 1 }) };
  };
  return { act, release, running };
}

describe('seed 003 replay store (txcode once per channel and day)', () => {
  const now = () => Date.now();
  let store: ReplayStore;
  beforeAll(() => {
    store = new ReplayStore(t.db.connection, now);
  });

  test('when a txcode is used again, then the first answer comes back, marked replayed, and the action ran once', async () => {
    const c = counted();
    const slot = { chid: 'A', day: '20240101', txcode: 'seq-1' };
    const first = await store.run(slot, 'roomSendText', c.act);
    const again = await store.run(slot, 'roomSendText', c.act);
    expect(first).toEqual({ answer: answer(RtCode.ok, '成功', { msgid: 1 }), replayed: false });
    expect(again).toEqual({ answer: first.answer, replayed: true });
    expect(c.runs()).toBe(1);
  });

  test('when the same txcode comes for another channel or another day, then it acts again', async () => {
    const c = counted();
    await store.run({ chid: 'A', day: '20240101', txcode: 'seq-2' }, 'login', c.act);
    const otherChannel = await store.run({ chid: 'B', day: '20240101', txcode: 'seq-2' }, 'login', c.act);
    const otherDay = await store.run({ chid: 'A', day: '20240102', txcode: 'seq-2' }, 'login', c.act);
    expect([otherChannel.replayed, otherDay.replayed]).toEqual([false, false]);
    expect(c.runs()).toBe(3);
  });

  test('when ten requests with one txcode arrive at once in one process, then one acts and all get its answer', async () => {
    const c = counted();
    const slot = { chid: 'A', day: '20240101', txcode: 'burst' };
    const results = await Promise.all(Array.from({ length: 10 }, () => store.run(slot, 'roomSendText', c.act)));
    expect(c.runs()).toBe(1);
    for (const r of results) expect(r.answer).toEqual(results[0].answer);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
  });

  test('when another process sees the txcode while the first still runs, then it is told 2006 without acting, and later gets the answer', async () => {
    const other = new ReplayStore(t.db.connection, now);
    const slot = { chid: 'A', day: '20240101', txcode: 'slow' };
    const h = held();
    const first = store.run(slot, 'roomSendText', h.act);
    await h.running;
    const c = counted();
    const meanwhile = await other.run(slot, 'roomSendText', c.act);
    expect(meanwhile.answer.status).toBe(409);
    expect(meanwhile.answer.body.rtCode).toBe(RtCode.txcodeInProgress);
    h.release();
    const done = await first;
    const later = await other.run(slot, 'roomSendText', c.act);
    expect(later).toEqual({ answer: done.answer, replayed: true });
    expect(c.runs()).toBe(0);
  });

  test('when two processes get the same new txcode at the same moment, then the unique index lets only one act', async () => {
    const stores = [
      new ReplayStore(t.db.connection, now),
      new ReplayStore(t.db.connection, now),
      new ReplayStore(t.db.connection, now),
    ];
    const c = counted();
    const slot = { chid: 'A', day: '20240101', txcode: 'race' };
    const results = await Promise.all(stores.map((s) => s.run(slot, 'roomSendText', c.act)));
    expect(c.runs()).toBe(1);
    for (const r of results.filter((x) => x.answer.body.rtCode !== RtCode.txcodeInProgress))
      expect(r.answer).toEqual(answer(RtCode.ok, '成功', { msgid: 1 }));
  });

  test('when a txcode is reused for another interface, then 2005 (409) and nothing runs', async () => {
    const c = counted();
    const slot = { chid: 'A', day: '20240101', txcode: 'mixed' };
    await store.run(slot, 'login', c.act);
    const reused = await store.run(slot, 'roomSendText', c.act);
    expect(reused.answer.status).toBe(409);
    expect(reused.answer.body).toMatchObject({ rtCode: RtCode.txcodeReused, rtMsg: expect.stringContaining('login') });
    expect(c.runs()).toBe(1);

    // The same while the first is still running in this process.
    const h = held();
    const slot2 = { chid: 'A', day: '20240101', txcode: 'mixed-2' };
    const first = store.run(slot2, 'login', h.act);
    await h.running;
    expect((await store.run(slot2, 'botStatus', c.act)).answer.body.rtCode).toBe(RtCode.txcodeReused);
    h.release();
    await first;
  });

  test('when the action fails unexpectedly, then the txcode is given back and the same request may be retried', async () => {
    const slot = { chid: 'A', day: '20240101', txcode: 'flaky' };
    await expect(store.run(slot, 'login', async () => Promise.reject(new Error('database hiccup')))).rejects.toThrow(
      'database hiccup',
    );
    const c = counted();
    const retried = await store.run(slot, 'login', c.act);
    expect(retried.replayed).toBe(false);
    expect(c.runs()).toBe(1);
  });

  test('when waiting duplicates share a failed first run, then they fail too and nobody acted twice', async () => {
    const slot = { chid: 'A', day: '20240101', txcode: 'flaky-burst' };
    let runs = 0;
    const failing = async (): Promise<Outcome> => {
      runs += 1;
      throw new Error('boom');
    };
    const results = await Promise.allSettled([store.run(slot, 'login', failing), store.run(slot, 'login', failing)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(runs).toBe(1);
  });

  test('when an answer is stored, then it comes back exactly, empty resHead included', async () => {
    const slot = { chid: 'A', day: '20240101', txcode: 'shape' };
    const first = await store.run(slot, 'botStatus', async () => ({
      answer: answer(RtCode.notLoggedIn, '机器人未登录'),
    }));
    const fresh = new ReplayStore(t.db.connection, now);
    const again = await fresh.run(slot, 'botStatus', async () => ({ answer: answer(RtCode.ok, 'never') }));
    expect(again.answer).toEqual(first.answer);
    expect(again.answer.body.resHead).toEqual({});
    expect(await store.count('A')).toBeGreaterThan(5);
  });
});

describe('seed 003 msgid counter', () => {
  test('when many ids are taken at once, then each channel counts 1, 2, 3... without gaps or repeats', async () => {
    const ids = new MsgIds(t.db.connection);
    const a = await Promise.all(Array.from({ length: 20 }, () => ids.next('CNT-A')));
    const b = await Promise.all(Array.from({ length: 5 }, () => ids.next('CNT-B')));
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect([...b].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5]);
    expect(await new MsgIds(t.db.connection).next('CNT-A')).toBe(21);
  });
});

describe('seed 003 botcode bindings', () => {
  const channel = (chid: string, owner: string) => ({ chid, key: 'k'.repeat(16), owner });

  test('when three logins race for a new botcode, then one robot is created for the channel owner and all get it', async () => {
    const rt = testRuntime(t.db);
    const bindings = new BotBindings(t.db.connection, { robots: rt.robots, manager: rt.manager, now: Date.now });
    const results = await Promise.all([1, 2, 3].map(() => bindings.ensure(channel('RACE', 'race-owner'), 'bot-r')));
    expect(new Set(results.map((r) => r.robotId)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const robots = await rt.robots.list({ owner: 'race-owner' });
    expect(robots.map((r) => ({ id: r.id, name: r.name, username: r.username }))).toEqual([
      { id: results[0].robotId, name: 'bot-r', username: 'bot-r' },
    ]);
    expect(await bindings.find('RACE', 'bot-r')).toBe(results[0].robotId);
    expect(await bindings.of(results[0].robotId)).toEqual([{ chid: 'RACE', botcode: 'bot-r' }]);
  });

  test('when the owner already has a robot whose username is the botcode, then it is bound instead of a new one', async () => {
    const rt = testRuntime(t.db);
    const prepared = await rt.manager.create({
      name: 'prepared by an operator',
      owner: 'ops-owner',
      username: 'bot-p',
    });
    await rt.manager.create({ name: "someone else's", owner: 'other-owner', username: 'bot-p' });
    const bindings = new BotBindings(t.db.connection, { robots: rt.robots, manager: rt.manager, now: Date.now });
    expect(await bindings.ensure(channel('OPS', 'ops-owner'), 'bot-p')).toEqual({
      robotId: prepared.id,
      created: false,
    });
    expect(await rt.robots.list({ owner: 'ops-owner' })).toHaveLength(1);
  });

  test('when a bound robot is deleted, then the binding is dropped and the botcode is unknown again', async () => {
    const rt = testRuntime(t.db);
    const bindings = new BotBindings(t.db.connection, { robots: rt.robots, manager: rt.manager, now: Date.now });
    const { robotId } = await bindings.ensure(channel('DEL', 'del-owner'), 'bot-d');
    await rt.manager.delete(robotId);
    expect(await bindings.find('DEL', 'bot-d')).toBeNull();
    expect(await bindings.of(robotId)).toEqual([]);
    const again = await bindings.ensure(channel('DEL', 'del-owner'), 'bot-d');
    expect(again.created).toBe(true);
    expect(again.robotId).not.toBe(robotId);
  });
});
